// Page faults: read, write and unshare (FAULT_FLAG_UNSHARE) at PTE, PMD and hugetlb level.
// Linux: handle_mm_fault() and friends in mm/memory.c, mm/huge_memory.c, mm/hugetlb.c.
import { type Folio, PMD_NR, pageAnonExclusive, setPageAnonExclusive } from './page.js';
import type { Leaf, PresentEntry } from './pagetable.js';
import { type Mm, folioFreeSwap, mapLeaf, splitHugePmd, zapLeaf } from './mm.js';
import {
  type Vma,
  VM_HUGEPAGE,
  VM_MAYSHARE,
  VM_MAYWRITE,
  VM_NOHUGEPAGE,
  VM_SHARED,
  VM_WRITE,
  isCowMapping,
  isVmHugetlbPage,
  vmaIsAnonymous,
  vmaSoftDirtyEnabled,
} from './vma.js';
import { describeLeaf } from './state.js';
import { doNumaPage } from './numa.js';

export interface FaultFlags {
  write?: boolean;
  unshare?: boolean;
}

/** 'ok' = the fault was handled (the caller retries its access); the rest are VM_FAULT_* errors. */
export type FaultResult = 'ok' | 'sigsegv' | 'sigbus' | 'oom';

const flagText = (ff: FaultFlags): string => (ff.unshare ? 'FAULT_FLAG_UNSHARE' : ff.write ? 'FAULT_FLAG_WRITE' : 'read');

/** handle_mm_fault() (mm/memory.c): sanitize the flags, then hugetlb_fault() or __handle_mm_fault(). */
export function handleMmFault(mm: Mm, vma: Vma, vpn: number, flags: FaultFlags): FaultResult {
  const k = mm.kernel;
  const t = mm.machine.trace;
  const ff: FaultFlags = { ...flags };
  t.add('handle_mm_fault()', `${flagText(ff)} fault at ${va(vpn)} in ${mm.name}`, k.ref('mm/memory.c', 'handle_mm_fault'));
  if (k.has('fault-flags-sanitized')) {
    // mm/memory.c sanitize_fault_flags() (6.2+)
    if (ff.unshare) {
      if (ff.write) return segv(mm, 'FAULT_FLAG_UNSHARE together with FAULT_FLAG_WRITE');
      if (!isCowMapping(vma.flags)) {
        ff.unshare = false;
        t.add('sanitize_fault_flags()', '-> FAULT_FLAG_UNSHARE dropped: not a COW mapping, nothing to unshare', k.ref('mm/memory.c', 'sanitize_fault_flags'));
      }
    } else if (ff.write) {
      if (!(vma.flags & VM_MAYWRITE)) return segv(mm, 'write fault without VM_MAYWRITE');
      if (!(vma.flags & VM_WRITE) && !isCowMapping(vma.flags)) return segv(mm, 'write fault without VM_WRITE outside a COW mapping');
    }
  }
  if (isVmHugetlbPage(vma)) return hugetlbFault(mm, vma, vpn, ff);
  return handleFault(mm, vma, vpn, ff);
}

function segv(mm: Mm, why: string): FaultResult {
  mm.machine.trace.add('sanitize_fault_flags()', `-> VM_FAULT_SIGSEGV: ${why}`, mm.kernel.ref('mm/memory.c', 'sanitize_fault_flags'));
  return 'sigsegv';
}

export const va = (vpn: number): string => `VA:0x${(vpn * 0x1000).toString(16)}`;

/** __handle_mm_fault() (mm/memory.c): PMD level first (THP, huge zeropage), then handle_pte_fault(). */
function handleFault(mm: Mm, vma: Vma, vpn: number, ff: FaultFlags): FaultResult {
  const base = vpn - (vpn % PMD_NR);
  const pmd = mm.pt.pmd.get(base);
  if (!pmd && !mm.pt.pte.has(vpn) && thpPmdEligible(mm, vma, base) && mm.pt.ptesEmpty(base, PMD_NR)) {
    const r = doHugePmdAnonymousPage(mm, vma, base, ff);
    if (r !== 'fallback') return r;
  }
  if (pmd) {
    // __handle_mm_fault(): a NUMA-hinting PROT_NONE PMD in an accessible VMA takes the hinting fault first.
    if (pmd.protnone) {
      doNumaPage(mm, base, 'pmd', pmd);
      return 'ok';
    }
    if ((ff.write || ff.unshare) && !pmd.writable) {
      // wp_huge_pmd(): anonymous VMAs go to do_huge_pmd_wp_page(); it may split and fall back.
      const r = doHugePmdWpPage(mm, vma, base, pmd, ff);
      if (r !== 'fallback') return r;
    } else {
      if (ff.write) pmd.dirty = pmd.softDirty = true;
      return 'ok';
    }
  }
  return handlePteFault(mm, vma, vpn, ff);
}

