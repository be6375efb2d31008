// fork(): copy_page_range() (mm/memory.c), copy_huge_pmd() (mm/huge_memory.c),
// copy_hugetlb_page_range() (mm/hugetlb.c). Anonymous pages are shared and write-protected in
// both processes and lose PageAnonExclusive, except an exclusive page that may be pinned: the
// child gets its own copy at once, so the parent's pinned page stays the parent's.
import { va } from './fault.js';
import type { Mm } from './mm.js';
import { mapLeaf, splitHugePmd } from './mm.js';
import { type Folio, folioMaybeDmaPinned, pageAnonExclusive, setPageAnonExclusive } from './page.js';
import type { Leaf, PresentEntry } from './pagetable.js';
import { describeRange } from './state.js';
import { exitMm } from './syscalls.js';
import { type Vma, VM_DONTCOPY, VM_HUGETLB, VM_PFNMAP, VM_WRITE, isCowMapping } from './vma.js';

/** folio_needs_cow_for_dma() (6.12 include/linux/mm.h; 6.1 page_needs_cow_for_dma()): the mm ever pinned, and this folio may be pinned. */
function needsCowForDma(parent: Mm, folio: Folio): boolean {
  return parent.hasPinned && folioMaybeDmaPinned(folio);
}

/** Is this anonymous page one fork() must copy now? 5.10 asks only "maybe pinned"; with PG_anon_exclusive (5.19) the page must be exclusive too. */
function copyForDma(parent: Mm, f: Folio, index: number): boolean {
  if (!f.anon || f.zero || !needsCowForDma(parent, f)) return false;
  return !parent.kernel.has('anon-exclusive') || pageAnonExclusive(f, index);
}

/** fork() failing as the kernel's does (dup_mmap() returns -ENOMEM): the child is gone again. */
export class ForkFailed extends Error {
  override name = 'ForkFailed';
  readonly errno = '-ENOMEM';
}

/** fork() of `parent`: a new mm with the VMAs that are not MADV_DONTFORK and copies of their page tables. */
export function fork(parent: Mm, childName: string): Mm {
  const machine = parent.machine;
  const t = machine.trace;
  const k = parent.kernel;
  const child = machine.newMm(childName);
  t.add('fork()', `${parent.name} forks ${childName}`, k.ref('kernel/fork.c', 'dup_mmap'));
  for (const vma of parent.vmas) {
    if (vma.flags & VM_DONTCOPY) continue;
    const cv = vma.clone();
    child.addVma(cv);
    // vma_needs_copy(): without anonymous pages the child just faults the file in again. 5.10
    // copy_page_range() copies every hugetlb VMA; 6.1/6.12 mm/memory.c vma_needs_copy() only those
    // with an anon_vma (or VM_PFNMAP/VM_MIXEDMAP), 7.3 those with an anon_vma or VM_COPY_ON_FORK.
    const always = k.has('hugetlb-fork-needs-anon-vma') ? VM_PFNMAP : VM_HUGETLB | VM_PFNMAP;
    if (!(vma.flags & always) && !vma.anonVma) continue;
    try {
      for (const leaf of parent.pt.leavesIn(vma.start, vma.end)) copyLeaf(parent, child, vma, leaf);
    } catch (error) {
      // dup_mmap() failed: exit_mmap() of the half-built child drops what it had mapped.
      if (error instanceof ForkFailed) exitMm(child);
      throw error;
    }
  }
  const first = parent.vmas[0];
  if (first) t.state(() => [...describeRange(parent, first.start, first.end), ...describeRange(child, first.start, first.end)]);
  return child;
}

function copyLeaf(parent: Mm, child: Mm, vma: Vma, leaf: Leaf): void {
  const t = parent.machine.trace;
  const k = parent.kernel;
  const e = leaf.entry;
  const cow = isCowMapping(vma.flags);
  if (e.type === 'swap') {
    // copy_nonpresent_pte(): both now refer to the slot; neither may assume exclusivity.
    e.exclusive = false;
    mapLeaf(child, 'pte', leaf.base, { ...e, exclusive: false });
    return;
  }
  const f = e.folio;
  if (leaf.level !== 'pte' && f.hugetlb) return copyHugetlb(parent, child, vma, leaf, e);
  if (leaf.level === 'pmd' && !f.zero) {
    // copy_huge_pmd(): a maybe-pinned exclusive THP cannot be shared: split and copy per page.
    if (copyForDma(parent, f, e.index)) {
      t.add('copy_huge_pmd()', `-> THP ${f.name} may be pinned: split the PMD and copy at PTE level`, k.ref('mm/huge_memory.c', 'copy_huge_pmd'));
      splitHugePmd(parent, leaf.base);
      for (const l of parent.pt.leavesIn(leaf.base, leaf.base + f.nr)) copyLeaf(parent, child, vma, l);
      return;
    }
    if (f.anon) f.exclusive.fill(0);
  }
  if (leaf.level === 'pte' && copyForDma(parent, f, e.index)) {
    // copy_present_page(): the child gets a copy now; the parent keeps its (pinned) page as it is.
    const copy = parent.machine.alloc('anon', 1)!;
    copy.content.put(0, f.content.at(e.index));
    copy.exclusive.put(0, 1);
    mapLeaf(child, 'pte', leaf.base, { type: 'present', folio: copy, index: 0, writable: (vma.flags & VM_WRITE) !== 0, dirty: true, softDirty: true, special: false });
    t.add('copy_present_page()', `-> ${f.name} at ${va(leaf.base)} is exclusive and may be pinned: the child gets a copy ${copy.name}; the parent keeps it writable`, k.ref('mm/memory.c', 'copy_present_page'));
    return;
  }
  // share: page_try_dup_anon_rmap() clears PageAnonExclusive; COW mappings write-protect both sides.
  if (f.anon && leaf.level === 'pte') setPageAnonExclusive(f, e.index, false);
  if (cow && e.writable) e.writable = false;
  const ce: PresentEntry = { ...e };
  mapLeaf(child, leaf.level, leaf.base, ce);
}

/** copy_hugetlb_page_range() (mm/hugetlb.c): as above, at huge-page granularity. */
function copyHugetlb(parent: Mm, child: Mm, vma: Vma, leaf: Leaf, e: PresentEntry): void {
  const t = parent.machine.trace;
  const k = parent.kernel;
  const f = e.folio;
  const cow = isCowMapping(vma.flags);
  if (k.has('hugetlb-fork-copy-pinned') && copyForDma(parent, f, 0)) {
    const copy = parent.machine.alloc('anon', f.nr, { hugetlb: true });
    if (!copy) throw new ForkFailed('no free huge page to copy a pinned hugetlb page');
    copy.content.copyFrom(f.content);
    copy.exclusive.put(0, 1);
    mapLeaf(child, leaf.level, leaf.base, { type: 'present', folio: copy, index: 0, writable: (vma.flags & VM_WRITE) !== 0, dirty: true, softDirty: true, special: false });
    t.add('copy_hugetlb_page_range()', `-> hugetlb page ${f.name} may be pinned: the child gets a copy ${copy.name}`, k.ref('mm/hugetlb.c', 'copy_hugetlb_page_range'));
    return;
  }
  if (f.anon) setPageAnonExclusive(f, 0, false);
  if (cow && e.writable) e.writable = false;
  mapLeaf(child, leaf.level, leaf.base, { ...e });
}
