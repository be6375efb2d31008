// The system calls cow.c uses, as the model executes them: mmap, munmap, mprotect, madvise,
// mremap, clear_refs, and user-space loads and stores through the page tables.
// Linux: mm/mmap.c, mm/mprotect.c, mm/madvise.c, mm/mremap.c, mm/khugepaged.c, fs/proc/task_mmu.c.
import { handleMmFault, leafState, va } from './fault.js';
import { type Mm, folioFreeSwap, mapLeaf, splitHugePmd, splitPartialPmds, zapLeaf } from './mm.js';
import { File, type Folio, PMD_NR, folioMaybeDmaPinned, pageAnonExclusive } from './page.js';
import type { PresentEntry } from './pagetable.js';
import {
  Vma,
  VM_DONTCOPY,
  VM_HUGEPAGE,
  VM_HUGETLB,
  VM_MAYREAD,
  VM_MAYSHARE,
  VM_MAYWRITE,
  VM_NOHUGEPAGE,
  VM_READ,
  VM_SHARED,
  VM_SOFTDIRTY,
  VM_WRITE,
  isVmHugetlbPage,
  vmaIsAnonymous,
  vmaSoftDirtyEnabled,
} from './vma.js';

export interface MmapArgs {
  pages: number;
  prot: { read: boolean; write: boolean };
  shared: boolean;
  /** null: anonymous memory (MAP_ANONYMOUS) */
  file: File | null;
  /** MAP_HUGETLB / a hugetlbfs file: huge page size in 4 KiB pages */
  hugeNr?: number;
  /** alignment of the address, in pages */
  align?: number;
  /** the file is open read-only: a shared mapping gets no VM_MAYWRITE */
  readOnlyFile?: boolean;
}

/** mmap() (mm/mmap.c do_mmap()): MAP_SHARED|MAP_ANONYMOUS becomes a shmem file; MAP_HUGETLB a hugetlbfs file. */
export function mmap(mm: Mm, a: MmapArgs): number {
  const hugeNr = a.hugeNr ?? 0;
  let file = a.file;
  if (!file && hugeNr) file = new File(`hugetlbfs (MAP_HUGETLB, ${hugeNr * 4} kB)`, 'hugetlbfs', hugeNr);
  else if (!file && a.shared) file = new File('shmem (MAP_SHARED|MAP_ANONYMOUS)', 'tmpfs');
  let flags = VM_MAYREAD | VM_SOFTDIRTY;
  if (a.prot.read) flags |= VM_READ;
  if (a.prot.write) flags |= VM_WRITE;
  if (a.shared) {
    flags |= VM_SHARED | VM_MAYSHARE;
    if (!a.readOnlyFile) flags |= VM_MAYWRITE;
    else flags &= ~VM_SHARED; // do_mmap(): a shared mapping of a read-only file is neither VM_SHARED nor VM_MAYWRITE
  } else flags |= VM_MAYWRITE;
  if (hugeNr) flags |= VM_HUGETLB;
  const start = mm.reserve(a.pages, Math.max(a.align ?? 1, hugeNr || 1));
  const vma = new Vma(start, start + a.pages, flags, file, 0, hugeNr);
  mm.addVma(vma);
  return start;
}

/** fallocate(): the file's page at `index` exists in the pagecache, zero-filled (false: no free huge page). */
export function fallocate(mm: Mm, file: File, index: number): boolean {
  if (file.pages.has(index)) return true;
  const f = mm.machine.alloc('pagecache', file.nrPerFolio, { hugetlb: file.fs === 'hugetlbfs', file, fileIndex: index });
  if (!f) return false;
  f.refcount = 1; // the pagecache's reference
  file.pages.set(index, f);
  return true;
}

/** munmap() (mm/mmap.c do_vmi_munmap()): zap the range and drop its VMAs. */
export function munmap(mm: Mm, start: number, pages: number): void {
  const end = start + pages;
  for (const v of mm.vmas) if (v.start < end && v.end > start && v.flags & VM_HUGETLB && (start % v.hugeNr || end % v.hugeNr)) throw new Error('munmap of part of a huge page');
  mm.isolate(start, end);
  splitPartialPmds(mm, start, end);
  for (const leaf of mm.pt.leavesIn(start, end)) zapLeaf(mm, leaf);
  mm.vmas = mm.vmas.filter((v) => v.end <= start || v.start >= end);
}