/** THP for a PMD range: MADV_HUGEPAGE'd anonymous VMA covering the whole aligned range, PMD size enabled. */
function thpPmdEligible(mm: Mm, vma: Vma, base: number): boolean {
  return (
    vmaIsAnonymous(vma) &&
    mm.machine.thpEnabled.has(PMD_NR) &&
    (vma.flags & VM_HUGEPAGE) !== 0 &&
    (vma.flags & VM_NOHUGEPAGE) === 0 &&
    vma.start <= base &&
    base + PMD_NR <= vma.end
  );
}

/** do_huge_pmd_anonymous_page() (mm/huge_memory.c): read -> huge zeropage; write -> a new PMD-mapped THP. */
function doHugePmdAnonymousPage(mm: Mm, vma: Vma, base: number, ff: FaultFlags): FaultResult | 'fallback' {
  const k = mm.kernel;
  const t = mm.machine.trace;
  const ref = k.ref('mm/huge_memory.c', 'do_huge_pmd_anonymous_page');
  if (!ff.write && mm.machine.config.hugeZeropage) {
    mapLeaf(mm, 'pmd', base, { type: 'present', folio: mm.machine.hugeZeroFolio, index: 0, writable: false, dirty: false, softDirty: true, special: false });
    t.add('do_huge_pmd_anonymous_page()', '-> read fault maps the huge zeropage (read-only PMD)', ref, leafState(mm, base));
    return 'ok';
  }
  const folio = mm.machine.alloc('anon', PMD_NR);
  if (!folio) return 'fallback';
  folio.exclusive.fill(1);
  mapLeaf(mm, 'pmd', base, { type: 'present', folio, index: 0, writable: (vma.flags & VM_WRITE) !== 0, dirty: true, softDirty: true, special: false });
  vma.anonVma = true;
  t.add('do_huge_pmd_anonymous_page()', `-> new ${PMD_NR * 4} kB THP, exclusive, mapped by a PMD`, ref, leafState(mm, base));
  return 'ok';
}

/** handle_pte_fault() (mm/memory.c). */
function handlePteFault(mm: Mm, vma: Vma, vpn: number, ff: FaultFlags): FaultResult {
  const e = mm.pt.pte.get(vpn);
  if (!e) return vmaIsAnonymous(vma) ? doAnonymousPage(mm, vma, vpn, ff) : doFault(mm, vma, vpn, ff);
  if (e.type === 'swap') return doSwapPage(mm, vma, vpn, ff);
  if (e.protnone) {
    doNumaPage(mm, vpn, 'pte', e);
    return 'ok';
  }
  if ((ff.write || ff.unshare) && !e.writable) return doWpPage(mm, vma, vpn, e, ff);
  if (ff.write) e.dirty = e.softDirty = true;
  return 'ok';
}

/**
 * do_anonymous_page() (mm/memory.c): a read maps the shared zeropage; a write maps a new exclusive
 * anonymous folio, a multi-size THP where one is enabled and fits (alloc_anon_folio(), 6.8+).
 */
function doAnonymousPage(mm: Mm, vma: Vma, vpn: number, ff: FaultFlags): FaultResult {
  const k = mm.kernel;
  const t = mm.machine.trace;
  const ref = k.ref('mm/memory.c', 'do_anonymous_page');
  if (!ff.write) {
    mapLeaf(mm, 'pte', vpn, { type: 'present', folio: mm.machine.zeroFolio, index: 0, writable: false, dirty: false, softDirty: true, special: true });
    t.add('do_anonymous_page()', `-> ${ff.unshare ? 'unshare' : 'read'} fault on an empty PTE maps the shared zeropage (read-only, special)`, ref, leafState(mm, vpn));
    return 'ok';
  }
  const nr = anonFolioSize(mm, vma, vpn);
  const base = vpn - (vpn % nr);
  const folio = mm.machine.alloc('anon', nr);
  if (!folio) return 'oom';
  folio.exclusive.fill(1);
  for (let i = 0; i < nr; i++) {
    mapLeaf(mm, 'pte', base + i, { type: 'present', folio, index: i, writable: (vma.flags & VM_WRITE) !== 0, dirty: true, softDirty: true, special: false });
  }
  vma.anonVma = true;
  const what = nr > 1 ? `a new ${nr * 4} kB THP (alloc_anon_folio()), PTE-mapped` : 'a new anonymous page';
  t.add('do_anonymous_page()', `-> write fault maps ${what}, exclusive, writable`, ref, leafState(mm, vpn));
  return 'ok';
}

