// GUP: the exported entry points with their argument checks, the slow path (check_vma_flags(),
// follow_page_mask(), faultin_page() and the retry loop), GUP-fast with its fall-back, and the
// FOLL_GET / FOLL_PIN accounting. Linux: mm/gup.c, mm/internal.h (6.12), include/linux/mm.h (6.1).
import type { Kernel } from './behaviours.js';
import { handleMmFault, va } from './fault.js';
import type { Mm, PinRecord } from './mm.js';
import { gupCanFollowProtnone } from './numa.js';
import { type Folio, GUP_PIN_COUNTING_BIAS, folioIsLongtermPinnable, pageAnonExclusive } from './page.js';
import { type Leaf, type PteEntry, levelPages } from './pagetable.js';
import { describeLeaf, describePins, folioKindText } from './state.js';
import {
  type Vma,
  VM_IO,
  VM_MAYREAD,
  VM_MAYSHARE,
  VM_MAYWRITE,
  VM_PFNMAP,
  VM_READ,
  VM_SHARED,
  VM_WRITE,
  isCowMapping,
  isVmHugetlbPage,
  vmaIsAnonymous,
  vmaNeedsDirtyTracking,
  vmaSoftDirtyEnabled,
} from './vma.js';

/** FOLL_* flags by name (their numeric values differ between versions; the model never uses them). */
export const FOLL_FLAGS = [
  'FOLL_WRITE',
  'FOLL_GET',
  'FOLL_PIN',
  'FOLL_LONGTERM',
  'FOLL_FORCE',
  'FOLL_NOWAIT',
  'FOLL_NOFAULT',
  'FOLL_HWPOISON',
  'FOLL_ANON',
  'FOLL_DUMP',
  'FOLL_TOUCH',
  'FOLL_REMOTE',
  'FOLL_TRIED',
  'FOLL_FAST_ONLY',
  'FOLL_SPLIT_PMD',
  'FOLL_PCI_P2PDMA',
  'FOLL_INTERRUPTIBLE',
  'FOLL_HONOR_NUMA_FAULT',
  'FOLL_UNLOCKABLE',
  'FOLL_MADV_POPULATE',
  'FOLL_MIGRATION',
] as const;
export type FollFlag = (typeof FOLL_FLAGS)[number];
export type Flags = Set<FollFlag>;

export const GUP_APIS = [
  'pin_user_pages',
  'pin_user_pages_fast',
  'pin_user_pages_unlocked',
  'pin_user_pages_remote',
  'get_user_pages',
  'get_user_pages_fast',
  'get_user_pages_fast_only',
  'get_user_pages_unlocked',
  'get_user_pages_remote',
] as const;
export type GupApi = (typeof GUP_APIS)[number];

export interface GupCall {
  api: GupApi;
  mm: Mm;
  start: number;
  nrPages: number;
  /** the flags the caller passes (the entry point adds its own) */
  flags: readonly FollFlag[];
  /** a pages array is passed (default true) */
  pages?: boolean;
  /** *_remote() called with a `locked` pointer */
  locked?: boolean;
  /** who keeps the references, for state lines */
  holder: string;
}

export interface GupOutcome {
  /** the entry point's return value: pages taken, or a negative errno value / 0 on refusal */
  ret: number;
  /** '-EFAULT', '-EINVAL', ... when the call failed (also for pin_*'s "0 on invalid arguments") */
  errno?: string;
  /** a WARN_ON_ONCE() the kernel would print */
  warn?: string;
  pins: PinRecord[];
  /** the slow path needed more than a few faults for one page: the kernel would loop forever */
  livelock?: boolean;
}

const fail = (errno: string, ret: number, warn?: string): GupOutcome => {
  const o: GupOutcome = { ret, errno, pins: [] };
  if (warn) o.warn = warn;
  return o;
};

const ERRNO: Record<string, number> = { '-EFAULT': -14, '-EINVAL': -22, '-ENOMEM': -12, '-EOPNOTSUPP': -95, '-EMLINK': -31, '-EEXIST': -17 };

const fmt = (flags: Iterable<string>): string => [...flags].join('|') || '0';

