// One scenario: map a memory kind, pin it through a GUP entry point with the caller's flags, then
// do what the process does next, and say whether the pin still sees what the process sees.
import { type KernelSpec, kernelFor } from './behaviours.js';
import { SimError, unknownName } from './errors.js';
import { ForkFailed, fork } from './fork.js';
import { FOLL_FLAGS, type FollFlag, GUP_APIS, type GupApi, type GupOutcome, gup, release } from './gup.js';
import { registerBuffer } from './io-uring.js';
import { type Mapping, memoryKind } from './memory-kinds.js';
import { DEFAULT_MACHINE, Machine, type Mm, type PinRecord } from './mm.js';
import { changeProtNuma } from './numa.js';
import { PMD_NR, folioMaybeDmaPinned, pageAnonExclusive } from './page.js';
import { describePins, describeRange, folioKindText } from './state.js';
import { va } from './fault.js';
import { clearSoftDirty, exitMm, madvise, memset, mprotect, mremapFixed, munmap, readPages, touch } from './syscalls.js';
import { isVmHugetlbPage } from './vma.js';
import { Tracer, type TraceStep } from './trace.js';

export interface ScenarioInput {
  kernel: KernelSpec;
  /** a MEMORY_KINDS name */
  memory: string;
  mapping: Mapping;
  /** the mapping's protection when the pin is taken (default read-write); read-only maps it PROT_READ after populating it */
  prot?: 'read-write' | 'read-only';
  /**
   * FOLL_* names as the caller passes them. Without `api`, FOLL_PIN / FOLL_GET only choose the
   * family (pin_user_pages*() by default, get_user_pages*() with FOLL_GET) and are not passed on.
   */
  flags: string[];
  /** slow: pin_user_pages() / get_user_pages(); fast: the *_fast() variants (default slow) */
  path?: 'slow' | 'fast';
  /**
   * the entry point, when the caller knows it (overrides `path` and the FOLL_PIN/FOLL_GET choice):
   * a GUP_APIS name, or 'io_uring_register_buffers' (its flags are its own: FOLL_WRITE|FOLL_LONGTERM)
   */
  api?: string;
  /** what happens after the pin, in order (default ['write']); see THEN_STEPS */
  then?: string[];
  /** record the trace (default true) */
  trace?: boolean;
}

/** Steps a scenario may take after the pin. */
export const THEN_STEPS = {
  write: 'the process writes to the pinned page',
  read: 'the process reads the pinned page',
  fork: 'the process forks a child (which stays alive)',
  'fork-child-write': 'a child (forked now if there is none) writes to the page',
  'child-exit': 'the child exits',
  'mprotect-ro': 'mprotect(PROT_READ) on the range',
  'mprotect-rw': 'mprotect(PROT_READ|PROT_WRITE) on the range',
  'clear-soft-dirty': 'clear_refs: start soft-dirty tracking (write-protects the page table)',
  swapout: 'MADV_PAGEOUT on the page',
  'madv-dontneed': 'madvise(MADV_DONTNEED) on the range, then the process reads it again',
  'mprotect-none': 'mprotect(PROT_NONE): the process can no longer access the range',
  mremap: 'mremap(MREMAP_MAYMOVE|MREMAP_FIXED): the range moves to another address',
  munmap: 'munmap() of the whole range',
  swapin: 'MADV_PAGEOUT on the range, then the process reads the page (a swap-in fault if it went to swap)',
  'munmap-page': 'munmap() of the pinned 4 KiB page alone (in a PMD-mapped THP: the PMD is split first)',
  'munmap-neighbour': 'munmap() of the 4 KiB page after the pinned one (in a PMD-mapped THP: the PMD is split)',
  'numa-protnone': "NUMA balancing's scan makes the range PROT_NONE for hinting faults (change_prot_numa())",
  'numa-hint': 'a NUMA hinting fault: the range is made PROT_NONE by NUMA balancing, then the process reads it',
  repin: 'the driver unpins the page and pins it again through the same entry point with the same flags',
} as const;