/** exit_mmap(): a process that exits drops all its mappings. */
export function exitMm(mm: Mm): void {
  for (const v of [...mm.vmas]) munmap(mm, v.start, v.pages);
  mm.exited = true;
}

/**
 * mprotect() (mm/mprotect.c change_protection()): PTEs lose write permission with PROT_READ; with
 * PROT_READ|PROT_WRITE a read-only PTE is made writable at once only where the write fault would
 * reuse the page anyway: an exclusive anonymous page, and no soft-dirty tracking pending
 * (can_change_pte_writable(); 6.1 additionally requires the PTE to be dirty, which every page
 * cow.c writes is). hugetlb PTEs are never upgraded.
 */
export function mprotect(mm: Mm, start: number, pages: number, prot: { read: boolean; write: boolean }): void {
  const end = start + pages;
  const vmas = mm.isolate(start, end);
  splitPartialPmds(mm, start, end);
  for (const v of vmas) {
    v.flags = (v.flags & ~(VM_READ | VM_WRITE)) | (prot.read ? VM_READ : 0) | (prot.write ? VM_WRITE : 0);
    for (const leaf of mm.pt.leavesIn(v.start, v.end)) {
      const e = leaf.entry;
      if (e.type !== 'present') continue;
      e.protnone = false; // pte_modify() with the new protection ends a NUMA-hinting PROT_NONE
      if (!prot.write) e.writable = false;
      else if (!e.writable && !isVmHugetlbPage(v) && !(v.flags & VM_SHARED) && !e.special) {
        const softDirtyWp = vmaSoftDirtyEnabled(v) && !e.softDirty;
        // change_pte_range(): 6.0+ maps exclusive anonymous pages writable again; 5.10 leaves every
        // private PTE read-only (only dirty-accountable shared mappings get write access back).
        if (!softDirtyWp && e.folio.anon && mm.kernel.has('mprotect-writable-exclusive-anon') && pageAnonExclusive(e.folio, e.index)) e.writable = true;
      }
    }
  }
  mm.mergeVmas();
  mm.machine.trace.add('mprotect()', `${va(start)}, ${pages} pages -> ${prot.write ? 'PROT_READ|PROT_WRITE' : 'PROT_READ'}`, mm.kernel.ref('mm/mprotect.c', 'change_pte_range'), leafState(mm, start));
}

/** clear_refs "4" (fs/proc/task_mmu.c clear_soft_dirty()): write-protect PTEs to track soft-dirty (CONFIG_MEM_SOFT_DIRTY). */
export function clearSoftDirty(mm: Mm): void {
  if (!mm.machine.config.softDirty) return;
  for (const v of mm.vmas) {
    if (isVmHugetlbPage(v)) continue;
    v.flags &= ~VM_SOFTDIRTY;
    for (const leaf of mm.pt.leavesIn(v.start, v.end)) {
      const e = leaf.entry;
      e.softDirty = false;
      if (e.type === 'present') e.writable = false;
    }
  }
  mm.machine.trace.add('clear_refs(CLEAR_REFS_SOFT_DIRTY)', '-> PTEs write-protected and marked clean: the next write faults', mm.kernel.ref('fs/proc/task_mmu.c', 'clear_soft_dirty'));
}

export type Madvise = 'MADV_DONTNEED' | 'MADV_PAGEOUT' | 'MADV_HUGEPAGE' | 'MADV_NOHUGEPAGE' | 'MADV_DONTFORK' | 'MADV_DOFORK' | 'MADV_COLLAPSE';

