// The machine (physical memory, the zeropages, hugetlb pools, swap) and one process's address
// space. Linux: struct mm_struct, the rmap/refcount bookkeeping of mm/rmap.c, folio_put().
import type { Kernel } from './behaviours.js';
import { File, Folio, type FolioKind, PMD_NR, SwapSlot } from './page.js';
import { type Leaf, type Level, PageTable, type PresentEntry, type PteEntry } from './pagetable.js';
import { Tracer } from './trace.js';
import { Vma, VM_HUGETLB } from './vma.js';

export interface MachineConfig {
  /** THP sizes (kB) the machine offers; cow.c detect_thp_sizes() */
  thpSizesKb: number[];
  /** free hugetlb pages by size in kB (/proc/sys/vm/nr_hugepages and friends) */
  hugetlbPool: Record<number, number>;
  /** /sys/kernel/mm/transparent_hugepage/use_zero_page */
  hugeZeropage: boolean;
  /** a swap device exists (MADV_PAGEOUT can swap out) */
  swap: boolean;
  /** CONFIG_MEM_SOFT_DIRTY: clear_refs "4" write-protects PTEs to track soft-dirty */
  softDirty: boolean;
}

export const DEFAULT_MACHINE: MachineConfig = {
  thpSizesKb: [2048],
  hugetlbPool: { 2048: 16, 1048576: 2 },
  hugeZeropage: true,
  swap: true,
  softDirty: true,
};

export const kbToPages = (kb: number): number => kb / 4;
export const pagesToKb = (nr: number): number => nr * 4;

/** A reference GUP handed out: `count` pages of `folio` from `index`, taken at `vpn` in `mm`. */
export interface PinRecord {
  mm: Mm;
  vpn: number;
  folio: Folio;
  index: number;
  count: number;
  kind: 'pin' | 'get';
  /** who holds it: 'gup_test', 'pipe', 'io_uring', 'driver' */
  holder: string;
  released: boolean;
}

/** Everything outside the processes: allocator, zeropages, hugetlb pools, swap, THP settings. */
export class Machine {
  private nextPfn = 0x100;
  private nextSlot = 1;
  readonly zeroFolio: Folio;
  readonly hugeZeroFolio: Folio;
  readonly hugetlbFree = new Map<number, number>();
  /** THP sizes (in pages) currently enabled (cow.c thp_push_settings()); PMD size by default */
  thpEnabled = new Set<number>();
  readonly processes: Mm[] = [];
  readonly pins: PinRecord[] = [];

  constructor(
    readonly kernel: Kernel,
    readonly config: MachineConfig,
    readonly trace: Tracer,
  ) {
    this.zeroFolio = new Folio(0x1, 'zeropage', 1, false);
    this.hugeZeroFolio = new Folio(0x2, 'huge-zeropage', PMD_NR, false);
    for (const [kb, n] of Object.entries(config.hugetlbPool)) this.hugetlbFree.set(kbToPages(Number(kb)), n);
    if (config.thpSizesKb.includes(pagesToKb(PMD_NR))) this.thpEnabled.add(PMD_NR);
  }

  /** A new folio with refcount 0; hugetlb folios come from the pool (null when it is empty). */
  alloc(kind: FolioKind, nr: number, opts: { hugetlb?: boolean; file?: File; fileIndex?: number } = {}): Folio | null {
    const hugetlb = opts.hugetlb ?? false;
    if (hugetlb) {
      const free = this.hugetlbFree.get(nr) ?? 0;
      if (free <= 0) return null;
      this.hugetlbFree.set(nr, free - 1);
    }
    const pfn = this.nextPfn;
    this.nextPfn += nr;
    return new Folio(pfn, kind, nr, hugetlb, opts.file ?? null, opts.fileIndex ?? 0);
  }

  newSlot(content: number): SwapSlot {
    return new SwapSlot(this.nextSlot++, content);
  }

  /** folio_put(): drops references; the last one frees the folio (a hugetlb folio returns to its pool). */
  put(folio: Folio, n = 1): void {
    if (folio.zero) return;
    folio.refcount -= n;
    if (folio.refcount < 0) throw new Error(`model bug: negative refcount on ${folio.name}`);
    if (folio.refcount === 0 && !folio.freed) {
      folio.freed = true;
      if (folio.hugetlb) this.hugetlbFree.set(folio.nr, (this.hugetlbFree.get(folio.nr) ?? 0) + 1);
    }
  }

  get(folio: Folio, n = 1): void {
    if (folio.zero) return;
    folio.refcount += n;
  }

  newMm(name: string): Mm {
    const mm = new Mm(name, this);
    this.processes.push(mm);
    return mm;
  }
}

/** Base of the model's mmap() area: VA 0x7f0000000000 (1 GiB aligned). */
const MMAP_BASE = 0x7f0000000;

/** A process's address space: its VMAs and page tables. */
export class Mm {
  vmas: Vma[] = [];
  readonly pt = new PageTable();
  /** MMF_HAS_PINNED: set by the first FOLL_PIN on this mm, never cleared (fork's copy rule needs it) */
  hasPinned = false;
  exited = false;
  private nextVpn = MMAP_BASE;

  constructor(
    readonly name: string,
    readonly machine: Machine,
  ) {}

  get kernel(): Kernel {
    return this.machine.kernel;
  }

  /** a free range of `nr` pages aligned to `align` pages, with a gap before it */
  reserve(nr: number, align = 1): number {
    let vpn = this.nextVpn + 16;
    vpn = Math.ceil(vpn / align) * align;
    this.nextVpn = vpn + nr;
    return vpn;
  }