/** Runs one GUP entry point call on the model. */
export function gup(call: GupCall): GupOutcome {
  const { mm } = call;
  const k = mm.kernel;
  const t = mm.machine.trace;
  const flags: Flags = new Set(call.flags);
  const pages = call.pages ?? true;
  const fast = call.api.includes('_fast');
  t.add(`${call.api}()`, `${va(call.start)}, ${call.nrPages} page${call.nrPages === 1 ? '' : 's'}, gup_flags=${fmt(flags)}`, k.ref('mm/gup.c', call.api));

  const checked = k.has('gup-args-validated') ? isValidGupArgs(call, flags, pages) : checkArgs61(call, flags, pages);
  if (checked) {
    t.add(k.has('gup-args-validated') ? 'is_valid_gup_args()' : `${call.api}()`, `-> refused: ${checked.warn ?? checked.errno}${checked.ret === 0 ? ' (returns 0)' : ` (${checked.errno})`}`, k.ref('mm/gup.c', k.has('gup-args-validated') ? 'is_valid_gup_args' : call.api));
    return checked;
  }
  if (fast) return gupFastFallback(call, flags);
  if (flags.has('FOLL_LONGTERM')) return gupLongtermLocked(call, flags);
  return getUserPagesLocked(call, flags, 0);
}

/** 6.3+ mm/gup.c is_valid_gup_args(): one place for every entry point's flag checks. */
function isValidGupArgs(call: GupCall, flags: Flags, pages: boolean): GupOutcome | null {
  const isPin = call.api.startsWith('pin_');
  const reject = (warn: string): GupOutcome => fail(isPin ? '-EINVAL' : '-EINVAL', isPin ? 0 : ERRNO['-EINVAL']!, warn);
  const internal: FollFlag[] = ['FOLL_TOUCH', 'FOLL_TRIED', 'FOLL_REMOTE', 'FOLL_PIN', 'FOLL_FAST_ONLY', 'FOLL_UNLOCKABLE', 'FOLL_MADV_POPULATE'];
  const passed = internal.filter((f) => flags.has(f));
  if (passed.length) return reject(`WARN: internal flag ${passed.join('|')} passed by the caller`);
  for (const f of toSet(call, true)) flags.add(f);
  if (call.locked) flags.add('FOLL_UNLOCKABLE');
  if (flags.has('FOLL_PIN') && flags.has('FOLL_GET')) return reject('WARN: FOLL_PIN and FOLL_GET together');
  if (flags.has('FOLL_LONGTERM') && !flags.has('FOLL_PIN')) return reject('WARN: FOLL_LONGTERM without FOLL_PIN (only pin_user_pages*() take long-term references)');
  if ((flags.has('FOLL_GET') || flags.has('FOLL_PIN')) && !pages) return reject('WARN: FOLL_GET/FOLL_PIN without a pages array');
  if (flags.has('FOLL_LONGTERM') && flags.has('FOLL_PCI_P2PDMA')) return reject('WARN: FOLL_LONGTERM with FOLL_PCI_P2PDMA');
  if (call.api.includes('_fast')) {
    const allowed = new Set<string>(['FOLL_WRITE', 'FOLL_LONGTERM', 'FOLL_FORCE', 'FOLL_PIN', 'FOLL_GET', 'FOLL_FAST_ONLY', 'FOLL_NOFAULT', 'FOLL_PCI_P2PDMA', 'FOLL_HONOR_NUMA_FAULT']);
    const bad = [...flags].filter((f) => !allowed.has(f));
    if (bad.length) return fail('-EINVAL', ERRNO['-EINVAL']!, `WARN: ${bad.join('|')} not allowed on GUP-fast (gup_fast_fallback())`);
  }
  return null;
}

/** The flags each entry point adds (6.12 `to_set` of is_valid_gup_args(); 6.1 the same bits, ad hoc). */
function toSet(call: GupCall, v612: boolean): FollFlag[] {
  switch (call.api) {
    case 'get_user_pages_remote':
      return ['FOLL_TOUCH', 'FOLL_REMOTE'];
    case 'get_user_pages':
      return ['FOLL_TOUCH'];
    case 'get_user_pages_unlocked':
      return v612 ? ['FOLL_TOUCH', 'FOLL_UNLOCKABLE'] : ['FOLL_TOUCH'];
    case 'get_user_pages_fast_only':
      return ['FOLL_GET', 'FOLL_FAST_ONLY'];
    case 'get_user_pages_fast':
      return ['FOLL_GET'];
    case 'pin_user_pages_fast':
      return ['FOLL_PIN'];
    case 'pin_user_pages_remote':
      return ['FOLL_PIN', 'FOLL_TOUCH', 'FOLL_REMOTE'];
    case 'pin_user_pages':
      return ['FOLL_PIN'];
    case 'pin_user_pages_unlocked':
      return v612 ? ['FOLL_PIN', 'FOLL_TOUCH', 'FOLL_UNLOCKABLE'] : ['FOLL_PIN', 'FOLL_TOUCH'];
  }
}