/** madvise() (mm/madvise.c). Returns 0 or a negative errno name. */
export function madvise(mm: Mm, start: number, pages: number, advice: Madvise): 0 | string {
  const end = start + pages;
  const t = mm.machine.trace;
  switch (advice) {
    case 'MADV_DONTNEED':
      splitPartialPmds(mm, start, end);
      for (const leaf of mm.pt.leavesIn(start, end)) zapLeaf(mm, leaf);
      t.add('madvise(MADV_DONTNEED)', `-> ${va(start)}, ${pages} pages zapped`, mm.kernel.ref('mm/madvise.c', 'madvise_dontneed_single_vma'));
      return 0;
    case 'MADV_PAGEOUT':
      return pageout(mm, start, end);
    case 'MADV_HUGEPAGE':
    case 'MADV_NOHUGEPAGE':
    case 'MADV_DONTFORK':
    case 'MADV_DOFORK': {
      const vmas = mm.isolate(start, end);
      for (const v of vmas) {
        if (advice === 'MADV_HUGEPAGE') v.flags = (v.flags | VM_HUGEPAGE) & ~VM_NOHUGEPAGE;
        if (advice === 'MADV_NOHUGEPAGE') v.flags = (v.flags | VM_NOHUGEPAGE) & ~VM_HUGEPAGE;
        if (advice === 'MADV_DONTFORK') v.flags |= VM_DONTCOPY;
        if (advice === 'MADV_DOFORK') v.flags &= ~VM_DONTCOPY;
      }
      mm.mergeVmas();
      return 0;
    }
    case 'MADV_COLLAPSE':
      if (!mm.kernel.has('madv-collapse')) {
        t.add('madvise(MADV_COLLAPSE)', '-> -EINVAL: no such advice before 6.1', mm.kernel.ref('mm/madvise.c', 'madvise_behavior_valid'));
        return '-EINVAL';
      }
      return collapse(mm, start, end);
  }
}

/** page_mapcount(): how many page-table entries, in all processes, map page `index` of `folio`. */
function pageMapcount(machine: Mm['machine'], folio: Folio, index: number): number {
  let n = 0;
  for (const mm of machine.processes) {
    if (mm.exited) continue;
    for (const e of mm.pt.pte.values()) if (e.type === 'present' && e.folio === folio && e.index === index) n++;
    for (const m of [mm.pt.pmd, mm.pt.pud]) for (const e of m.values()) if (e.folio === folio && index >= e.index && index < e.index + folio.nr) n++;
  }
  return n;
}

/**
 * MADV_PAGEOUT (mm/madvise.c madvise_cold_or_pageout_pte_range() -> reclaim): anonymous pages
 * mapped only here ("do not interfere with other mappings of this page": page_mapcount() == 1) go
 * to swap; each PTE becomes a swap entry that keeps the exclusive bit (try_to_unmap_one()). A
 * PMD-mapped THP is split first, unless it is pinned (or otherwise referenced): then its PMD stays.
 * A maybe-pinned exclusive page cannot be unmapped (folio_try_share_anon_rmap_pte() fails) and stays. Simplification: a folio with other
 * references besides its mappings (a FOLL_GET) is left mapped; the kernel would unmap it and keep
 * it in the swapcache, and the next fault would map the same page back.
 */
function pageout(mm: Mm, start: number, end: number): 0 | string {
  const machine = mm.machine;
  const t = machine.trace;
  if (!machine.config.swap) return 0;
  for (const [base, e] of [...mm.pt.pmd]) {
    if (base + PMD_NR <= start || base >= end || e.folio.hugetlb || !e.folio.anon || pageMapcount(machine, e.folio, e.index) !== 1) continue;
    // A THP with references besides its mappings (a pin, a FOLL_GET) keeps its PMD on 5.10, 6.1,
    // 6.12 and 7.3 alike: part of it -> split_folio() (6.1 split_huge_page()) fails in
    // can_split_folio(); all of it -> reclaim (mm/vmscan.c shrink_folio_list()) keeps a
    // folio_maybe_dma_pinned() folio before add_to_swap() and try_to_unmap(TTU_SPLIT_HUGE_PMD).
    const f = e.folio;
    if (f.refcount - f.mapcount - (f.inSwapcache ? f.nr : 0) !== 0) {
      t.add('madvise(MADV_PAGEOUT)', `-> THP ${f.name} has references besides its mapping${folioMaybeDmaPinned(f) ? ' (maybe pinned)' : ''}: not split, not reclaimed; the PMD stays`, mm.kernel.ref('mm/madvise.c', 'madvise_cold_or_pageout_pte_range'));
      continue;
    }
    splitHugePmd(mm, base);
  }
  let n = 0;
  for (const leaf of mm.pt.leavesIn(start, end)) {
    const e = leaf.entry;
    if (leaf.level !== 'pte' || e.type !== 'present' || !e.folio.anon || e.folio.hugetlb) continue;
    const f = e.folio;
    const extra = f.refcount - f.mapcount - (f.inSwapcache ? f.nr : 0);
    if (extra !== 0 || folioMaybeDmaPinned(f) || pageMapcount(machine, f, e.index) !== 1) continue;
    const slot = machine.newSlot(f.content.at(e.index));
    const exclusive = pageAnonExclusive(f, e.index);
    zapLeaf(mm, leaf);
    mapLeaf(mm, 'pte', leaf.base, { type: 'swap', slot, exclusive, softDirty: e.softDirty });
    n++;
  }
  mm.machine.trace.add('madvise(MADV_PAGEOUT)', `-> ${n} page${n === 1 ? '' : 's'} swapped out`, mm.kernel.ref('mm/madvise.c', 'madvise_cold_or_pageout_pte_range'), leafState(mm, start));
  return 0;
}