/** alloc_anon_folio(): the largest enabled mTHP size below PMD size whose aligned range is in the VMA and empty. */
function anonFolioSize(mm: Mm, vma: Vma, vpn: number): number {
  if (!mm.kernel.has('anon-mthp') || !(vma.flags & VM_HUGEPAGE) || vma.flags & VM_NOHUGEPAGE) return 1;
  const sizes = [...mm.machine.thpEnabled].filter((n) => n < PMD_NR).sort((a, b) => b - a);
  for (const nr of sizes) {
    const base = vpn - (vpn % nr);
    if (base >= vma.start && base + nr <= vma.end && mm.pt.ptesEmpty(base, nr) && !mm.pt.pmd.has(vpn - (vpn % PMD_NR))) return nr;
  }
  return 1;
}

/** The pagecache folio at a file index, created (zero-filled, as after fallocate()) if missing. */
export function pagecacheFolio(mm: Mm, vma: Vma, vpn: number): { folio: Folio; index: number } | null {
  const file = vma.file!;
  const off = vma.pgoff + (vpn - vma.start);
  const idx = Math.floor(off / file.nrPerFolio);
  let folio = file.pages.get(idx);
  if (!folio) {
    const f = mm.machine.alloc('pagecache', file.nrPerFolio, { hugetlb: file.fs === 'hugetlbfs', file, fileIndex: idx });
    if (!f) return null;
    f.refcount = 1; // the pagecache's reference
    file.pages.set(idx, f);
    folio = f;
  }
  return { folio, index: off % file.nrPerFolio };
}

/** do_fault() (mm/memory.c): do_read_fault(), do_cow_fault() or do_shared_fault(). */
function doFault(mm: Mm, vma: Vma, vpn: number, ff: FaultFlags): FaultResult {
  const k = mm.kernel;
  const t = mm.machine.trace;
  const pc = pagecacheFolio(mm, vma, vpn);
  if (!pc) return 'oom';
  const shared = (vma.flags & VM_SHARED) !== 0;
  if (ff.write && !shared) {
    const folio = mm.machine.alloc('anon', 1)!;
    folio.content.put(0, pc.folio.content.at(pc.index));
    folio.exclusive.put(0, 1);
    mapLeaf(mm, 'pte', vpn, { type: 'present', folio, index: 0, writable: (vma.flags & VM_WRITE) !== 0, dirty: true, softDirty: true, special: false });
    vma.anonVma = true;
    t.add('do_cow_fault()', `-> write fault in a private file mapping: copy of ${pc.folio.name} mapped as a new exclusive anonymous page`, k.ref('mm/memory.c', 'do_cow_fault'), leafState(mm, vpn));
    return 'ok';
  }
  if (ff.write) {
    mapLeaf(mm, 'pte', vpn, { type: 'present', folio: pc.folio, index: pc.index, writable: true, dirty: true, softDirty: true, special: false });
    t.add('do_shared_fault()', `-> pagecache page ${pc.folio.name} mapped writable (page_mkwrite)`, k.ref('mm/memory.c', 'do_shared_fault'), leafState(mm, vpn));
    return 'ok';
  }
  // do_read_fault(): vm_page_prot is writable only for shared writable mappings that need no write-notify.
  const writable = shared && (vma.flags & VM_WRITE) !== 0 && !vma.file!.needsDirtyTracking;
  mapLeaf(mm, 'pte', vpn, { type: 'present', folio: pc.folio, index: pc.index, writable, dirty: false, softDirty: true, special: false });
  t.add('do_read_fault()', `-> pagecache page ${pc.folio.name} mapped ${writable ? 'writable' : 'read-only'}`, k.ref('mm/memory.c', 'do_read_fault'), leafState(mm, vpn));
  return 'ok';
}