/** 6.1 mm/gup.c: the checks spread over the entry points (is_valid_gup_flags() and friends). */
function checkArgs61(call: GupCall, flags: Flags, pages: boolean): GupOutcome | null {
  const einval = (warn: string): GupOutcome => fail('-EINVAL', ERRNO['-EINVAL']!, warn);
  const isPin = call.api.startsWith('pin_');
  if (!isPin && (flags.has('FOLL_PIN') || flags.has('FOLL_LONGTERM'))) return einval('WARN: is_valid_gup_flags(): FOLL_PIN/FOLL_LONGTERM on a get_user_pages*() call');
  if (isPin && flags.has('FOLL_GET')) return einval('WARN: FOLL_GET passed to a pin_user_pages*() call');
  if (isPin && !pages) return einval('WARN: pin_user_pages*() without a pages array');
  if ((call.api === 'get_user_pages_unlocked' || call.api === 'pin_user_pages_unlocked') && flags.has('FOLL_LONGTERM'))
    return einval('WARN: get_user_pages_unlocked() refuses FOLL_LONGTERM');
  if (call.api === 'pin_user_pages_remote' && call.locked && flags.has('FOLL_LONGTERM'))
    return einval('WARN: FOLL_LONGTERM with a locked pointer (__get_user_pages_remote())');
  for (const f of toSet(call, false)) flags.add(f);
  if (call.api.includes('_fast')) {
    const allowed = new Set<string>(['FOLL_WRITE', 'FOLL_LONGTERM', 'FOLL_FORCE', 'FOLL_PIN', 'FOLL_GET', 'FOLL_FAST_ONLY', 'FOLL_NOFAULT']);
    const bad = [...flags].filter((f) => !allowed.has(f));
    if (bad.length) return einval(`WARN: ${bad.join('|')} not allowed on GUP-fast (internal_get_user_pages_fast())`);
  }
  return null;
}

/**
 * __gup_longterm_locked() (mm/gup.c): pin, then check_and_migrate_movable_pages(): folios in
 * ZONE_MOVABLE/CMA are unpinned, migrated (migrate_pages()) and the whole range pinned again
 * (-EAGAIN loop); a folio that cannot be migrated fails the call with -ENOMEM.
 */
function gupLongtermLocked(call: GupCall, flags: Flags, offset = 0): GupOutcome {
  const { mm } = call;
  const k = mm.kernel;
  const t = mm.machine.trace;
  // 5.10 has check_and_migrate_cma_pages() (CMA only; 'longterm-migrate-movable' from 5.13).
  const { fn: migrateStep, ref } = k.cite('check_and_migrate_movable_pages');
  const migrate = migrateStep.slice(0, -2);
  if (!flags.has('FOLL_PIN')) return fail('-EINVAL', ERRNO['-EINVAL']!, 'WARN: FOLL_LONGTERM without FOLL_PIN');
  for (let round = 0; ; round++) {
    const out = getUserPagesLocked(call, flags, offset);
    const unpinnable = [...new Set(out.pins.map((p) => p.folio).filter((f) => !longtermPinnable(k, f)))];
    if (unpinnable.length === 0) {
      if (out.pins.some((p) => !folioIsLongtermPinnable(p.folio))) {
        t.add(migrateStep, '-> 5.10 migrates only CMA pages: the page in ZONE_MOVABLE is pinned where it is (its memory block can no longer be offlined)', ref);
      } else if (out.pins.length) t.add(`${migrate}()`, '-> every pinned folio may be pinned long-term where it is (not in ZONE_MOVABLE/CMA)', ref);
      return out;
    }
    for (const p of out.pins) release(mm, p);
    if (round > 0) return { ret: ERRNO['-ENOMEM']!, errno: '-ENOMEM', pins: [] };
    for (const f of unpinnable) {
      const moved = migrateFolio(mm, f);
      if (!moved) {
        t.add(`${migrate}()`, `-> ${f.name} is in ZONE_MOVABLE/CMA and cannot be migrated (other references): -ENOMEM`, ref);
        return { ret: ERRNO['-ENOMEM']!, errno: '-ENOMEM', pins: [] };
      }
      t.add(`${migrate}()`, `-> ${f.name} is in ZONE_MOVABLE/CMA: unpinned and migrated to ${moved.name}; -EAGAIN, pin the range again`, ref, () => describePins(mm.machine));
    }
  }
}

/**
 * folio_is_longterm_pinnable(): not in ZONE_MOVABLE or CMA. 5.10 (is_migrate_cma_page()) asks only
 * about CMA; the model's movable page ('anon-movable') is then taken to be in ZONE_MOVABLE.
 */
function longtermPinnable(k: Kernel, f: Folio): boolean {
  return !k.has('longterm-migrate-movable') || folioIsLongtermPinnable(f);
}

/**
 * migrate_pages() for a long-term pin (mm/migrate.c): a copy outside ZONE_MOVABLE replaces the
 * folio in every page table and in the pagecache; anonymous exclusivity moves with it. Fails when
 * the folio has references besides its mappings and caches (someone else holds it).
 */