  findVma(vpn: number): Vma | undefined {
    return this.vmas.find((v) => v.contains(vpn));
  }

  addVma(vma: Vma): void {
    this.vmas.push(vma);
    this.vmas.sort((a, b) => a.start - b.start);
  }

  /** Splits the VMA containing `vpn` so that a VMA starts at `vpn` (mm/vma.c split_vma()). */
  splitVmaAt(vpn: number): void {
    const vma = this.findVma(vpn);
    if (!vma || vma.start === vpn) return;
    if (vma.flags & VM_HUGETLB && vpn % vma.hugeNr !== 0) throw new Error('hugetlb VMAs split only at huge page boundaries');
    // vma_adjust_trans_huge(): a PMD leaf across the new boundary is split first.
    splitPmdCrossing(this, vpn);
    const upper = vma.clone();
    upper.start = vpn;
    upper.pgoff = vma.pgoff + (vpn - vma.start);
    vma.end = vpn;
    this.addVma(upper);
  }

  /** Makes [start, end) a run of whole VMAs. */
  isolate(start: number, end: number): Vma[] {
    this.splitVmaAt(start);
    this.splitVmaAt(end);
    return this.vmas.filter((v) => v.start >= start && v.end <= end);
  }

  /** Merges neighbours with equal flags and backing (mm/vma.c vma_merge(), simplified). */
  mergeVmas(): void {
    const out: Vma[] = [];
    for (const v of this.vmas) {
      const prev = out[out.length - 1];
      if (
        prev &&
        prev.end === v.start &&
        prev.flags === v.flags &&
        prev.file === v.file &&
        prev.hugeNr === v.hugeNr &&
        (v.file === null || prev.pgoff + prev.pages === v.pgoff)
      ) {
        prev.end = v.end;
        prev.anonVma ||= v.anonVma;
      } else out.push(v);
    }
    this.vmas = out;
  }
}

/** Installs a leaf and accounts the mapping (one reference and one mapcount per leaf). */
export function mapLeaf(mm: Mm, level: Level, base: number, entry: PteEntry): void {
  mm.pt.set(level, base, entry);
  if (entry.type === 'present') {
    mm.machine.get(entry.folio);
    if (!entry.folio.zero) entry.folio.mapcount++;
  } else entry.slot.count++;
}

/** Removes a leaf and drops what the mapping held (zap_pte_range() / zap_huge_pmd()). */
export function zapLeaf(mm: Mm, leaf: Leaf): void {
  mm.pt.clear(leaf.level, leaf.base);
  const e = leaf.entry;
  if (e.type === 'present') {
    if (!e.folio.zero) e.folio.mapcount--;
    mm.machine.put(e.folio);
    if (e.folio.anon && e.folio.mapcount === 0 && e.folio.inSwapcache) folioFreeSwap(mm.machine, e.folio);
  } else {
    e.slot.count--;
    if (e.slot.count === 0 && e.slot.cache) folioFreeSwap(mm.machine, e.slot.cache.folio);
  }
}

/**
 * folio_free_swap() (mm/swapfile.c): drops the folio from the swapcache if no swap PTE refers to
 * any of its slots any more.
 */
export function folioFreeSwap(machine: Machine, folio: Folio): boolean {
  if (!folio.swapSlots) return false;
  if (folio.swapSlots.some((s) => s && s.count > 0)) return false;
  for (const s of folio.swapSlots) if (s) s.cache = null;
  folio.swapSlots = null;
  machine.put(folio, folio.nr);
  return true;
}

/**
 * __split_huge_pmd() (mm/huge_memory.c): replaces a PMD leaf by 512 PTEs. A THP keeps its pages
 * (each PTE takes a reference; page 0's exclusive bit goes to every page); the huge zeropage
 * becomes 512 PTEs of the small shared zeropage.
 */
export function splitHugePmd(mm: Mm, base: number): void {
  const entry = mm.pt.pmd.get(base);
  if (!entry) return;
  const f = entry.folio;
  if (f.hugetlb) throw new Error('model bug: hugetlb PMDs are never split');
  mm.pt.pmd.delete(base);
  if (f.kind === 'huge-zeropage') {
    for (let i = 0; i < PMD_NR; i++) {
      mm.pt.pte.set(base + i, { type: 'present', folio: mm.machine.zeroFolio, index: 0, writable: false, dirty: false, softDirty: entry.softDirty, special: true });
    }
    return;
  }
  const exclusive = f.exclusive.at(entry.index) === 1;
  for (let i = 0; i < PMD_NR; i++) {
    const e: PresentEntry = { ...entry, index: entry.index + i };
    mm.pt.pte.set(base + i, e);
    if (f.anon) f.exclusive.put(entry.index + i, exclusive ? 1 : 0);
  }
  f.refcount += PMD_NR - 1;
  f.mapcount += PMD_NR - 1;
}

/** Splits a non-hugetlb PMD leaf that straddles `vpn` (a VMA or range boundary). */
export function splitPmdCrossing(mm: Mm, vpn: number): void {
  const base = vpn - (vpn % PMD_NR);
  if (base !== vpn && mm.pt.pmd.has(base) && !mm.pt.pmd.get(base)!.folio.hugetlb) splitHugePmd(mm, base);
}

/** Splits every PMD leaf in [start, end) that the range covers only partly. */
export function splitPartialPmds(mm: Mm, start: number, end: number): void {
  splitPmdCrossing(mm, start);
  splitPmdCrossing(mm, end);
}