/**
 * do_swap_page() (mm/memory.c): bring the page back through the swapcache; it is exclusive again
 * if the swap PTE says so (or we hold the only reference), and only then may be mapped writable.
 */
function doSwapPage(mm: Mm, vma: Vma, vpn: number, ff: FaultFlags): FaultResult {
  const k = mm.kernel;
  const t = mm.machine.trace;
  const e = mm.pt.pte.get(vpn)!;
  if (e.type !== 'swap') throw new Error('model bug: not a swap entry');
  const slot = e.slot;
  let folio: Folio;
  let index = 0;
  if (slot.cache) {
    folio = slot.cache.folio;
    index = slot.cache.index;
  } else {
    folio = mm.machine.alloc('anon', 1)!;
    folio.content.put(0, slot.content);
    folio.swapSlots = [slot];
    slot.cache = { folio, index: 0 };
    folio.refcount = 1; // the swapcache's reference
  }
  // swap_free(): this PTE no longer refers to the slot; the mapping takes a folio reference.
  mm.pt.pte.delete(vpn);
  slot.count--;
  mm.machine.get(folio);
  // should_try_to_free_swap(): a write fault by the likely only user drops the swapcache.
  if (ff.write && !folio.ksm && folio.refcount === 1 + folio.nr) folioFreeSwap(mm.machine, folio);
  const exclusive = !folio.ksm && e.exclusive;
  let writable = false;
  let dirty = false;
  let writeDone = false;
  if (!k.has('cow-reuse-by-refcount')) {
    // 5.10: a write fault reuses the page when reuse_swap_page() counts no other mapping and no
    // other swap entry (mapcount + swapcount <= 1); references (a pipe's, a pin's) do not count.
    // A read fault always maps it read-only.
    const reused = ff.write && !folio.ksm && folio.mapcount + slot.count === 0;
    if (reused) {
      folioFreeSwap(mm.machine, folio);
      writable = (vma.flags & VM_WRITE) !== 0;
      dirty = writeDone = true;
    }
    mm.pt.pte.set(vpn, { type: 'present', folio, index, writable, dirty, softDirty: e.softDirty || writeDone, special: false });
    folio.mapcount++;
    vma.anonVma = true;
    t.add('do_swap_page()', `-> swapped in as ${folio.name}, ${reused ? 'reuse_swap_page(): no other mapping or swap entry, mapped writable' : 'mapped read-only'}`, k.ref('mm/memory.c', 'do_swap_page'), leafState(mm, vpn));
    if (ff.write && !writeDone) return doWpPage(mm, vma, vpn, mm.pt.pte.get(vpn) as PresentEntry, ff);
    return 'ok';
  }
  if (!folio.ksm && (exclusive || folio.refcount === 1)) {
    if (k.has('swapin-map-writable-on-read')) {
      // 6.12 mm/memory.c do_swap_page(): pte_mkwrite() with VM_WRITE (unless soft-dirty tracking
      // needs the write fault), whether or not the fault is a write.
      const needsSoftDirtyWp = vmaSoftDirtyEnabled(vma) && !e.softDirty;
      if (vma.flags & VM_WRITE && !needsSoftDirtyWp) {
        writable = true;
        if (ff.write) dirty = writeDone = true;
      }
    } else if (ff.write && vma.flags & VM_WRITE) {
      // 6.1 mm/memory.c do_swap_page(): maybe_mkwrite(pte_mkdirty()) only for FAULT_FLAG_WRITE; a
      // read fault maps the exclusive page read-only and the next write goes through do_wp_page().
      writable = dirty = writeDone = true;
    }
    setPageAnonExclusive(folio, index, true);
  }
  mm.pt.pte.set(vpn, { type: 'present', folio, index, writable, dirty, softDirty: e.softDirty || writeDone, special: false });
  folio.mapcount++;
  vma.anonVma = true;
  t.add(
    'do_swap_page()',
    `-> swapped in as ${folio.name}${pageAnonExclusive(folio, index) ? ', exclusive (the swap PTE said so)' : ', not exclusive (the swap entry was shared)'}, ${writable ? 'writable' : 'read-only'}`,
    k.ref('mm/memory.c', 'do_swap_page'),
    leafState(mm, vpn),
  );
  if (ff.write && !writeDone) return doWpPage(mm, vma, vpn, mm.pt.pte.get(vpn) as PresentEntry, ff);
  return 'ok';
}