function migrateFolio(mm: Mm, old: Folio): Folio | null {
  const machine = mm.machine;
  const expected = old.mapcount + (old.kind === 'pagecache' ? 1 : 0) + (old.inSwapcache ? old.nr : 0);
  if (old.refcount !== expected || old.inSwapcache) return null;
  const f = machine.alloc(old.kind, old.nr, { hugetlb: old.hugetlb, ...(old.file ? { file: old.file } : {}), fileIndex: old.fileIndex });
  if (!f) return null;
  f.content.copyFrom(old.content);
  f.exclusive.copyFrom(old.exclusive);
  f.refcount = old.refcount;
  f.mapcount = old.mapcount;
  for (const other of machine.processes) {
    if (other.exited) continue;
    for (const m of [other.pt.pte, other.pt.pmd, other.pt.pud] as Array<Map<number, PteEntry>>) for (const e of m.values()) if (e.type === 'present' && e.folio === old) e.folio = f;
  }
  if (old.file && old.file.pages.get(old.fileIndex) === old) old.file.pages.set(old.fileIndex, f);
  old.refcount = 0;
  old.mapcount = 0;
  old.freed = true;
  return f;
}

/** __get_user_pages_locked() (mm/gup.c): FOLL_PIN marks the mm; a pages array implies FOLL_GET. */
function getUserPagesLocked(call: GupCall, flags: Flags, offset: number): GupOutcome {
  const pages = call.pages ?? true;
  if (flags.has('FOLL_PIN')) call.mm.hasPinned = true; // mm_set_has_pinned_flag()
  if (pages && !flags.has('FOLL_PIN')) flags.add('FOLL_GET');
  return getUserPagesSlow(call, flags, offset);
}

/** Faults a page may need before it can be taken; more means the kernel would retry forever. */
const MAX_RETRIES = 4;

/** __get_user_pages() (mm/gup.c): per page, follow; on "no page" or -EMLINK fault in and retry. */
function getUserPagesSlow(call: GupCall, flags: Flags, offset: number): GupOutcome {
  const { mm } = call;
  const k = mm.kernel;
  const t = mm.machine.trace;
  const pins: PinRecord[] = [];
  let vma: Vma | undefined;
  let i = offset;
  let faults = 0;
  let unshares = 0;
  const done = (extra?: { errno: string; livelock?: boolean }): GupOutcome => {
    const n = i - offset;
    if (t.dropped && n > 1) t.add('__get_user_pages()', `-> the other ${n - 1} pages alike${faults + unshares ? ` (${faults} faults, ${unshares} unshare faults in all)` : ''}`, k.ref('mm/gup.c', '__get_user_pages'));
    if (extra && n === 0) {
      const o: GupOutcome = { ret: ERRNO[extra.errno] ?? -14, errno: extra.errno, pins };
      if (extra.livelock) o.livelock = true;
      return o;
    }
    return { ret: n, pins };
  };
  t.dropped = 0;
  while (i < call.nrPages) {
    const vpn = call.start + i;
    const step = (): { next: number } | { errno: string; livelock?: boolean } => {
      if (!vma || !vma.contains(vpn)) {
        vma = mm.findVma(vpn);
        if (!vma) {
          const lookup = k.cite('gup_vma_lookup');
          t.add(lookup.fn, `-> no VMA at ${va(vpn)}: -EFAULT`, lookup.ref);
          return { errno: '-EFAULT' };
        }
        const err = checkVmaFlags(mm, vma, flags);
        if (err) return { errno: err };
      }
      for (let tries = 0; ; tries++) {
        if (tries > MAX_RETRIES) {
          t.add('__get_user_pages()', `-> still no page after ${MAX_RETRIES} faults: the kernel would retry forever (livelock)`, k.ref('mm/gup.c', '__get_user_pages'));
          return { errno: '-EFAULT', livelock: true };
        }
        const r = followPageMask(mm, vma, vpn, flags);
        if ('errno' in r) return r;
        if ('page' in r) {
          const n = Math.min(r.count, call.nrPages - i);
          pins.push(grab(mm, vpn, r.page.folio, r.page.index, n, flags, call.holder));
          return { next: n };
        }
        if (r.need === 'unshare') unshares++;
        else faults++;
        const err = faultinPage(mm, vma, vpn, flags, r.need === 'unshare');
        if (err) return { errno: err };
      }
    };
    const r = i === offset ? step() : t.mute(step);
    if ('errno' in r) return done(r);
    i += r.next;
  }
  return done();
}