/**
 * MADV_COLLAPSE (mm/khugepaged.c madvise_collapse() -> hpage_collapse_scan_pmd(),
 * collapse_huge_page()): copy a PMD range of small/PTE-mapped anonymous pages into a new THP mapped
 * by a PMD. Refused (SCAN_PAGE_RO, -EINVAL) when no PTE in the range is writable (up to 6.x; 7.3
 * has no such check: a fully COW-shared range is collapsed into a new THP of this process), and
 * (SCAN_PAGE_COUNT, -EAGAIN) when a page has references besides its mappings.
 */
function collapse(mm: Mm, start: number, end: number): 0 | string {
  const t = mm.machine.trace;
  const { fn: scan, ref } = mm.kernel.cite('collapse_scan_pmd');
  for (let base = Math.ceil(start / PMD_NR) * PMD_NR; base + PMD_NR <= end; base += PMD_NR) {
    if (mm.pt.pmd.has(base)) continue;
    const vma = mm.findVma(base);
    if (!vma || !vmaIsAnonymous(vma) || vma.start > base || vma.end < base + PMD_NR) return '-EINVAL';
    let writable = false;
    const entries: PresentEntry[] = [];
    for (let v = base; v < base + PMD_NR; v++) {
      const e = mm.pt.pte.get(v);
      if (!e || e.type !== 'present' || !e.folio.anon) {
        t.add(scan, '-> SCAN_PTE_NON_PRESENT / SCAN_PAGE_ANON: not all present anonymous pages', ref);
        return '-EINVAL';
      }
      if (e.writable) writable = true;
      entries.push(e);
    }
    for (const e of entries) {
      const f = e.folio;
      if (f.refcount !== f.mapcount + (f.inSwapcache ? f.nr : 0)) {
        t.add(scan, `-> SCAN_PAGE_COUNT: ${f.name} has references besides its mappings: -EAGAIN`, ref);
        return '-EAGAIN';
      }
    }
    if (!writable && !mm.kernel.has('collapse-ro-anon')) {
      t.add(scan, '-> SCAN_PAGE_RO: no PTE in the range is writable (all COW-shared): MADV_COLLAPSE fails with -EINVAL', ref);
      return '-EINVAL';
    }
    const thp = mm.machine.alloc('anon', PMD_NR);
    if (!thp) return '-ENOMEM';
    entries.forEach((e, i) => thp.content.put(i, e.folio.content.at(e.index)));
    thp.exclusive.fill(1);
    for (let v = base; v < base + PMD_NR; v++) zapLeaf(mm, { level: 'pte', base: v, entry: mm.pt.pte.get(v)! });
    mapLeaf(mm, 'pmd', base, { type: 'present', folio: thp, index: 0, writable: (vma.flags & VM_WRITE) !== 0, dirty: true, softDirty: true, special: false });
    t.add('collapse_huge_page()', `-> the range is copied into a new exclusive THP ${thp.name}, mapped by a PMD`, mm.kernel.ref('mm/khugepaged.c', 'collapse_huge_page'), leafState(mm, base));
    for (const e of entries) if (e.folio.inSwapcache && e.folio.mapcount === 0) folioFreeSwap(mm.machine, e.folio);
  }
  return 0;
}