/**
 * do_wp_page() (mm/memory.c): a write or unshare fault on a present, read-only PTE. Exclusive
 * anonymous pages (or ones we hold the only reference to) are reused; everything else in a
 * private mapping is copied by wp_page_copy().
 */
export function doWpPage(mm: Mm, vma: Vma, vpn: number, e: PresentEntry, ff: FaultFlags): FaultResult {
  const k = mm.kernel;
  const t = mm.machine.trace;
  const ref = k.ref('mm/memory.c', 'do_wp_page');
  const unshare = !!ff.unshare;
  const folio = e.special && !e.folio.zero ? null : e.folio;
  const page = folio && !folio.zero ? folio : null; // vm_normal_page(): NULL for the zeropage
  if (vma.flags & (VM_SHARED | VM_MAYSHARE)) {
    if (unshare) {
      t.add('do_wp_page()', '-> unshare in a shared mapping: nothing to do', ref);
      return 'ok';
    }
    e.writable = e.dirty = e.softDirty = true;
    t.add('wp_page_shared()', `-> shared mapping: ${e.folio.name} made writable in place`, k.ref('mm/memory.c', 'wp_page_shared'), leafState(mm, vpn));
    return 'ok';
  }
  if (page && page.anon && !k.has('anon-exclusive')) {
    // 5.10: no PG_anon_exclusive; reuse only what nobody else references: page_count() == 1 and
    // mapped once. A pin, a pipe's reference or the swapcache's forces a copy.
    if (!page.ksm && page.refcount === 1 && page.mapcount === 1) return reuse(mm, vma, vpn, e, unshare, 'page_count() == 1, mapped once');
    t.add('do_wp_page()', `-> page_count() of ${page.name} is ${page.refcount}${page.ksm ? ' (KSM)' : ''}, not 1: copy`, ref);
    return wpPageCopy(mm, vma, vpn, e, unshare);
  }
  if (page && page.anon) {
    if (pageAnonExclusive(page, e.index)) {
      return reuse(mm, vma, vpn, e, unshare, 'PageAnonExclusive: the page is ours alone');
    }
    if (wpCanReuseAnonFolio(mm, page)) {
      setPageAnonExclusive(page, e.index, true);
      return reuse(mm, vma, vpn, e, unshare, 'not marked exclusive, but ours is the only reference: marked exclusive (folio_move_anon_rmap())');
    }
    t.add('do_wp_page()', `-> ${page.name} is shared (refcount ${page.refcount}${page.ksm ? ', KSM' : ''}${page.large && k.has('wp-never-reuse-large-folio') ? ', large folio' : ''}): copy`, ref);
    return wpPageCopy(mm, vma, vpn, e, unshare);
  }
  // not anonymous: the shared zeropage or a pagecache page in a private mapping
  if (unshare && !k.has('unshare-any-cow')) {
    t.add('do_wp_page()', `-> unshare of a non-anonymous page (${e.folio.name}): "no anonymous page -> nothing to do"`, ref);
    return 'ok';
  }
  t.add('do_wp_page()', `-> ${e.folio.zero ? 'the shared zeropage' : `pagecache page ${e.folio.name}`} in a COW mapping: copy`, ref);
  return wpPageCopy(mm, vma, vpn, e, unshare);
}

function reuse(mm: Mm, vma: Vma, vpn: number, e: PresentEntry, unshare: boolean, why: string): FaultResult {
  const k = mm.kernel;
  const t = mm.machine.trace;
  if (unshare) {
    t.add('do_wp_page()', `-> unshare: ${why}; stays mapped read-only, nothing to copy`, k.ref('mm/memory.c', 'do_wp_page'));
    return 'ok';
  }
  e.writable = (vma.flags & VM_WRITE) !== 0; // maybe_mkwrite(): FOLL_FORCE writes keep a R/O mapping R/O
  e.dirty = e.softDirty = true;
  t.add('wp_page_reuse()', `-> ${why}: reused in place, mapped ${e.writable ? 'writable' : 'read-only'}`, k.ref('mm/memory.c', 'wp_page_reuse'), leafState(mm, vpn));
  return 'ok';
}