/** check_vma_flags() (mm/gup.c): may this GUP touch this VMA at all? */
export function checkVmaFlags(mm: Mm, vma: Vma, flags: Flags): string | null {
  const k = mm.kernel;
  const t = mm.machine.trace;
  const ref = k.ref('mm/gup.c', 'check_vma_flags');
  const no = (errno: string, why: string): string => {
    t.add('check_vma_flags()', `-> ${errno}: ${why}`, ref);
    return errno;
  };
  const write = flags.has('FOLL_WRITE');
  if (vma.flags & (VM_IO | VM_PFNMAP)) return no('-EFAULT', 'VM_IO/VM_PFNMAP mapping');
  if (flags.has('FOLL_ANON') && !vmaIsAnonymous(vma)) return no('-EFAULT', 'FOLL_ANON on a file mapping');
  if (write) {
    if (k.has('longterm-write-file-refused') && !vmaIsAnonymous(vma) && flags.has('FOLL_PIN') && flags.has('FOLL_LONGTERM') && vmaNeedsDirtyTracking(vma)) {
      return no('-EFAULT', `writable_file_mapping_allowed() -> false: a FOLL_LONGTERM write pin of a shared ${vma.file!.fs} file mapping that needs dirty tracking (writeback could clean the page under the pin)`);
    }
    if (!(vma.flags & VM_WRITE)) {
      if (!flags.has('FOLL_FORCE')) return no('-EFAULT', 'FOLL_WRITE on a mapping without VM_WRITE (and no FOLL_FORCE)');
      if (isVmHugetlbPage(vma) && k.has('hugetlb-force-write-refused')) return no('-EFAULT', 'FOLL_FORCE|FOLL_WRITE is not supported on hugetlb');
      if (!isCowMapping(vma.flags)) return no('-EFAULT', 'FOLL_FORCE|FOLL_WRITE only writes into COW (private) mappings');
    }
  } else if (!(vma.flags & VM_READ)) {
    if (!flags.has('FOLL_FORCE')) return no('-EFAULT', 'read access to a mapping without VM_READ');
    if (!(vma.flags & VM_MAYREAD)) return no('-EFAULT', 'no VM_MAYREAD');
  }
  t.add('check_vma_flags()', `-> ok (${isCowMapping(vma.flags) ? 'COW mapping: private, may write' : 'not a COW mapping'})`, ref);
  return null;
}

/**
 * can_follow_write_pte() / can_follow_write_pmd() (mm/gup.c; 6.1 PMD variant in mm/huge_memory.c):
 * may a FOLL_WRITE go through this read-only entry without a write fault? Only FOLL_FORCE on an
 * exclusive anonymous page in a private mapping without VM_WRITE (ptrace's breakpoint poke).
 */
function canFollowWrite(k: Kernel, vma: Vma, leaf: Leaf, flags: Flags): boolean {
  const e = leaf.entry;
  if (e.type !== 'present') return false;
  if (e.writable) return true;
  if (!flags.has('FOLL_FORCE')) return false;
  if (vma.flags & (VM_SHARED | VM_MAYSHARE)) return false;
  if (!(vma.flags & VM_MAYWRITE)) return false;
  if (vma.flags & VM_WRITE) return false;
  if (!e.folio.anon || (k.has('anon-exclusive') && !pageAnonExclusive(e.folio, e.index))) return false;
  if (vmaSoftDirtyEnabled(vma) && !e.softDirty) return false;
  // 5.10 can_follow_write_pte(): FOLL_COW (set after the write fault broke COW) and pte_dirty().
  if (!k.has('anon-exclusive')) return e.dirty;
  return true;
}

/**
 * gup_must_unshare() (6.1 include/linux/mm.h, 2 arguments; 6.12 mm/internal.h, with the vma):
 * before taking an R/O pin of a page mapped read-only, must GUP break COW first?
 */