/**
 * The steps scripts/kernel-truth/scenarios.c runs on real kernels, and the kernels whose runs are
 * recorded (test/kernel-truth/scenarios-V.tap; agreement.test.ts holds this list to the
 * recordings). Other steps, and these on other kernels, say in their trace that they are modelled
 * from the kernel's code only.
 */
export const CHECKED_STEPS: Readonly<Record<string, readonly string[]>> = {
  'madv-dontneed': ['6.1', '6.12', '7.3'],
  'mprotect-none': ['6.1', '6.12', '7.3'],
  mremap: ['6.1', '6.12', '7.3'],
  munmap: ['6.1', '6.12', '7.3'],
  swapin: ['6.1', '6.12', '7.3'],
  'munmap-page': ['6.1', '6.12', '7.3'],
  'munmap-neighbour': ['6.1', '6.12', '7.3'],
};

/** The steps added for issue 15: each says whether a real kernel run checked it. */
const NOTED_STEPS: ReadonlySet<string> = new Set([...Object.keys(CHECKED_STEPS), 'numa-protnone', 'numa-hint', 'repin']);

/** NUMA hinting needs NUMA balancing on a machine with more than one node: the recorded qemu guests have one. */
const WHY_UNCHECKED: Readonly<Record<string, string>> = {
  'numa-protnone': ' (NUMA balancing needs more than one node; the recorded qemu guests have one)',
  'numa-hint': ' (NUMA balancing needs more than one node; the recorded qemu guests have one)',
};

function checkNote(step: string, kernel: { v: readonly number[] }): string | null {
  if (!NOTED_STEPS.has(step)) return null;
  const on = CHECKED_STEPS[step] ?? [];
  const v = `${kernel.v[0]}.${kernel.v[1]}`;
  if (on.includes(v)) return null;
  const list = on.length > 1 ? `${on.slice(0, -1).join(', ')} and ${on.at(-1)}` : on.join('');
  if (on.length) return `"${step}" is modelled from the kernel's code: checked against real runs of Linux ${list}, not of ${v}`;
  return `"${step}" is modelled from the kernel's code, not checked against a run on a real kernel${WHY_UNCHECKED[step] ?? ''}`;
}

/** Where mremap moves the range: far from every set-up mapping (VA + 1 GiB). */
const MREMAP_DELTA = 0x40000;
export type ThenStep = keyof typeof THEN_STEPS;

/** One page as the simulation view draws it. */
export interface PageView {
  /** 'PA:0x5000', 'zeropage', 'huge-zeropage' */
  id: string;
  /** 'anon', 'anon THP 2048 kB', 'shared zeropage', 'pagecache (memfd)', ... */
  kind: string;
  anon: boolean;
  /** PageAnonExclusive of the page in question; null for non-anonymous pages */
  exclusive: boolean | null;
  refcount: number;
  mapcount: number;
  pincount: number;
  /** folio_maybe_dma_pinned() */
  maybePinned: boolean;
  /** the page's fill byte */
  content: number;
}

/** One page-table entry of a process at the scenario's address. */
export interface MappingView {
  /** 'process' (the pinner) or 'child' */
  process: string;
  va: string;
  level: 'pte' | 'pmd' | 'pud';
  /** present: maps `page`; swap: swapped out; none: nothing mapped */
  state: 'present' | 'swap' | 'none';
  writable: boolean;
  /** present but PROT_NONE for NUMA hinting (pte_protnone()): the next access faults; `writable` is what it returns to */
  protnone?: boolean;
  /** PageView.id of the page mapped, if present */
  page: string | null;
}

/** A reference GUP handed out. */
export interface PinView {
  page: string;
  kind: 'FOLL_PIN' | 'FOLL_GET';
  va: string;
  /** the pinner's page table still maps this very page at `va` */
  stillMapped: boolean;
}

/**
 * The state after one step, for the simulation view: page table -> pinned page -> what the next
 * step did to it. `pages` lists every page some mapping or pin refers to.
 */
