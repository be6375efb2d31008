// NUMA balancing's hinting faults: the scanner makes a range PROT_NONE (pte_protnone()) to learn
// who touches it; the next access faults (do_numa_page()) and maps it again. Linux:
// kernel/sched/fair.c task_numa_work() -> mm/mempolicy.c change_prot_numa() -> mm/mprotect.c
// change_pte_range() / mm/huge_memory.c change_huge_pmd(); mm/memory.c do_numa_page(),
// mm/huge_memory.c do_huge_pmd_numa_page().
//
// The model has one node: every page the scanner looks at counts as misplaced (so it is made
// PROT_NONE unless skipped), and the hinting fault migrates nothing. A pinned folio could not
// move anyway: migration needs its reference count to be only what its mappings hold
// (folio_migrate_mapping()), and a pin adds more.
import type { Mm } from './mm.js';
import { type Folio, folioMaybeDmaPinned } from './page.js';
import type { PresentEntry } from './pagetable.js';
import { describeLeaf } from './state.js';
import { type Vma, VM_READ, VM_WRITE, isCowMapping, isVmHugetlbPage } from './vma.js';

const va = (vpn: number): string => `VA:0x${(vpn * 0x1000).toString(16)}`;

/** Is `folio` mapped by a process other than `mm` (6.12 folio_likely_mapped_shared(), as the model can tell)? */
function mappedByOtherMm(mm: Mm, folio: Folio): boolean {
  for (const other of mm.machine.processes) {
    if (other === mm || other.exited) continue;
    for (const m of [other.pt.pte, other.pt.pmd, other.pt.pud]) for (const e of m.values()) if (e.type === 'present' && e.folio === folio) return true;
  }
  return false;
}

/** Why change_pte_range(MM_CP_PROT_NUMA) leaves this PTE alone, or null when it makes it PROT_NONE. */
function pteSkip(mm: Mm, vma: Vma, e: PresentEntry): string | null {
  const f = e.folio;
  if (e.special || f.zero) return 'the shared zeropage (vm_normal_page() is NULL)';
  if (f.ksm) return 'a KSM page';
  if (isCowMapping(vma.flags)) {
    if (mm.kernel.has('prot-numa-skip-pinned')) {
      if (folioMaybeDmaPinned(f)) return 'a COW mapping and the folio is maybe DMA-pinned (folio_maybe_dma_pinned())';
      if (mappedByOtherMm(mm, f)) return 'a COW mapping and the folio is likely mapped by another process (folio_likely_mapped_shared())';
    } else if (f.refcount !== 1) {
      return `a COW mapping and the page has references besides its mapping (page_count() is ${f.refcount}, not 1)`;
    }
  }
  if (f.kind === 'pagecache' && f.file && !f.file.isShmem && e.dirty) return 'a dirty file page (migration cannot move all of those)';
  return null;
}

/**
 * change_prot_numa() on [start, start+pages) as task_numa_work() calls it: hugetlb, inaccessible
 * and read-only file VMAs are not scanned; present entries not skipped become PROT_NONE. Returns
 * how many leaves it changed.
 */
export function changeProtNuma(mm: Mm, start: number, pages: number): number {
  const t = mm.machine.trace;
  const end = start + pages;
  let n = 0;
  for (const vma of mm.vmas) {
    if (vma.end <= start || vma.start >= end) continue;
    const scanRef = mm.kernel.ref('kernel/sched/fair.c', 'task_numa_work');
    if (isVmHugetlbPage(vma)) {
      t.add('task_numa_work()', '-> a hugetlb VMA: not scanned', scanRef);
      continue;
    }
    if (!(vma.flags & (VM_READ | VM_WRITE))) {
      t.add('task_numa_work()', '-> an inaccessible (PROT_NONE) VMA: not scanned', scanRef);
      continue;
    }
    if (vma.file && (vma.flags & (VM_READ | VM_WRITE)) === VM_READ) {
      t.add('task_numa_work()', '-> a read-only file mapping (shared libraries): not scanned', scanRef);
      continue;
    }
    const from = Math.max(start, vma.start);
    const to = Math.min(end, vma.end);
    for (const leaf of mm.pt.leavesIn(from, to)) {
      const e = leaf.entry;
      if (e.type !== 'present' || e.protnone) continue;
      if (leaf.level === 'pte') {
        const why = pteSkip(mm, vma, e);
        if (why) {
          t.add('change_pte_range()', `-> ${va(leaf.base)} left alone: ${why}`, mm.kernel.ref('mm/mprotect.c', 'change_pte_range'));
          continue;
        }
      } else if (e.folio.kind === 'huge-zeropage') {
        t.add('change_huge_pmd()', `-> ${va(leaf.base)} left alone: the huge zeropage`, mm.kernel.ref('mm/huge_memory.c', 'change_huge_pmd'));
        continue;
      } else if (leaf.level === 'pud' || e.folio.hugetlb) continue;
      // change_huge_pmd() has no pinned or COW check: a pinned PMD-mapped THP is made PROT_NONE too.
      e.protnone = true;
      n++;
      const fn = leaf.level === 'pte' ? 'change_pte_range()' : 'change_huge_pmd()';
      const file = leaf.level === 'pte' ? 'mm/mprotect.c' : 'mm/huge_memory.c';
      t.add(fn, `-> PROT_NONE for NUMA hinting: ${describeLeaf(leaf).replace(/^\S+\s+/, '')}`, mm.kernel.ref(file, fn.slice(0, -2)));
    }
  }
  t.add('change_prot_numa()', `-> ${n} entr${n === 1 ? 'y' : 'ies'} made PROT_NONE (MM_CP_PROT_NUMA)`, mm.kernel.ref('mm/mempolicy.c', 'change_prot_numa'));
  return n;
}

/**
 * do_numa_page() / do_huge_pmd_numa_page(): the hinting fault. The model migrates nothing (see
 * above); the entry becomes accessible again with the write permission it had (6.1 keeps it in
 * the PTE, pte_savedwrite(); 6.12 recomputes it, can_change_pte_writable(): the same answer for
 * an entry mprotect() did not change in between).
 */
export function doNumaPage(mm: Mm, vpn: number, level: 'pte' | 'pmd', e: PresentEntry): void {
  e.protnone = false;
  const fn = level === 'pte' ? 'do_numa_page' : 'do_huge_pmd_numa_page';
  const pinned = folioMaybeDmaPinned(e.folio);
  mm.machine.trace.add(
    `${fn}()`,
    `-> NUMA hinting fault at ${va(vpn)}: ${pinned ? 'the folio is pinned, so migrate_misplaced_folio() could not move it (its references are more than its mappings)' : 'no migration in the model (one node)'}; ${e.folio.name} is mapped again, ${e.writable ? 'writable' : 'read-only'}`,
    mm.kernel.ref(level === 'pte' ? 'mm/memory.c' : 'mm/huge_memory.c', fn),
  );
}

/** gup_can_follow_protnone(): may GUP's slow path take the page behind a NUMA-hinting PROT_NONE entry without the fault? */
export function gupCanFollowProtnone(mm: Mm, vma: Vma, flags: ReadonlySet<string>): boolean {
  if (mm.kernel.has('gup-follows-protnone')) return !flags.has('FOLL_HONOR_NUMA_FAULT') || !(vma.flags & (VM_READ | VM_WRITE));
  return flags.has('FOLL_FORCE');
}