export function gupMustUnshare(mm: Mm, vma: Vma | null, flags: Flags, folio: Folio, index: number): { must: boolean; why: string } {
  const k = mm.kernel;
  if (!flags.has('FOLL_PIN') || flags.has('FOLL_WRITE')) {
    return { must: false, why: flags.has('FOLL_WRITE') ? 'FOLL_WRITE: the write fault already gave us an exclusive page' : 'not FOLL_PIN (FOLL_GET references never unshare)' };
  }
  if (!folio.anon) {
    const what = folioKindText(folio);
    if (!k.has('unshare-longterm-ro-cow')) return { must: false, why: `${what} is not anonymous: only anonymous pages are ever unshared (before 6.2)` };
    if (!flags.has('FOLL_LONGTERM')) return { must: false, why: `${what} is not anonymous and the pin is short-term (snapshot semantics)` };
    if (!vma) return { must: true, why: `${what} is not anonymous, R/O FOLL_LONGTERM, and GUP-fast has no vma to check for a COW mapping` };
    if (isCowMapping(vma.flags)) return { must: true, why: `non-anon page (${what}) in a COW mapping, R/O FOLL_LONGTERM` };
    return { must: false, why: `${what} in a mapping that is not COW (shared): no COW can ever replace it` };
  }
  if (!k.has('unshare-anon')) return { must: false, why: 'no FAULT_FLAG_UNSHARE yet (before 5.18): the page is pinned as it is' };
  if (!k.has('anon-exclusive')) {
    const shared = folio.mapcount > 1;
    return { must: shared, why: shared ? 'anonymous page mapped more than once (page_mapcount(), 5.18)' : 'anonymous page mapped once' };
  }
  if (pageAnonExclusive(folio, index)) return { must: false, why: 'anonymous page marked exclusive (PageAnonExclusive)' };
  return { must: true, why: `anonymous page not marked exclusive${folio.ksm ? ' (KSM page)' : ' (may be shared with another process)'}` };
}

/**
 * The trace step of the unshare decision: gup_must_unshare() where the kernel has it (5.18+: 6.1
 * include/linux/mm.h, 6.12 mm/internal.h); before, no such check exists and the step is the page
 * walk (`caller`) that pins the page as it is.
 */
function unshareStep(k: Kernel, caller: { fn: string; ref: string }): [string, string] {
  if (!k.has('unshare-anon')) return [caller.fn, caller.ref];
  const c = k.cite('gup_must_unshare');
  return [c.fn, c.ref];
}

type Follow = { page: { folio: Folio; index: number }; count: number } | { need: 'fault' | 'unshare' } | { errno: string };

/** follow_page_mask() (mm/gup.c) with follow_page_pte(), follow_huge_pmd()/follow_huge_pud() (6.1: follow_trans_huge_pmd(), follow_hugetlb_page()). */
function followPageMask(mm: Mm, vma: Vma, vpn: number, flags: Flags): Follow {
  const k = mm.kernel;
  const t = mm.machine.trace;
  const leaf = mm.pt.lookup(vpn);
  // hugetlb: follow_hugetlb_page() from __get_user_pages() (6.1), hugetlb_follow_page_mask() (6.6),
  // the generic follow_huge_pmd()/follow_huge_pud() (6.10, 'hugetlb-generic-gup'): the name ledger's
  const { fn: fname, ref } = isVmHugetlbPage(vma)
    ? k.cite(leaf?.level === 'pud' ? 'hugetlb_follow_pud' : 'hugetlb_follow')
    : !leaf || leaf.level === 'pte'
      ? { fn: 'follow_page_pte()', ref: k.ref('mm/gup.c', 'follow_page_pte') }
      : k.cite(leaf.level === 'pmd' ? 'follow_huge_pmd' : 'hugetlb_follow_pud');
  if (!leaf || leaf.entry.type !== 'present') {
    t.add(fname, `-> ${leaf ? 'swapped out' : 'nothing mapped'} at ${va(vpn)}: fault it in`, ref);
    return { need: 'fault' };
  }
  const e = leaf.entry;
  if (e.protnone) {
    // follow_page_pte() / follow_pmd_mask(): `pte_protnone(pte) && !gup_can_follow_protnone()` -> no page.
    // 5.10 asks (flags & FOLL_NUMA) in follow_page_pte(), set unless FOLL_FORCE; 6.1 on gup_can_follow_protnone().
    const follow = gupCanFollowProtnone(mm, vma, flags);
    const cited = k.cite('gup_can_follow_protnone');
    const check = cited.fn === 'gup_can_follow_protnone()' ? cited.fn : '(flags & FOLL_NUMA)';
    t.add(
      fname,
      follow
        ? `-> pte_protnone() (NUMA hinting), and ${check} says take the page as it is${k.has('gup-follows-protnone') ? ' (no FOLL_HONOR_NUMA_FAULT)' : ' (FOLL_FORCE)'}`
        : `-> pte_protnone() (NUMA hinting) and ${check} says no${k.has('gup-follows-protnone') ? ' (FOLL_HONOR_NUMA_FAULT)' : ' (no FOLL_FORCE)'}: no page, take the hinting fault first`,
      cited.ref,
    );
    if (!follow) return { need: 'fault' };
  }
  if (flags.has('FOLL_WRITE') && !canFollowWrite(k, vma, leaf, flags)) {
    t.add(fname, '-> FOLL_WRITE on a read-only entry: can_follow_write_pte() -> false, write fault needed', ref);
    return { need: 'fault' };
  }
  if (e.special && !e.folio.zero) return { errno: '-EEXIST' };
  if (e.folio.zero && flags.has('FOLL_DUMP')) return { errno: '-EFAULT' };
  const index = e.index + (vpn - leaf.base);
  if (!e.writable) {
    const u = gupMustUnshare(mm, vma, flags, e.folio, leaf.level === 'pte' ? e.index : index);
    const [step, stepRef] = unshareStep(k, { fn: fname, ref });
    t.add(step, `-> ${u.must}: ${u.why}`, stepRef);
    if (u.must) {
      t.add(fname, '-> -EMLINK: break COW first (unshare fault), then retry', ref);
      return { need: 'unshare' };
    }
  }
  if (k.has('anon-exclusive') && flags.has('FOLL_PIN') && e.folio.anon && isCowMapping(vma.flags) && !pageAnonExclusive(e.folio, leaf.level === 'pte' ? e.index : index)) {
    // VM_BUG_ON in the follow functions / sanity_check_pinned_pages(): cannot happen in a correct kernel.
    t.add(fname, '-> model invariant violated: FOLL_PIN of a non-exclusive anonymous page', ref);
  }
  const count = levelPages(leaf.level) - (vpn - leaf.base);
  t.add(fname, `-> ${describeLeaf(leaf).replace(/^\S+\s+/, '')}: take it${count > 1 ? ` (and the next ${count - 1} pages of the ${leaf.level.toUpperCase()})` : ''}`, ref);
  return { page: { folio: e.folio, index }, count };
}