export interface Snapshot {
  /** 'setup', 'pin', or the then-step */
  after: string;
  mappings: MappingView[];
  pages: PageView[];
  pins: PinView[];
  /** gVisor-style state lines of the same */
  lines: string[];
}

export interface ScenarioResult {
  /** coherent: the pin still sees what the process sees after every step; incoherent: it does not; refused: GUP failed; error: the model found a kernel livelock */
  verdict: 'coherent' | 'incoherent' | 'refused' | 'error';
  /** the entry point's error, e.g. '-EFAULT' */
  errno?: string;
  /** one sentence for a driver developer */
  summary: string;
  trace: TraceStep[];
  /** PageView.id of the page GUP returned */
  pinnedPage?: string;
  /** the pages at the end (same as the last snapshot's) */
  pages?: PageView[];
  snapshots: Snapshot[];
  /** the entry point and flags actually used */
  api: string;
  flags: string[];
}

function pageView(p: PinRecord['folio'], index: number): PageView {
  return {
    id: p.large ? `${p.name}+${index}` : p.name,
    kind: folioKindText(p),
    anon: p.anon,
    exclusive: p.anon ? pageAnonExclusive(p, index) : null,
    refcount: p.refcount,
    mapcount: p.mapcount,
    pincount: p.pincount,
    maybePinned: folioMaybeDmaPinned(p),
    content: p.zero ? 0 : p.content.at(index),
  };
}

function snapshot(machine: Machine, vpn: number, after: string): Snapshot {
  const mappings: MappingView[] = [];
  const pages = new Map<string, PageView>();
  const hex = `0x${(vpn * 0x1000).toString(16)}`;
  const lines: string[] = [];
  for (const mm of machine.processes) {
    if (mm.exited) continue;
    const leaf = mm.pt.lookup(vpn);
    if (!leaf) mappings.push({ process: mm.name, va: hex, level: 'pte', state: 'none', writable: false, page: null });
    else if (leaf.entry.type === 'swap') mappings.push({ process: mm.name, va: hex, level: leaf.level, state: 'swap', writable: false, page: null });
    else {
      const idx = leaf.entry.index + (vpn - leaf.base);
      const pv = pageView(leaf.entry.folio, idx);
      pages.set(pv.id, pv);
      mappings.push({ process: mm.name, va: hex, level: leaf.level, state: 'present', writable: leaf.entry.writable, page: pv.id, ...(leaf.entry.protnone ? { protnone: true } : {}) });
    }
    lines.push(...describeRange(mm, vpn, vpn + 1));
  }
  const pins: PinView[] = [];
  for (const p of machine.pins) {
    if (p.released) continue;
    const pv = pageView(p.folio, p.index);
    pages.set(pv.id, pv);
    const leaf = p.mm.pt.lookup(p.vpn);
    const still = !!leaf && leaf.entry.type === 'present' && leaf.entry.folio === p.folio && leaf.entry.index + (p.vpn - leaf.base) === p.index;
    pins.push({ page: pv.id, kind: p.kind === 'pin' ? 'FOLL_PIN' : 'FOLL_GET', va: `0x${(p.vpn * 0x1000).toString(16)}`, stillMapped: still });
  }
  lines.push(...describePins(machine));
  return { after, mappings, pages: [...pages.values()], pins, lines };
}

/** Entry points simulate() can pin through: GUP's own and io_uring's buffer registration. */
export const SIM_APIS = [...GUP_APIS, 'io_uring_register_buffers'] as const;
type SimApi = (typeof SIM_APIS)[number];

