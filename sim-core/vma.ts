// Virtual memory areas. Linux: struct vm_area_struct, VM_* flags (include/linux/mm.h).
import type { File } from './page.js';

export const VM_READ = 1 << 0;
export const VM_WRITE = 1 << 1;
export const VM_SHARED = 1 << 2;
export const VM_MAYREAD = 1 << 3;
export const VM_MAYWRITE = 1 << 4;
export const VM_MAYSHARE = 1 << 5;
export const VM_HUGETLB = 1 << 6;
export const VM_DONTCOPY = 1 << 7; // MADV_DONTFORK
export const VM_HUGEPAGE = 1 << 8; // MADV_HUGEPAGE
export const VM_NOHUGEPAGE = 1 << 9; // MADV_NOHUGEPAGE
/** set at mmap; cleared by clear_refs "4" to start soft-dirty tracking (fs/proc/task_mmu.c) */
export const VM_SOFTDIRTY = 1 << 10;
export const VM_IO = 1 << 11;
export const VM_PFNMAP = 1 << 12;

const FLAG_NAMES: Array<[number, string]> = [
  [VM_READ, 'VM_READ'],
  [VM_WRITE, 'VM_WRITE'],
  [VM_SHARED, 'VM_SHARED'],
  [VM_MAYREAD, 'VM_MAYREAD'],
  [VM_MAYWRITE, 'VM_MAYWRITE'],
  [VM_MAYSHARE, 'VM_MAYSHARE'],
  [VM_HUGETLB, 'VM_HUGETLB'],
  [VM_DONTCOPY, 'VM_DONTCOPY'],
  [VM_HUGEPAGE, 'VM_HUGEPAGE'],
];

export function vmFlagNames(flags: number): string {
  return FLAG_NAMES.filter(([bit]) => flags & bit)
    .map(([, n]) => n)
    .join('|');
}

/** A VMA: [start, end) in 4 KiB page numbers. */
export class Vma {
  /** an anon_vma exists: the VMA has (had) anonymous pages; decides whether fork copies page tables */
  anonVma = false;
  constructor(
    public start: number,
    public end: number,
    public flags: number,
    /** the file behind a file/shmem mapping; null for anonymous memory */
    readonly file: File | null,
    /** file offset of `start`, in 4 KiB pages */
    public pgoff: number,
    /** hugetlb page size in 4 KiB pages (512 or 262144), 0 otherwise */
    readonly hugeNr = 0,
  ) {}
  get pages(): number {
    return this.end - this.start;
  }
  contains(vpn: number): boolean {
    return vpn >= this.start && vpn < this.end;
  }
  clone(): Vma {
    const v = new Vma(this.start, this.end, this.flags, this.file, this.pgoff, this.hugeNr);
    v.anonVma = this.anonVma;
    return v;
  }
}

/** include/linux/mm.h is_cow_mapping(): private and may-write, i.e. every MAP_PRIVATE mapping that could become writable. */
export function isCowMapping(flags: number): boolean {
  return (flags & (VM_SHARED | VM_MAYWRITE)) === VM_MAYWRITE;
}

/** include/linux/mm.h vma_is_anonymous(): no file behind it. */
export function vmaIsAnonymous(vma: Vma): boolean {
  return vma.file === null;
}

export function isVmHugetlbPage(vma: Vma): boolean {
  return (vma.flags & VM_HUGETLB) !== 0;
}

/** mm/vma.c vma_needs_dirty_tracking(): a shared, writable mapping of a file that writes back. */
export function vmaNeedsDirtyTracking(vma: Vma): boolean {
  if ((vma.flags & (VM_SHARED | VM_WRITE)) !== (VM_SHARED | VM_WRITE)) return false;
  return vma.file !== null && vma.file.needsDirtyTracking;
}

/** include/linux/mm.h vma_soft_dirty_enabled(): clear_refs cleared VM_SOFTDIRTY, so clean PTEs need write faults. */
export function vmaSoftDirtyEnabled(vma: Vma): boolean {
  return (vma.flags & VM_SOFTDIRTY) === 0;
}