/** mremap(old, n, n, MREMAP_MAYMOVE|MREMAP_FIXED, new) (mm/mremap.c move_page_tables()): the page-table entries move with the VMA. */
export function mremapFixed(mm: Mm, oldStart: number, pages: number, newStart: number): void {
  munmap(mm, newStart, pages);
  const vmas = mm.isolate(oldStart, oldStart + pages);
  splitPartialPmds(mm, oldStart, oldStart + pages);
  const delta = newStart - oldStart;
  for (const leaf of mm.pt.leavesIn(oldStart, oldStart + pages)) {
    mm.pt.clear(leaf.level, leaf.base);
    mm.pt.set(leaf.level, leaf.base + delta, leaf.entry);
  }
  for (const v of vmas) {
    v.start += delta;
    v.end += delta;
  }
  mm.vmas.sort((a, b) => a.start - b.start);
}

export type AccessResult = 'ok' | 'sigsegv' | 'sigbus' | 'oom';

/** A user-space load or store of one page: fault until the page table allows it (arch fault handler + handle_mm_fault()). */
export function userAccess(mm: Mm, vpn: number, write: boolean): { page: { folio: import('./page.js').Folio; index: number } } | { error: AccessResult } {
  for (let tries = 0; tries < 6; tries++) {
    const vma = mm.findVma(vpn);
    if (!vma || (write ? !(vma.flags & VM_WRITE) : !(vma.flags & VM_READ))) return { error: 'sigsegv' };
    const leaf = mm.pt.lookup(vpn);
    if (leaf && leaf.entry.type === 'present' && !leaf.entry.protnone && (!write || leaf.entry.writable)) {
      if (write) leaf.entry.dirty = leaf.entry.softDirty = true;
      return { page: { folio: leaf.entry.folio, index: leaf.entry.index + (vpn - leaf.base) } };
    }
    const r = handleMmFault(mm, vma, vpn, { write });
    if (r !== 'ok') return { error: r };
  }
  throw new Error(`model bug: no progress faulting ${va(vpn)}`);
}

/** How many pages from `vpn` (up to `end`) the leaf mapping `vpn` covers: a store to one page of a huge leaf reaches them all. */
function leafSpan(mm: Mm, vpn: number, end: number): number {
  const leaf = mm.pt.lookup(vpn);
  if (!leaf || leaf.level === 'pte') return 1;
  return Math.min(end, leaf.base + (leaf.level === 'pmd' ? PMD_NR : 262144)) - vpn;
}

/** memset(mem, byte, size) through the page tables, page by page (traced for the first page only). */
export function memset(mm: Mm, start: number, pages: number, byte: number): AccessResult {
  const t = mm.machine.trace;
  t.add('memset()', `${mm.name} writes 0x${byte.toString(16)} to ${va(start)}${pages > 1 ? ` .. (${pages} pages)` : ''}`);
  for (let i = 0; i < pages; ) {
    const r = i === 0 ? userAccess(mm, start + i, true) : t.mute(() => userAccess(mm, start + i, true));
    if ('error' in r) return r.error;
    const f = r.page.folio;
    if (f.zero) throw new Error('model bug: a store reached the zeropage');
    const n = leafSpan(mm, start + i, start + pages);
    f.content.fill(byte, r.page.index, r.page.index + n);
    i += n;
  }
  return 'ok';
}

/** Reads one byte per page through the page tables (faulting as a load would). */
export function readPages(mm: Mm, start: number, pages: number): number[] | AccessResult {
  const t = mm.machine.trace;
  const out: number[] = [];
  for (let i = 0; i < pages; ) {
    const r = t.mute(() => userAccess(mm, start + i, false));
    if ('error' in r) return r.error;
    const n = leafSpan(mm, start + i, start + pages);
    const f = r.page.folio;
    for (let j = 0; j < n; j++) out.push(f.zero ? 0 : f.content.at(r.page.index + j));
    i += n;
  }
  return out;
}

/** Read access that populates without tracing every page (cow.c's `tmp = *mem`). */
export function touch(mm: Mm, vpn: number): AccessResult {
  const r = userAccess(mm, vpn, false);
  return 'error' in r ? r.error : 'ok';
}