/** The entry point and the flags it is called with, from the input. */
function chooseApi(input: ScenarioInput): { api: SimApi; flags: FollFlag[] } {
  for (const f of input.flags) if (!(FOLL_FLAGS as readonly string[]).includes(f)) throw unknownName('flag', f, FOLL_FLAGS);
  const flags = input.flags as FollFlag[];
  if (input.api !== undefined) {
    if (!(SIM_APIS as readonly string[]).includes(input.api)) throw unknownName('entry point', input.api, SIM_APIS);
    if (input.api === 'io_uring_register_buffers') {
      // io_sqe_buffer_register() pins with FOLL_WRITE|FOLL_LONGTERM itself: other flags would be ignored silently, so refuse them.
      const own = ['FOLL_WRITE', 'FOLL_LONGTERM', 'FOLL_PIN'];
      const other = flags.filter((f) => !own.includes(f));
      if (other.length) throw new SimError(`io_uring_register_buffers takes no flags: it pins with FOLL_WRITE|FOLL_LONGTERM itself (io_sqe_buffer_register()); drop ${other.join(', ')}`);
      return { api: input.api, flags: ['FOLL_WRITE', 'FOLL_LONGTERM'] };
    }
    return { api: input.api as GupApi, flags: [...flags] };
  }
  const path = input.path ?? 'slow';
  if (path !== 'slow' && path !== 'fast') throw unknownName('path', path, ['slow', 'fast']);
  const get = flags.includes('FOLL_GET') && !flags.includes('FOLL_PIN');
  const api: GupApi = get ? (path === 'fast' ? 'get_user_pages_fast' : 'get_user_pages') : path === 'fast' ? 'pin_user_pages_fast' : 'pin_user_pages';
  return { api, flags: flags.filter((f) => f !== 'FOLL_PIN' && f !== 'FOLL_GET') };
}

/** How a summary names a page: 'anonymous page', 'shared zeropage', 'pagecache page of memfd', ... */
function label(f: PinRecord['folio']): string {
  if (f.kind === 'zeropage') return 'shared zeropage';
  if (f.kind === 'huge-zeropage') return 'huge zeropage';
  if (f.kind === 'ksm') return 'KSM page';
  if (f.kind === 'anon') return f.hugetlb ? 'anonymous hugetlb page' : f.large ? 'page of an anonymous THP' : 'anonymous page';
  const file = f.file ? f.file.name.replace(/ \d+ kB$/, '') : 'a file';
  return `${f.hugetlb ? 'hugetlb ' : ''}pagecache page of ${file}`;
}

/** Kernel functions that put a different page where the pinned one was. */
const REPLACERS = ['wp_page_copy()', 'hugetlb_wp()', 'hugetlb_cow()', 'do_cow_fault()', 'copy_present_page()', 'do_swap_page()', 'collapse_huge_page()', 'try_to_merge_one_page()'];

/** Whether the process still maps the pinned page at `vpn` (where the pinned range is now: mremap moves it). */
function coherence(pin: PinRecord, vpn: number): { ok: boolean; why: string } {
  const leaf = pin.mm.pt.lookup(vpn);
  if (!leaf) return { ok: false, why: 'the process no longer maps anything there' };
  if (leaf.entry.type === 'swap') return { ok: true, why: 'swapped out' };
  const idx = leaf.entry.index + (vpn - leaf.base);
  if (leaf.entry.folio !== pin.folio || idx !== pin.index) {
    return { ok: false, why: `the process maps a new ${label(leaf.entry.folio)} in place of the pinned ${label(pin.folio)}` };
  }
  return { ok: true, why: 'the process still maps the pinned page' };
}

/**
 * What the process would read at `vpn`, without faulting (the check after a step must not change
 * the state it checks: a read would swap in, or take a NUMA hinting fault). null: nothing mapped.
 */
function peek(mm: Mm, vpn: number): number | null {
  const leaf = mm.pt.lookup(vpn);
  if (!leaf) return null;
  const e = leaf.entry;
  if (e.type === 'swap') return e.slot.cache ? e.slot.cache.folio.content.at(e.slot.cache.index) : e.slot.content;
  return e.folio.zero ? 0 : e.folio.content.at(e.index + (vpn - leaf.base));
}

