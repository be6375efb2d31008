// Pages and folios: what a page-table entry points to. Linux: struct folio / struct page
// (include/linux/mm_types.h), the refcount/mapcount/pincount rules of include/linux/mm.h.

/** 4 KiB pages per PMD (2 MiB) and per PUD (1 GiB) on x86-64. */
export const PMD_NR = 512;
export const PUD_NR = 262144;
/** FOLL_PIN on a small folio adds this many references (include/linux/mm.h GUP_PIN_COUNTING_BIAS). */
export const GUP_PIN_COUNTING_BIAS = 1024;

/** Where a pagecache folio lives; decides dirty tracking and how GUP-fast treats it. */
export type FsKind = 'tmpfs' | 'ext4' | 'hugetlbfs';

/** A file (or memfd, or the shmem object behind MAP_SHARED|MAP_ANONYMOUS) with its pagecache. */
export class File {
  /** folios by index in units of `nrPerFolio` pages */
  readonly pages = new Map<number, Folio>();
  constructor(
    readonly name: string,
    readonly fs: FsKind,
    /** 4 KiB pages per pagecache folio: 1, or a hugetlb size */
    readonly nrPerFolio = 1,
  ) {}
  /** mm/vma.c vma_needs_dirty_tracking(): only filesystems that write back (not shmem, not hugetlbfs) */
  get needsDirtyTracking(): boolean {
    return this.fs === 'ext4';
  }
  get isShmem(): boolean {
    return this.fs === 'tmpfs';
  }
}

export type FolioKind = 'anon' | 'ksm' | 'zeropage' | 'huge-zeropage' | 'pagecache';

/**
 * One byte per page of a folio (its fill byte, its PG_anon_exclusive bit). A 1 GiB hugetlb folio
 * has 262,144 pages and a scenario touches a few: the pages share one value except those set apart
 * from it, so a folio costs what its scenario touches (an array per page made every verdict on a
 * 1 GiB folio allocate, zero and copy 0.5 MB).
 */
export class PageBytes {
  private common = 0;
  private apart = new Map<number, number>();
  constructor(readonly length: number) {}
  at(index: number): number {
    this.check(index);
    return this.apart.get(index) ?? this.common;
  }
  put(index: number, value: number): void {
    this.check(index);
    if (value === this.common) this.apart.delete(index);
    else this.apart.set(index, value);
  }
  /** Sets pages [from, to) to `value`, like Uint8Array.fill. */
  fill(value: number, from = 0, to = this.length): void {
    if (from <= 0 && to >= this.length) {
      this.common = value;
      this.apart = new Map();
    } else for (let i = Math.max(0, from); i < Math.min(to, this.length); i++) this.put(i, value);
  }
  /** Takes every page's value from `other` (a folio copy: same number of pages). */
  copyFrom(other: PageBytes): void {
    if (other.length !== this.length) throw new Error(`model bug: copying ${other.length} pages into ${this.length}`);
    this.common = other.common;
    this.apart = new Map(other.apart);
  }
  private check(index: number): void {
    if (!(index >= 0 && index < this.length)) throw new Error(`model bug: page ${index} of a ${this.length}-page folio`);
  }
}

/**
 * A folio: `nr` 4 KiB pages handled as one unit. Page contents are modelled as one fill byte per
 * 4 KiB page (cow.c only ever memset()s whole pages).
 */
export class Folio {
  refcount = 0;
  /** page-table mappings of any of its pages (a PMD mapping counts once) */
  mapcount = 0;
  /** FOLL_PIN pins of a large folio (small folios count pins in refcount) */
  pincount = 0;
  /** PG_anon_exclusive per page; hugetlb and PMD-mapped THPs use page 0's bit for the whole folio */
  readonly exclusive: PageBytes;
  readonly content: PageBytes;
  /** the swap slots this folio is in the swapcache for, by page */
  swapSlots: (SwapSlot | undefined)[] | null = null;
  freed = false;
  /** in ZONE_MOVABLE or a CMA area: may not be pinned long-term where it is */
  movable = false;
  constructor(
    readonly pfn: number,
    public kind: FolioKind,
    readonly nr: number,
    readonly hugetlb: boolean,
    /** pagecache owner, for kind 'pagecache' */
    readonly file: File | null = null,
    readonly fileIndex = 0,
  ) {
    this.exclusive = new PageBytes(nr);
    this.content = new PageBytes(nr);
  }
  get large(): boolean {
    return this.nr > 1;
  }
  /** PageAnon(): anonymous pages, KSM pages included */
  get anon(): boolean {
    return this.kind === 'anon' || this.kind === 'ksm';
  }
  get ksm(): boolean {
    return this.kind === 'ksm';
  }
  get zero(): boolean {
    return this.kind === 'zeropage' || this.kind === 'huge-zeropage';
  }
  get inSwapcache(): boolean {
    return this.swapSlots !== null;
  }
  /** a short name for traces and state lines */
  get name(): string {
    if (this.kind === 'zeropage') return 'zeropage';
    if (this.kind === 'huge-zeropage') return 'huge-zeropage';
    return `PA:0x${(this.pfn * 0x1000).toString(16)}`;
  }
}

/** PageAnonExclusive() (include/linux/page-flags.h): hugetlb keeps the bit on the head page only. */
export function pageAnonExclusive(folio: Folio, index: number): boolean {
  if (!folio.anon || folio.ksm) return false;
  return folio.exclusive.at(folio.hugetlb ? 0 : index) === 1;
}

export function setPageAnonExclusive(folio: Folio, index: number, on: boolean): void {
  folio.exclusive.put(folio.hugetlb ? 0 : index, on ? 1 : 0);
}

/**
 * folio_maybe_dma_pinned() (include/linux/mm.h): a large folio counts pins in _pincount, a small
 * one in its refcount, so 1024 ordinary references look like a pin (a false positive the kernel
 * accepts).
 */
export function folioMaybeDmaPinned(folio: Folio): boolean {
  return folio.large ? folio.pincount > 0 : folio.refcount >= GUP_PIN_COUNTING_BIAS;
}

/** folio_is_longterm_pinnable() (include/linux/mm.h): not in ZONE_MOVABLE/CMA; the zeropage always is. */
export function folioIsLongtermPinnable(folio: Folio): boolean {
  return folio.zero || !folio.movable;
}

/** A swap slot (one 4 KiB page on the swap device) and who still refers to it. */
export class SwapSlot {
  /** swap PTEs referring to the slot (swap_map count) */
  count = 0;
  /** the folio caching this slot, if any */
  cache: { folio: Folio; index: number } | null = null;
  constructor(
    readonly id: number,
    public content: number,
  ) {}
  get name(): string {
    return `swap:${this.id}`;
  }
}