/** The reuse test of do_wp_page() (6.1 inline; 6.12 wp_can_reuse_anon_folio()). */
function wpCanReuseAnonFolio(mm: Mm, folio: Folio): boolean {
  if (folio.large && mm.kernel.has('wp-reuse-large-anon-folio')) return wpCanReuseLargeAnonFolio(mm, folio);
  if (folio.large && mm.kernel.has('wp-never-reuse-large-folio')) return false;
  if (folio.ksm || folio.refcount > 3) return false;
  if (folio.refcount > 1 + (folio.inSwapcache ? 1 : 0)) return false;
  if (folio.inSwapcache) folioFreeSwap(mm.machine, folio);
  return !folio.ksm && folio.refcount === 1;
}

/**
 * __wp_can_reuse_large_anon_folio() (7.3 mm/memory.c): a large anonymous folio mapped more than
 * once, only by this mm (FOLIO_MM_IDS_SHARED clear), whose every reference is a mapping
 * (large mapcount == refcount: never while pinned) is ours alone.
 */
function wpCanReuseLargeAnonFolio(mm: Mm, folio: Folio): boolean {
  if (folio.mapcount <= 1) return false; // "just free up a large folio if only a single page is mapped"
  if (mappedByOtherMm(mm, folio)) return false;
  if (folio.inSwapcache) folioFreeSwap(mm.machine, folio);
  return folio.mapcount === folio.refcount;
}

/** Is `folio` mapped by a process other than `mm` (the kernel's FOLIO_MM_IDS_SHARED)? */
function mappedByOtherMm(mm: Mm, folio: Folio): boolean {
  for (const other of mm.machine.processes) {
    if (other === mm || other.exited) continue;
    for (const m of [other.pt.pte, other.pt.pmd, other.pt.pud]) for (const e of m.values()) if (e.type === 'present' && e.folio === folio) return true;
  }
  return false;
}

/**
 * wp_page_copy() (mm/memory.c): a new exclusive anonymous page with the old contents (zeroes for
 * the zeropage) replaces the old one in this PTE: writable for a write, read-only for an unshare.
 */
function wpPageCopy(mm: Mm, vma: Vma, vpn: number, e: PresentEntry, unshare: boolean): FaultResult {
  const k = mm.kernel;
  const t = mm.machine.trace;
  const folio = mm.machine.alloc('anon', 1);
  if (!folio) return 'oom';
  folio.content.put(0, e.folio.zero ? 0 : e.folio.content.at(e.index));
  folio.exclusive.put(0, 1);
  const old = e.folio;
  zapLeaf(mm, { level: 'pte', base: vpn, entry: e });
  const writable = !unshare && (vma.flags & VM_WRITE) !== 0;
  mapLeaf(mm, 'pte', vpn, { type: 'present', folio, index: 0, writable, dirty: !unshare, softDirty: unshare ? e.softDirty : true, special: false });
  vma.anonVma = true;
  t.add(
    'wp_page_copy()',
    `-> ${old.name} replaced by a new exclusive anonymous page ${folio.name}, ${writable ? 'writable' : 'read-only'}${unshare ? ' (unshare)' : ''}`,
    k.ref('mm/memory.c', 'wp_page_copy'),
    leafState(mm, vpn),
  );
  return 'ok';
}

/**
 * do_huge_pmd_wp_page() (mm/huge_memory.c): reuse an exclusive (or solely referenced) THP;
 * otherwise, and always for the huge zeropage, split the PMD and let the PTE level handle it.
 */