/** faultin_page() (mm/gup.c): FAULT_FLAG_WRITE for FOLL_WRITE, FAULT_FLAG_UNSHARE after -EMLINK. */
function faultinPage(mm: Mm, vma: Vma, vpn: number, flags: Flags, unshare: boolean): string | null {
  const k = mm.kernel;
  const t = mm.machine.trace;
  if (flags.has('FOLL_NOFAULT')) {
    t.add('faultin_page()', '-> FOLL_NOFAULT: -EFAULT instead of faulting', k.ref('mm/gup.c', 'faultin_page'));
    return '-EFAULT';
  }
  const r = handleMmFault(mm, vma, vpn, unshare ? { unshare: true } : { write: flags.has('FOLL_WRITE') });
  if (r === 'ok') return null;
  const errno = r === 'oom' ? '-ENOMEM' : '-EFAULT';
  t.add('faultin_page()', `-> VM_FAULT_${r.toUpperCase()}: ${errno}`, k.ref('mm/gup.c', 'faultin_page'));
  return errno;
}

/**
 * try_grab_folio() (mm/gup.c): FOLL_GET adds a reference per page; FOLL_PIN adds
 * GUP_PIN_COUNTING_BIAS per page to a small folio, or one reference and one _pincount per page to
 * a large one. The shared zeropage is not refcounted for FOLL_PIN (6.1.192 has the backport).
 */
export function grab(mm: Mm, vpn: number, folio: Folio, index: number, count: number, flags: Flags, holder: string): PinRecord {
  const pin = flags.has('FOLL_PIN');
  if (pin) {
    if (folio.large) {
      mm.machine.get(folio, count);
      if (!folio.zero) folio.pincount += count;
    } else mm.machine.get(folio, GUP_PIN_COUNTING_BIAS * count);
  } else mm.machine.get(folio, count);
  const rec: PinRecord = { mm, vpn, folio, index, count, kind: pin ? 'pin' : 'get', holder, released: false };
  mm.machine.pins.push(rec);
  return rec;
}

/** unpin_user_pages() / put_page(): gives the references back. */
export function release(mm: Mm, rec: PinRecord): void {
  if (rec.released) return;
  rec.released = true;
  const f = rec.folio;
  if (rec.kind === 'pin') {
    if (f.large) {
      if (!f.zero) f.pincount -= rec.count;
      mm.machine.put(f, rec.count);
    } else mm.machine.put(f, GUP_PIN_COUNTING_BIAS * rec.count);
  } else mm.machine.put(f, rec.count);
}

/**
 * gup_fast_fallback() (6.12; 6.1 internal_get_user_pages_fast()): walk the page tables without the
 * mmap lock and without a vma, take what can be taken, and leave the rest to the slow path.
 */