/** What the pin holds after the steps, in a sentence. */
function pinHolds(pin: PinRecord, vpn: number): string {
  const f = pin.folio;
  const page = f.large ? `page ${pin.index} of ${f.name} (${folioKindText(f)})` : `${f.name} (${folioKindText(f)})`;
  const leaf = pin.mm.pt.lookup(vpn);
  const here = !!leaf && leaf.entry.type === 'present' && leaf.entry.folio === f && leaf.entry.index + (vpn - leaf.base) === pin.index;
  let where: string;
  if (here) where = `still the page the process maps at ${va(vpn)}${leaf!.entry.type === 'present' && leaf!.entry.protnone ? ' (PROT_NONE for NUMA hinting until the next access)' : ''}`;
  else if (leaf?.entry.type === 'swap') where = `while the process's entry at ${va(vpn)} is a swap entry`;
  else if (f.mapcount > 0) where = f.large ? `no longer mapped at ${va(vpn)}; the process still maps other pages of the folio, so the whole folio stays` : `no longer mapped at ${va(vpn)}, but still mapped by another process`;
  else where = 'mapped by nobody: the pin alone keeps it until it is released';
  return `The pin holds ${page}, ${where}.`;
}

const MAX_STEPS = 16;

/** Runs one scenario on the model. Throws SimError on bad input. */
/** fork(), or null when it fails as the kernel's can (-ENOMEM copying a pinned hugetlb page); the trace says so. */
function tryFork(mm: Mm): Mm | null {
  try {
    return fork(mm, 'child');
  } catch (error) {
    if (!(error instanceof ForkFailed)) throw error;
    mm.machine.trace.add('fork()', `-> ${error.errno}: ${error.message}; no child`);
    return null;
  }
}