function doHugePmdWpPage(mm: Mm, vma: Vma, base: number, e: PresentEntry, ff: FaultFlags): FaultResult | 'fallback' {
  const k = mm.kernel;
  const t = mm.machine.trace;
  const ref = k.ref('mm/huge_memory.c', 'do_huge_pmd_wp_page');
  const f = e.folio;
  const fallback = (why: string): 'fallback' => {
    splitHugePmd(mm, base);
    t.add('do_huge_pmd_wp_page()', `-> ${why}: __split_huge_pmd(), VM_FAULT_FALLBACK to the PTE level`, ref);
    return 'fallback';
  };
  if (f.kind === 'huge-zeropage') {
    if (!k.has('huge-zero-wp-pmd-thp')) return fallback('the huge zeropage');
    // do_huge_zero_wp_pmd() (7.3 mm/huge_memory.c): a new zero-filled PMD THP replaces the huge
    // zeropage, mapped by map_anon_folio_pmd_pf() writable if VM_WRITE, for an unshare too.
    const thp = mm.machine.alloc('anon', PMD_NR);
    if (!thp) return fallback('the huge zeropage, and no THP to replace it');
    thp.exclusive.fill(1);
    zapLeaf(mm, { level: 'pmd', base, entry: e });
    mapLeaf(mm, 'pmd', base, { type: 'present', folio: thp, index: 0, writable: (vma.flags & VM_WRITE) !== 0, dirty: true, softDirty: true, special: false });
    vma.anonVma = true;
    t.add('do_huge_zero_wp_pmd()', `-> ${ff.unshare ? 'unshare' : 'write'} fault on the huge zeropage: a new exclusive ${PMD_NR * 4} kB THP ${thp.name} mapped by the PMD`, k.ref('mm/huge_memory.c', 'do_huge_zero_wp_pmd'), leafState(mm, base));
    return 'ok';
  }
  if (!vmaIsAnonymous(vma)) return fallback('not an anonymous VMA');
  if (!k.has('cow-reuse-by-refcount')) {
    // 5.10: reuse_swap_page() on the THP: mapped once and no swap entry; other references do not count.
    if (f.ksm || f.mapcount !== 1 || f.inSwapcache) return fallback(`THP mapped ${f.mapcount} times`);
    e.writable = (vma.flags & VM_WRITE) !== 0;
    e.dirty = e.softDirty = true;
    t.add('do_huge_pmd_wp_page()', '-> reuse_swap_page(): THP mapped once, reused, PMD made writable', ref, leafState(mm, base));
    return 'ok';
  }
  let reused = f.exclusive.at(e.index) === 1;
  if (!reused) {
    if (f.refcount > 1 + (f.inSwapcache ? f.nr : 0)) return fallback(`THP shared (refcount ${f.refcount})`);
    if (f.inSwapcache) folioFreeSwap(mm.machine, f);
    if (f.refcount !== 1) return fallback(`THP shared (refcount ${f.refcount})`);
    f.exclusive.fill(1);
    reused = true;
  }
  if (ff.unshare) {
    t.add('do_huge_pmd_wp_page()', '-> unshare: the THP is exclusive, nothing to do', ref);
    return 'ok';
  }
  e.writable = (vma.flags & VM_WRITE) !== 0;
  e.dirty = e.softDirty = true;
  t.add('do_huge_pmd_wp_page()', '-> exclusive THP reused, PMD made writable', ref, leafState(mm, base));
  return 'ok';
}

/** hugetlb_fault() (mm/hugetlb.c): hugetlb_no_page() for an empty entry, hugetlb_wp() for write/unshare. */
function hugetlbFault(mm: Mm, vma: Vma, vpn: number, ff: FaultFlags): FaultResult {
  const k = mm.kernel;
  const t = mm.machine.trace;
  const nr = vma.hugeNr;
  const base = vpn - (vpn % nr);
  const level = nr === PMD_NR ? 'pmd' : 'pud';
  const e = (level === 'pmd' ? mm.pt.pmd : mm.pt.pud).get(base);
  if (!e) {
    // hugetlb_no_page(): the pagecache page if the file has one; else a new folio, added to the
    // pagecache for shared mappings and anonymous (exclusive) for private ones.
    const file = vma.file!;
    const idx = Math.floor((vma.pgoff + (base - vma.start)) / nr);
    let folio = file.pages.get(idx);
    let what: string;
    if (folio) what = `pagecache hugetlb page ${folio.name}`;
    else {
      folio = mm.machine.alloc(vma.flags & VM_MAYSHARE ? 'pagecache' : 'anon', nr, { hugetlb: true, file, fileIndex: idx }) ?? undefined;
      if (!folio) {
        t.add('hugetlb_no_page()', '-> no free huge page: VM_FAULT_SIGBUS', k.ref('mm/hugetlb.c', 'hugetlb_no_page'));
        return 'sigbus';
      }
      if (vma.flags & VM_MAYSHARE) {
        folio.refcount = 1;
        file.pages.set(idx, folio);
        what = `new pagecache hugetlb page ${folio.name}`;
      } else {
        folio.exclusive.put(0, 1);
        vma.anonVma = true;
        what = `new anonymous hugetlb page ${folio.name}, exclusive`;
      }
    }
    const writable = (vma.flags & (VM_WRITE | VM_SHARED)) === (VM_WRITE | VM_SHARED);
    mapLeaf(mm, level, base, { type: 'present', folio, index: 0, writable, dirty: writable && !!ff.write, softDirty: true, special: false });
    t.add('hugetlb_no_page()', `-> ${what}, mapped ${writable ? 'writable' : 'read-only'}`, k.ref('mm/hugetlb.c', 'hugetlb_no_page'), leafState(mm, base));
    if (ff.write && !(vma.flags & VM_SHARED)) return hugetlbWp(mm, vma, base, level, { write: true });
    return 'ok';
  }
  if ((ff.write || ff.unshare) && !e.writable) return hugetlbWp(mm, vma, base, level, ff);
  if (ff.write) e.dirty = true;
  return 'ok';
}