function gupFastFallback(call: GupCall, flags: Flags): GupOutcome {
  const { mm } = call;
  const k = mm.kernel;
  const t = mm.machine.trace;
  if (flags.has('FOLL_PIN')) mm.hasPinned = true;
  const pins: PinRecord[] = [];
  let i = 0;
  let bail: string | null = null;
  const walk = k.cite('gup_fast');
  const fallback = k.cite('gup_fast_fallback');
  t.dropped = 0;
  while (i < call.nrPages) {
    const vpn = call.start + i;
    const r = i === 0 ? fastOne(mm, vpn, flags) : t.mute(() => fastOne(mm, vpn, flags));
    if ('bail' in r) {
      bail = r.bail;
      break;
    }
    const n = Math.min(r.count, call.nrPages - i);
    pins.push(grab(mm, vpn, r.folio, r.index, n, flags, call.holder));
    i += n;
  }
  if (i > 0 && t.dropped) t.add(walk.fn, `-> took ${i} pages without the mmap lock`, walk.ref);
  if (i === call.nrPages) return { ret: i, pins };
  if (flags.has('FOLL_FAST_ONLY')) {
    t.add(fallback.fn, `-> FOLL_FAST_ONLY: stop at ${va(call.start + i)} (${bail}), return ${i}`, fallback.ref);
    return { ret: i, pins };
  }
  t.add(fallback.fn, `-> GUP-fast stopped at ${va(call.start + i)} (${bail}): the slow path takes the mmap lock and does the rest`, fallback.ref);
  const slowFlags: Flags = new Set(flags);
  slowFlags.add('FOLL_TOUCH');
  if (k.has('gup-args-validated')) slowFlags.add('FOLL_UNLOCKABLE');
  const slow = slowFlags.has('FOLL_LONGTERM') ? gupLongtermLocked(call, slowFlags, i) : getUserPagesLocked(call, slowFlags, i);
  const all = [...pins, ...slow.pins];
  if (slow.errno && i === 0) return { ...slow, pins: all };
  return { ret: i + Math.max(0, slow.ret), pins: all, ...(slow.livelock ? { livelock: true } : {}) };
}

/** One step of the lockless walk: gup_fast_pte_range() / gup_fast_pmd_leaf() / gup_fast_pud_leaf() (6.1: gup_pte_range(), gup_huge_pmd(), gup_huge_pud()). */
function fastOne(mm: Mm, vpn: number, flags: Flags): { folio: Folio; index: number; count: number } | { bail: string } {
  const k = mm.kernel;
  const t = mm.machine.trace;
  const leaf = mm.pt.lookup(vpn);
  const { fn: fname, ref } = k.cite(!leaf || leaf.level === 'pte' ? 'gup_fast_pte_range' : leaf.level === 'pmd' ? 'gup_fast_pmd_leaf' : 'gup_fast_pud_leaf');
  const bail = (why: string): { bail: string } => {
    t.add(fname, `-> bail: ${why}`, ref);
    return { bail: why };
  };
  if (!leaf || leaf.entry.type !== 'present') return bail(leaf ? 'swap entry (not present)' : 'nothing mapped');
  const e = leaf.entry;
  // gup_fast_pte_range() / gup_fast_pmd_range() (6.1 gup_pte_range(), gup_pmd_range()): a PROT_NONE entry is left to the slow path.
  if (e.protnone) return bail(`${leaf.level === 'pte' ? 'pte' : 'pmd'}_protnone(): a NUMA-hinting PROT_NONE entry is left to the slow path`);
  if (flags.has('FOLL_WRITE') && !e.writable) return bail('FOLL_WRITE and the entry is read-only (pte_access_permitted() fails)');
  if (leaf.level === 'pte' && e.special) return bail('pte_special(): the shared zeropage has no page GUP-fast may grab');
  const index = e.index + (vpn - leaf.base);
  if (flags.has('FOLL_LONGTERM') && flags.has('FOLL_PIN') && !longtermPinnable(k, e.folio)) return bail(`${k.cite('try_grab_folio_fast').fn} refuses a long-term pin of a folio in ZONE_MOVABLE/CMA`);
  if (k.has('longterm-write-file-fast-bail') && flags.has('FOLL_PIN') && flags.has('FOLL_LONGTERM') && flags.has('FOLL_WRITE')) {
    const f = e.folio;
    const ok = f.anon || f.hugetlb || (f.file !== null && f.file.isShmem);
    if (!ok) return bail(`${k.cite('gup_fast_folio_allowed').fn} -> false: a writable long-term pin of a file folio GUP-fast cannot vouch for`);
  }
  if (!e.writable) {
    const u = gupMustUnshare(mm, null, flags, e.folio, leaf.level === 'pte' ? e.index : index);
    const [step, stepRef] = unshareStep(k, { fn: fname, ref });
    t.add(step, `-> ${u.must}: ${u.why}`, stepRef);
    if (u.must) return bail('gup_must_unshare() says unshare first, which needs the slow path');
  }
  const count = levelPages(leaf.level) - (vpn - leaf.base);
  t.add(fname, `-> ${describeLeaf(leaf).replace(/^\S+\s+/, '')}: grabbed`, ref);
  return { folio: e.folio, index, count };
}