export function simulate(input: ScenarioInput): ScenarioResult {
  if (!input || typeof input !== 'object') throw new SimError('simulate: expected a scenario object');
  const kernel = kernelFor(input.kernel);
  const mapping = input.mapping;
  if (mapping !== 'private' && mapping !== 'shared') throw unknownName('mapping', mapping, ['private', 'shared']);
  if (typeof input.memory !== 'string') throw new SimError('simulate: memory must be a memory kind name');
  const kind = memoryKind(input.memory, mapping);
  if (!Array.isArray(input.flags)) throw new SimError('simulate: flags must be an array of FOLL_* names');
  const { api, flags } = chooseApi(input);
  const then = input.then ?? [input.prot === 'read-only' ? 'read' : 'write'];
  if (!Array.isArray(then) || then.length > MAX_STEPS) throw new SimError(`simulate: then must be a list of at most ${MAX_STEPS} steps`);
  for (const s of then) if (typeof s !== 'string' || !Object.hasOwn(THEN_STEPS, s)) throw unknownName('step', s, Object.keys(THEN_STEPS));

  const machine = new Machine(kernel, { ...DEFAULT_MACHINE, thpSizesKb: [2048] }, new Tracer(input.trace ?? true));
  const t = machine.trace;
  const mm = machine.newMm('process');
  for (const note of kernel.notes()) t.add('note', note);
  t.add('setup', `${kind.name} in a ${mapping} mapping: ${kind.description}`);
  const vpn = kind.setup(mm, mapping);
  if (input.prot !== undefined && input.prot !== 'read-write' && input.prot !== 'read-only') throw unknownName('protection', input.prot, ['read-write', 'read-only']);
  if (input.prot === 'read-only') {
    const n = mm.findVma(vpn)!.hugeNr || 1;
    mprotect(mm, vpn, n, { read: true, write: false });
  }
  const snapshots: Snapshot[] = [snapshot(machine, vpn, 'setup')];
  t.add('before the pin', `${mm.name} maps ${kind.name} at VA:0x${(vpn * 0x1000).toString(16)}`, undefined, snapshots[0]!.lines);

  const gupStart = t.steps.length;
  const out = api === 'io_uring_register_buffers' ? pinViaIoUring(mm, vpn) : gup({ api, mm, start: vpn, nrPages: 1, flags, holder: 'driver' });
  const base = { api, flags: [...flags], trace: t.steps, snapshots };
  const who = `${api}(${flags.join('|') || '0'}) on ${kind.name} (${mapping}${input.prot === 'read-only' ? ', read-only' : ''}), Linux ${kernel.describe()}${kernel.notes().length ? ` (${kernel.notes().join('; ')})` : ''}`;
  if (out.livelock) {
    return { ...base, verdict: 'error', errno: out.errno!, summary: `${who}: the pin would never return: GUP asks for an unshare fault that does not unshare (livelock).` };
  }
  if (out.errno || out.ret !== 1) {
    const errno = out.errno ?? (out.ret === 0 ? '0 pages' : String(out.ret));
    const why = lastDecision(t.steps);
    return { ...base, verdict: 'refused', errno, summary: `${who}: refused (${errno})${why ? `: ${why}` : ''}.` };
  }
  let pin = out.pins[0]!;
  snapshots.push(snapshot(machine, vpn, 'pin'));
  t.add('pinned', `${pin.folio.name}: ${folioKindText(pin.folio)}`, undefined, snapshots[snapshots.length - 1]!.lines);
  const pinned = pageView(pin.folio, pin.index);
  const during = t.steps.slice(gupStart);
  const unshared = during.some((s) => s.fn === 'gup_must_unshare()' && s.detail.startsWith('-> true'));
  const migrated = during.some((s) => /^check_and_migrate_(movable|cma)_pages\(\)$/.test(s.fn) && s.detail.includes('migrated'));
  const copied = during.some((s) => s.fn === 'wp_page_copy()' || s.fn === 'do_cow_fault()' || (/^hugetlb_(wp|cow)\(\)$/.test(s.fn) && s.detail.includes('copied')));

  let child: Mm | null = null;
  let broken: { step: string; why: string } | null = null;
  let at = vpn; // where the pinned page is mapped now (mremap moves it)
  // The whole mapping the pinned page sits in: what the new steps act on (a THP is not split).
  const wholeMapping = () => {
    const v = mm.findVma(at);
    return v ? { start: v.start, pages: v.end - v.start } : { start: at, pages: 1 };
  };
  for (const step of then as ThenStep[]) {
    const stepStart = t.steps.length;
    let access: string = 'ok';
    switch (step) {
      case 'write':
        access = memset(mm, at, 1, 0xff);
        break;
      case 'read': {
        const r = readPages(mm, at, 1);
        if (!Array.isArray(r)) access = r;
        break;
      }
      case 'fork':
        child = tryFork(mm) ?? child;
        break;
      case 'fork-child-write':
        child ??= tryFork(mm);
        if (child) access = memset(child, at, 1, 0xee);
        break;
      case 'child-exit':
        if (child) exitMm(child);
        child = null;
        break;
      // The whole mapping, as mprotect-none: a THP's PMD is not split (and a hugetlb VMA changes
      // protection in whole huge pages only). The real runs (scenarios.c) restore the whole range too.
      case 'mprotect-ro': {
        const { start, pages } = wholeMapping();
        mprotect(mm, start, pages, { read: true, write: false });
        break;
      }
      case 'mprotect-rw': {
        const { start, pages } = wholeMapping();
        mprotect(mm, start, pages, { read: true, write: true });
        break;
      }
      case 'clear-soft-dirty':
        clearSoftDirty(mm);
        break;
      case 'swapout':
        madvise(mm, at, 1, 'MADV_PAGEOUT');
        break;
      // madvise_dontneed_single_vma() (mm/madvise.c) zaps the range; the pin keeps its page, and the
      // process's next access faults in whatever the mapping gives now.
      case 'madv-dontneed': {
        const { start, pages } = wholeMapping();
        const errno = madvise(mm, start, pages, 'MADV_DONTNEED');
        if (errno !== 0) t.add('madvise()', `-> ${errno}`);
        const r = readPages(mm, at, 1);
        if (!Array.isArray(r)) access = r;
        break;
      }
      case 'mprotect-none': {
        const { start, pages } = wholeMapping();
        mprotect(mm, start, pages, { read: false, write: false });
        break;
      }
      // move_page_tables() (mm/mremap.c) moves the entries: the pinned page goes with the range.
      case 'mremap': {
        const { start, pages } = wholeMapping();
        mremapFixed(mm, start, pages, start + MREMAP_DELTA);
        t.add('mremap()', `-> the range moves from ${va(start)} to ${va(start + MREMAP_DELTA)} with its page-table entries`, mm.kernel.ref('mm/mremap.c', 'move_page_tables'));
        at += MREMAP_DELTA;
        break;
      }
      // unmap_region() (mm/mmap.c): the process no longer maps the range; the pin still holds its page.
      case 'munmap': {
        const { start, pages } = wholeMapping();
        munmap(mm, start, pages);
        break;
      }
      // madvise_cold_or_pageout_pte_range() (mm/madvise.c) -> reclaim: a maybe-DMA-pinned anonymous
      // folio is not added to swap (6.1/6.12 mm/vmscan.c shrink_folio_list(): "goto keep_locked"),
      // so it stays mapped and the read finds it; an unpinned one comes back via do_swap_page().
      case 'swapin': {
        const { start, pages } = wholeMapping();
        madvise(mm, start, pages, 'MADV_PAGEOUT');
        const leaf = mm.pt.lookup(at);
        const reclaim = mm.kernel.cite('shrink_folio_list');
        const why = leaf?.entry.type === 'swap'
          ? 'the page went to swap: the read faults it back in (do_swap_page())'
          : leaf && leaf.entry.type === 'present' && folioMaybeDmaPinned(leaf.entry.folio)
            ? `the page is maybe DMA-pinned, so reclaim kept it (${reclaim.fn}: not added to swap) and it stays mapped: nothing to swap in`
            : 'the page stayed mapped (not reclaimed): nothing to swap in';
        t.add('swapin', `-> ${why}`, reclaim.ref);
        access = touch(mm, at); // traced, unlike readPages()
        break;
      }
      // munmap() of one 4 KiB page: do_vmi_munmap() splits the VMA, and a PMD-mapped THP is split
      // (__split_huge_pmd()) before the one PTE is zapped; the folio lives on while anything maps or pins it.
      case 'munmap-page':
      case 'munmap-neighbour': {
        const target = step === 'munmap-page' ? at : at + 1;
        const vma = mm.findVma(at);
        if (!vma || !vma.contains(target)) {
          t.add('munmap()', `-> nothing mapped at ${va(target)} in this mapping: nothing to unmap`);
          break;
        }
        if (isVmHugetlbPage(vma)) {
          t.add('munmap()', `-> -EINVAL: a hugetlb mapping is unmapped in whole huge pages only (${vma.hugeNr * 4} kB)`, mm.kernel.ref('mm/mmap.c', 'do_munmap'));
          break;
        }
        const pmd = mm.pt.lookup(target);
        if (pmd && pmd.level === 'pmd') {
          t.add('__split_huge_pmd()', `-> the PMD mapping ${pmd.entry.type === 'present' ? pmd.entry.folio.name : 'the THP'} at ${va(pmd.base)} is split into ${PMD_NR} PTEs so that one 4 KiB page can go`, mm.kernel.ref('mm/huge_memory.c', '__split_huge_pmd'));
        }
        munmap(mm, target, 1);
        t.add('munmap()', `-> ${va(target)}, 1 page unmapped${step === 'munmap-neighbour' ? ' (the page after the pinned one)' : ' (the pinned page)'}`, mm.kernel.ref('mm/mmap.c', 'do_munmap'), () => describeRange(mm, at, at + 2));
        break;
      }
      case 'numa-protnone': {
        const { start, pages } = wholeMapping();
        changeProtNuma(mm, start, pages);
        break;
      }
      case 'numa-hint': {
        const { start, pages } = wholeMapping();
        changeProtNuma(mm, start, pages);
        access = touch(mm, at);
        break;
      }
      // unpin_user_pages() then the same entry point again, at the page's current address.
      case 'repin': {
        release(mm, pin);
        t.add('unpin_user_page()', `-> ${pin.folio.name}${pin.folio.large ? `+${pin.index}` : ''} released`, mm.kernel.ref('mm/gup.c', pin.kind === 'pin' ? 'unpin_user_page' : 'put_page'));
        const again = api === 'io_uring_register_buffers' ? pinViaIoUring(mm, at) : gup({ api, mm, start: at, nrPages: 1, flags, holder: 'driver' });
        if (again.errno || again.ret !== 1) {
          access = `refused ${again.errno ?? again.ret}`;
          break;
        }
        pin = again.pins[0]!;
        t.add('pinned again', `${pin.folio.name}${pin.folio.large ? `+${pin.index}` : ''}: ${folioKindText(pin.folio)}`);
        break;
      }
    }
    const note = checkNote(step, kernel);
    if (note) t.add('note', note);
    const refused = access.startsWith('refused ');
    if (refused) t.add(step, `-> pinning again failed (${access.slice('refused '.length)})`);
    else if (access !== 'ok') t.add(step, `-> ${access === 'sigsegv' ? 'SIGSEGV: the mapping does not allow it' : `VM_FAULT_${access.toUpperCase()}`}`);
    const snap = snapshot(machine, at, step);
    snapshots.push(snap);
    const c = refused ? { ok: false, why: `pinning again failed (${access.slice('refused '.length)})` } : coherence(pin, at);
    const viaPin = pin.folio.zero ? 0 : pin.folio.content.at(pin.index);
    // Compared without faulting; a range the process may not access (PROT_NONE) still maps the pinned page.
    const contentOk = c.ok && peek(mm, at) === viaPin;
    if (!broken && (!c.ok || !contentOk)) {
      const by = [...t.steps.slice(stepStart)].reverse().find((x) => REPLACERS.includes(x.fn))?.fn;
      broken = { step, why: c.ok ? 'the pin and the process see different data' : `${c.why}${by ? ` (${by})` : ''}` };
    }
    t.add(`after ${step}`, broken && broken.step === step ? `-> the pin is stale: ${broken.why}` : `-> ${c.why}`, undefined, snap.lines);
  }

  const longterm = flags.includes('FOLL_LONGTERM');
  const before = snapshots[0]!.mappings.find((m) => m.process === mm.name)?.page ?? null;
  const how =
    pinned.id === before
      ? unshared
        ? `GUP unshared the page in place (nobody else maps it) and pinned it`
        : `GUP pinned the ${label(pin.folio)} the process had mapped`
      : unshared
        ? 'GUP broke COW first (unshare fault) and pinned an exclusive anonymous copy'
        : copied
          ? "GUP's write fault broke COW first and pinned an exclusive anonymous copy"
          : migrated
            ? 'GUP migrated the page out of ZONE_MOVABLE/CMA and pinned the new one'
            : `GUP faulted the page in (${label(pin.folio)}) and pinned it`;
  const summary = broken
    ? `${who}: ${how}; after "${broken.step}" ${broken.why}, so the pin no longer sees what the process sees${!longterm && !pinned.anon ? ' (a short-term pin has snapshot semantics, which may be fine)' : ''}.`
    : `${who}: ${how}, and it stays the page the process sees${then.length ? ` after ${then.map((s) => `"${s}"`).join(', ')}` : ''}.`;
  const holds = pin.released ? '' : ` ${pinHolds(pin, at)}`;
  const last = snapshots[snapshots.length - 1]!;
  return { ...base, verdict: broken ? 'incoherent' : 'coherent', summary: summary + holds, pinnedPage: pinned.id, pages: last.pages };
}

function pinViaIoUring(mm: Mm, vpn: number): GupOutcome {
  const r = registerBuffer(mm, vpn, 1);
  return 'ret' in r ? r : { ret: 1, pins: r.pins };
}

function lastDecision(steps: readonly TraceStep[]): string | null {
  for (let i = steps.length - 1; i >= 0; i--) if (steps[i]!.detail.startsWith('-> ')) return `${steps[i]!.fn} ${steps[i]!.detail.slice(3)}`;
  return null;
}