/**
 * hugetlb_wp() (mm/hugetlb.c): a private hugetlb page is reused only if it is anonymous and mapped
 * once (by mapcount, not refcount: a FOLL_GET reference does not prevent reuse, the known vmsplice
 * leak); otherwise it is copied into a new huge page.
 */
function hugetlbWp(mm: Mm, vma: Vma, base: number, level: 'pmd' | 'pud', ff: FaultFlags): FaultResult {
  const k = mm.kernel;
  const t = mm.machine.trace;
  // hugetlb_cow() until 6.0 renamed it (5.10 mm/hugetlb.c), hugetlb_wp() in the 6.1 tree and later.
  const { fn: wpStep, ref } = k.cite('hugetlb_wp');
  const e = (level === 'pmd' ? mm.pt.pmd : mm.pt.pud).get(base)!;
  const unshare = !!ff.unshare;
  if (!unshare && !(vma.flags & VM_WRITE) && k.has('hugetlb-force-write-refused')) {
    t.add(wpStep, '-> write fault without VM_WRITE: VM_FAULT_SIGSEGV (no FOLL_FORCE on hugetlb)', ref);
    return 'sigsegv';
  }
  // A FOLL_FORCE write (no VM_WRITE; 5.10, 7.3): 7.3 keeps the entry read-only
  // (set_huge_ptep_maybe_writable(), make_huge_pte(): writable only with VM_WRITE); 5.10's
  // make_huge_pte(vma, page, 1) and set_huge_ptep_writable() map it writable all the same.
  const mayWrite = !unshare && ((vma.flags & VM_WRITE) !== 0 || !k.has('hugetlb-wp-needs-vm-write'));
  if (vma.flags & VM_MAYSHARE) {
    if (unshare) return 'ok';
    e.writable = mayWrite;
    e.dirty = true;
    t.add(wpStep, '-> shared mapping: made writable in place', ref, leafState(mm, base));
    return 'ok';
  }
  const old = e.folio;
  if (old.anon && old.mapcount === 1) {
    old.exclusive.put(0, 1);
    if (!unshare) {
      e.writable = mayWrite;
      e.dirty = true;
    }
    t.add(wpStep, `-> anonymous and mapped once (mapcount 1, refcount ${old.refcount}): reused${mayWrite ? ', made writable' : ', stays read-only'}`, ref, leafState(mm, base));
    return 'ok';
  }
  const folio = mm.machine.alloc('anon', old.nr, { hugetlb: true });
  if (!folio) {
    t.add(wpStep, '-> no free huge page for the copy: VM_FAULT_SIGBUS', ref);
    return 'sigbus';
  }
  folio.content.copyFrom(old.content);
  folio.exclusive.put(0, 1);
  zapLeaf(mm, { level, base, entry: e });
  mapLeaf(mm, level, base, { type: 'present', folio, index: 0, writable: mayWrite, dirty: !unshare, softDirty: true, special: false });
  vma.anonVma = true;
  t.add(
    wpStep,
    `-> ${old.anon ? `anonymous page mapped ${old.mapcount + 1} times` : `pagecache page ${old.name}`}: copied into a new exclusive anonymous huge page ${folio.name}${unshare ? ', read-only (unshare)' : mayWrite ? ', writable' : ', read-only (no VM_WRITE)'}`,
    ref,
    leafState(mm, base),
  );
  return 'ok';
}

/** State line of the leaf at vpn, for the trace. */
export function leafState(mm: Mm, vpn: number): () => string[] {
  return () => {
    const leaf: Leaf | undefined = mm.pt.lookup(vpn);
    return leaf ? [describeLeaf(leaf)] : [];
  };
}
