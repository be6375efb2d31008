// Page tables: leaves at PTE, PMD and PUD level. Linux: pte_t/pmd_t/pud_t and their bits
// (arch/x86/include/asm/pgtable.h): present, writable, dirty, soft-dirty, special, swap entries.
import { type Folio, PMD_NR, PUD_NR, type SwapSlot } from './page.js';

export type Level = 'pte' | 'pmd' | 'pud';

/** A present leaf: maps page `index` of `folio` (a PMD/PUD leaf maps the folio from `index` on). */
export interface PresentEntry {
  type: 'present';
  folio: Folio;
  index: number;
  writable: boolean;
  dirty: boolean;
  softDirty: boolean;
  /** pte_special(): the shared zeropage (no struct page GUP may grab from GUP-fast) */
  special: boolean;
  /**
   * pte_protnone()/pmd_protnone() in an accessible VMA: NUMA balancing made the entry inaccessible
   * to catch the next access (a NUMA hinting fault); `writable` is what it goes back to.
   */
  protnone?: boolean;
}

/** A swap PTE, with the "exclusive" bit that remembers PageAnonExclusive across swap-out (5.19+). */
export interface SwapEntry {
  type: 'swap';
  slot: SwapSlot;
  exclusive: boolean;
  softDirty: boolean;
}

export type PteEntry = PresentEntry | SwapEntry;

export interface Leaf {
  level: Level;
  /** first 4 KiB page number the leaf covers */
  base: number;
  entry: PteEntry;
}

export const levelPages = (level: Level): number => (level === 'pte' ? 1 : level === 'pmd' ? PMD_NR : PUD_NR);

const align = (vpn: number, n: number): number => vpn - (vpn % n);

/** One process's page tables, keyed by the first page number each leaf covers. */
export class PageTable {
  readonly pte = new Map<number, PteEntry>();
  readonly pmd = new Map<number, PresentEntry>();
  readonly pud = new Map<number, PresentEntry>();

  lookup(vpn: number): Leaf | undefined {
    const pudBase = align(vpn, PUD_NR);
    const pud = this.pud.get(pudBase);
    if (pud) return { level: 'pud', base: pudBase, entry: pud };
    const pmdBase = align(vpn, PMD_NR);
    const pmd = this.pmd.get(pmdBase);
    if (pmd) return { level: 'pmd', base: pmdBase, entry: pmd };
    const pte = this.pte.get(vpn);
    return pte ? { level: 'pte', base: vpn, entry: pte } : undefined;
  }

  /** true if no PTE in [base, base+n) is populated (a PMD leaf may only replace an empty PTE table) */
  ptesEmpty(base: number, n: number): boolean {
    for (let v = base; v < base + n; v++) if (this.pte.has(v)) return false;
    return true;
  }

  set(level: Level, base: number, entry: PteEntry): void {
    if (level === 'pte') this.pte.set(base, entry);
    else if (entry.type === 'present') (level === 'pmd' ? this.pmd : this.pud).set(base, entry);
    else throw new Error('swap entries exist only at PTE level in this model');
  }

  clear(level: Level, base: number): void {
    (level === 'pte' ? this.pte : level === 'pmd' ? this.pmd : this.pud).delete(base);
  }

  /** every leaf whose range intersects [start, end), in address order */
  leavesIn(start: number, end: number): Leaf[] {
    const out: Leaf[] = [];
    for (const [base, entry] of this.pud) if (base < end && base + PUD_NR > start) out.push({ level: 'pud', base, entry });
    for (const [base, entry] of this.pmd) if (base < end && base + PMD_NR > start) out.push({ level: 'pmd', base, entry });
    if (end - start < this.pte.size) {
      for (let v = start; v < end; v++) {
        const e = this.pte.get(v);
        if (e) out.push({ level: 'pte', base: v, entry: e });
      }
    } else {
      for (const [base, entry] of this.pte) if (base >= start && base < end) out.push({ level: 'pte', base, entry });
    }
    return out.sort((a, b) => a.base - b.base);
  }
}
