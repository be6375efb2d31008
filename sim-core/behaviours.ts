// Every difference between kernel versions that the model knows, as a named switch, in one
// place. A kernel version is the set of switches on from that version; model code asks
// `kernel.has('name')`, never "which version is this?".
import { SimError, unknownName } from './errors.js';
import { type SymbolName, LEDGER_NAMES, changeText, ledgerSymbolOf, nameIn } from './kernel-names.js';
import { KNOWN_TREES, atLeast, compareVersions, outsideKnownRange, parseVersion, type Version } from './version.js';

export interface Behaviour {
  /** the switch's name, e.g. 'unshare-longterm-ro-cow' */
  name: string;
  /** first mainline release with the behaviour ("X.Y") */
  since: string;
  /** first mainline release where a later change replaced it again ("X.Y"), if any */
  until?: string;
  /** the commit (id and subject) that introduced it */
  commit: string;
  /** where the behaviour lives, as the first tree we hold that has it (5.10, 6.1, 6.12, 7.2, 7.3) names it */
  kernelFile: string;
  kernelFunction: string;
  /** what the switch changes, in a sentence */
  summary: string;
}

/**
 * The switches. With none on, the model is Linux 5.10 (BASELINE). Commit ids marked "[unverified id]"
 * or "recalled" come from the reference notes, not from a commit page (84209e87c696, 8ac268436e6d,
 * 19eaf44954df, d64e2dbc33a1, 34ed8d0dcd69, 9cb28da54643 were checked against mainline logs and later
 * mainline commits that cite them). "since"/"until" values were checked
 * against the trees we read (Debian 5.10.262, 6.1, 6.12.117/118, 7.2.12, 7.3.4: a switch is on in
 * exactly those of them newer than its since and older than its until) and, where noted, are
 * recalled rather than verified for the releases between them.
 */
const BEHAVIOURS = [
  {
    name: 'unshare-longterm-ro-cow',
    since: '6.2',
    commit: '84209e87c696 "mm/gup: reliable R/O long-term pinning in COW mappings"',
    // 6.2 has gup_must_unshare() in include/linux/mm.h; 63b605128655 moved it here in 6.3 (kernel-names.ts)
    kernelFile: 'mm/internal.h',
    kernelFunction: 'gup_must_unshare',
    summary:
      'An R/O FOLL_LONGTERM pin of a non-anonymous page (pagecache, shared/huge zeropage, hugetlb file page) in a COW mapping first breaks COW (FAULT_FLAG_UNSHARE); GUP-fast (no vma) falls back to the slow path. Before: such pages were pinned as they are, and the next write replaced them.',
  },
  {
    name: 'unshare-any-cow',
    since: '6.2',
    commit: '8d6a0ac09a16 "mm: extend FAULT_FLAG_UNSHARE support to anything in a COW mapping"',
    kernelFile: 'mm/memory.c',
    kernelFunction: 'do_wp_page',
    summary:
      'An unshare fault on a non-anonymous page (zeropage, pagecache) in a COW mapping copies it into an exclusive anonymous page. Before: "no anonymous page -> nothing to do".',
  },
  {
    name: 'fault-flags-sanitized',
    since: '6.2',
    commit:
      'cdc5021cda19 "mm: add early FAULT_FLAG_UNSHARE consistency checks", 79881fed6052 "mm: add early FAULT_FLAG_WRITE consistency checks"',
    kernelFile: 'mm/memory.c',
    kernelFunction: 'sanitize_fault_flags',
    summary:
      'handle_mm_fault() drops FAULT_FLAG_UNSHARE outside COW mappings and refuses (SIGSEGV) write faults without VM_MAYWRITE, or without VM_WRITE outside COW mappings.',
  },
  {
    name: 'gup-args-validated',
    since: '6.3',
    commit: 'd64e2dbc33a1 "mm/gup: simplify the external interface functions and consolidate invariants"',
    kernelFile: 'mm/gup.c',
    kernelFunction: 'is_valid_gup_args',
    summary:
      'All exported GUP entry points check their flags in one place: internal flags (FOLL_PIN, FOLL_TOUCH, ...) are refused, FOLL_LONGTERM needs FOLL_PIN, and pin_user_pages_unlocked()/_remote() accept FOLL_LONGTERM. Before (6.1): ad-hoc checks; the *_unlocked() entry points refuse FOLL_LONGTERM.',
  },
  {
    name: 'longterm-write-file-refused',
    since: '6.5',
    commit: '8ac268436e6d "mm/gup: disallow FOLL_LONGTERM GUP-nonfast writing to file-backed mappings"',
    kernelFile: 'mm/gup.c',
    kernelFunction: 'writable_file_mapping_allowed',
    summary:
      'check_vma_flags() refuses (-EFAULT) a FOLL_PIN|FOLL_LONGTERM|FOLL_WRITE pin of a file mapping that needs dirty tracking (MAP_SHARED of a regular file on a disk filesystem; not shmem/memfd, not hugetlb, not private mappings).',
  },
  {
    name: 'longterm-write-file-fast-bail',
    since: '6.5',
    commit: 'a6e79df92e4a "mm/gup: disallow FOLL_LONGTERM GUP-fast writing to file-backed mappings"',
    kernelFile: 'mm/gup.c',
    kernelFunction: 'gup_fast_folio_allowed',
    summary:
      'GUP-fast does not pin a writable long-term file folio it cannot vouch for (anything but anon, shmem, hugetlb) and leaves it to the slow path, where check_vma_flags() decides. (Named folio_fast_pin_allowed() until f002882ca369 renamed it in 6.10.)',
  },
  {
    name: 'io-uring-file-check-in-gup',
    since: '6.5',
    commit: '34ed8d0dcd69 "io_uring: rsrc: delegate VMA file-backed check to GUP"',
    kernelFile: 'io_uring/rsrc.c',
    kernelFunction: 'io_sqe_buffer_register',
    summary:
      'io_uring fixed buffers are pinned with FOLL_WRITE|FOLL_LONGTERM and GUP alone decides (io_pin_pages(); pin_user_pages_fast() from 6.10, see io-uring-pin-fast). Before (6.1): pin_user_pages(), then any file-backed VMA but shmem and hugetlbfs is refused with -EOPNOTSUPP, private mappings included.',
  },
  {
    name: 'io-uring-pin-fast',
    since: '6.10',
    commit: '1943f96b3816 "io_uring: unify io_pin_pages()" (backported to 6.6.y in Mar 2025)',
    kernelFile: 'io_uring/memmap.c',
    kernelFunction: 'io_pin_pages',
    summary:
      'io_pin_pages() pins a fixed buffer with pin_user_pages_fast() (GUP-fast first, the slow path for the rest): 6.12 io_uring/memmap.c. Before (6.1 io_uring/rsrc.c): pin_user_pages() under the mmap lock.',
  },
  {
    name: 'anon-mthp',
    since: '6.8',
    commit: '19eaf44954df "mm: thp: support allocation of anonymous multi-size THP"',
    kernelFile: 'mm/memory.c',
    kernelFunction: 'alloc_anon_folio',
    summary:
      'Anonymous memory can be backed by THPs smaller than a PMD (16 kB .. 1024 kB on x86-64), always PTE-mapped. Before: only PMD-sized (2048 kB) THPs.',
  },
  {
    name: 'wp-never-reuse-large-folio',
    since: '6.8',
    commit:
      'not identified: absent from wp_can_reuse_anon_folio() as factored out in Oct 2023 ("memory: move exclusivity detection in do_wp_page() into wp_can_reuse_anon_folio()", for 6.7), present in 6.12.117; 6.8 (multi-size THP) is the likely release, not verified',
    kernelFile: 'mm/memory.c',
    kernelFunction: 'wp_can_reuse_anon_folio',
    until: '6.15',
    summary:
      'A write/unshare fault never reuses a page of a large anonymous folio that is not marked exclusive: it copies. Before: reused when the folio\'s reference count was 1. Replaced by wp-reuse-large-anon-folio.',
  },
  {
    name: 'swapin-map-writable-on-read',
    since: '6.11',
    commit: 'c18160dba5ff "mm: swap: reuse exclusive folio directly instead of wp page faults"',
    kernelFile: 'mm/memory.c',
    kernelFunction: 'do_swap_page',
    summary:
      'A swap-in fault maps an exclusive anonymous page writable in a VM_WRITE mapping even on a read fault (6.12; not when soft-dirty tracking or uffd-wp needs the write fault). Before (6.1): writable only for a write fault (maybe_mkwrite() under FAULT_FLAG_WRITE); a read fault maps it read-only and the next write reuses it in do_wp_page().',
  },
  {
    name: 'hugetlb-generic-gup',
    since: '6.10',
    commit: '9cb28da54643 "mm/gup: handle hugetlb in the generic follow_page_mask code" (after 4849807114b8 "mm/gup: retire follow_hugetlb_page()", 6.6)',
    kernelFile: 'mm/gup.c',
    kernelFunction: 'follow_huge_pmd',
    summary:
      'The GUP slow path follows hugetlb pages through the generic follow_page_mask() (follow_huge_pmd()/follow_huge_pud()) instead of hugetlb_follow_page_mask() (6.6 to 6.9; follow_hugetlb_page() before). Changes the functions in the trace, not the outcome; the trace names come from the name ledger (kernel-names.ts), by release.',
  },
  // ---- 5.10 -> 6.1: what 5.10 lacks (the model's baseline is 5.10; checked against Debian's
  // 5.10.262 and 6.1 trees and a real 5.10.262 run of cow.c; releases between marked as recalled) ----
  {
    name: 'unshare-anon',
    since: '5.18',
    commit: 'c89357e27f20 "mm: support GUP-triggered unsharing of anonymous pages" [id and release recalled]',
    kernelFile: 'mm/gup.c',
    kernelFunction: 'follow_page_pte',
    summary:
      'A R/O FOLL_PIN of an anonymous page that may be shared first breaks COW with FAULT_FLAG_UNSHARE (gup_must_unshare()). Before (5.10): GUP pins the page as it is, and the next write fault copies it away from the pin.',
  },
  {
    name: 'cow-reuse-by-refcount',
    since: '5.18',
    commit:
      'c145e0b47c77 "mm: streamline COW logic in do_swap_page()", 3bff7e3f1f16 "mm/huge_memory: streamline COW logic in do_huge_pmd_wp_page()", 53a05ad9f21d "mm: optimize do_wp_page() for exclusive pages in the swapcache" [ids and release recalled]',
    kernelFile: 'mm/memory.c',
    kernelFunction: 'do_swap_page',
    summary:
      'Swap-in write faults and PMD-mapped THP write faults reuse a page only when nobody else holds a reference; do_wp_page() frees the swapcache to reuse. Before (5.10): reuse_swap_page() counts only mappings and swap entries, so a page a pipe (vmsplice) or a pin still references is reused and written under it; do_wp_page() copies any page still in the swapcache.',
  },
  {
    name: 'anon-exclusive',
    since: '5.19',
    commit:
      '6c287605fd56 "mm: remember exclusively mapped anonymous pages with PG_anon_exclusive", a7f226604170 "mm/gup: trigger FAULT_FLAG_UNSHARE when R/O-pinning a possibly shared anonymous page" [ids and release recalled]',
    kernelFile: 'mm/memory.c',
    kernelFunction: 'do_wp_page',
    summary:
      'Anonymous pages carry PG_anon_exclusive: a write fault reuses an exclusive page whatever its reference count (so a pinned page stays the process\'s), GUP unshares only pages not marked exclusive, fork() copies only exclusive maybe-pinned pages. Before (5.10): do_wp_page() reuses only a page with page_count() == 1 mapped once; any extra reference, a pin included, makes it copy.',
  },
  {
    name: 'longterm-migrate-movable',
    since: '5.13',
    commit: 'd1e153fea2a8 "mm/gup: migrate pinned pages out of movable zone" (May 2021, 5.13; 5.10.262 has check_and_migrate_cma_pages())',
    kernelFile: 'mm/gup.c',
    kernelFunction: 'check_and_migrate_movable_pages',
    summary:
      'FOLL_LONGTERM migrates pages out of ZONE_MOVABLE as well as CMA before pinning them (GUP-fast leaves both to the slow path). Before (5.10): only CMA pages; a ZONE_MOVABLE page is pinned where it is and its memory block can no longer be offlined.',
  },
  {
    name: 'hugetlb-fork-copy-pinned',
    since: '5.12',
    commit: '4eae4efa2c29 "hugetlb: do early cow when page pinned on src mm" [id and release recalled; absent in 5.10.262]',
    kernelFile: 'mm/hugetlb.c',
    kernelFunction: 'copy_hugetlb_page_range',
    summary:
      'fork() gives the child a copy of a maybe-pinned private hugetlb page at once, as copy_present_page() does for small pages (5.9). Before (5.10): the page is shared and write-protected, and the parent\'s next write copies it away from the pin.',
  },
  {
    name: 'hugetlb-fork-needs-anon-vma',
    since: '6.0',
    commit: 'bcd51a3c679d "hugetlb: lazy page table copies in fork()"',
    kernelFile: 'mm/memory.c',
    kernelFunction: 'vma_needs_copy',
    summary:
      'fork() copies the page tables of a hugetlb VMA only when it has an anon_vma (private pages were faulted in), like any other VMA; a shared hugetlb mapping is left to the child\'s faults. Before (5.10 copy_page_range()): every hugetlb VMA is copied.',
  },
  {
    name: 'mprotect-writable-exclusive-anon',
    since: '6.0',
    commit: '"mm/mprotect: allow clean exclusive anon pages to be writable" (Nadav Amit) [id not verified; release recalled]',
    kernelFile: 'mm/mprotect.c',
    kernelFunction: 'change_pte_range',
    summary:
      'mprotect(PROT_READ|PROT_WRITE) maps exclusive anonymous pages writable again at once. Before (5.10): only dirty-accountable shared mappings get write access back; private pages stay read-only and the next write goes through do_wp_page().',
  },
  {
    name: 'madv-collapse',
    since: '6.1',
    commit: '7d8faaf15545 "mm/madvise: introduce MADV_COLLAPSE sync hugepage collapse"',
    kernelFile: 'mm/khugepaged.c',
    kernelFunction: 'madvise_collapse',
    summary: 'madvise(MADV_COLLAPSE) collapses a range into THPs synchronously. Before (5.10): -EINVAL, unknown advice.',
  },
  {
    name: 'hugetlb-force-write-refused',
    since: '6.0',
    until: '7.2',
    commit: '"mm/gup: disallow FOLL_FORCE|FOLL_WRITE on hugetlb mappings" (David Hildenbrand) [id not verified; release recalled]; absent again in 7.2.12 and 7.3.4 (the release that removed it not verified)',
    kernelFile: 'mm/gup.c',
    kernelFunction: 'check_vma_flags',
    summary:
      'check_vma_flags() refuses (-EFAULT) FOLL_FORCE|FOLL_WRITE on a hugetlb mapping without VM_WRITE, and hugetlb_wp() refuses such a write fault. In 5.10 and again in 7.3 the write is done on a private copy and the entry stays read-only (7.3 make_huge_pte(): writable only with VM_WRITE).',
  },
  {
    name: 'hugetlb-wp-needs-vm-write',
    since: '6.0',
    commit: '1d8d14641fd9 "mm/hugetlb: support write-faults in shared mappings" (6.0-rc, backported to 5.19.y: "never end up in hugetlb_wp() on write faults without VM_WRITE"); 7.3 make_huge_pte(vma, folio, try_mkwrite) and set_huge_ptep_maybe_writable() check VM_WRITE',
    kernelFile: 'mm/hugetlb.c',
    kernelFunction: 'hugetlb_wp',
    summary:
      'A hugetlb write fault maps the page writable only in a VM_WRITE mapping. Before (5.10): hugetlb_cow() maps the reused or copied page writable even for a FOLL_FORCE write into a read-only private mapping, which the process can then write through.',
  },
  // ---- 6.12 -> 7.3 (checked against Debian's 6.12.118, 7.2.12 and 7.3.4 trees and a real 7.3.4 run) ----
  {
    name: 'huge-zero-wp-pmd-thp',
    since: '6.13',
    commit: '"mm: allocate THP on hugezeropage wp-fault" (Dev Jain) [id not verified; release recalled; present in 7.2.12 and 7.3.4]',
    kernelFile: 'mm/huge_memory.c',
    kernelFunction: 'do_huge_zero_wp_pmd',
    summary:
      'A write or unshare fault on the huge zeropage maps a new zero-filled PMD THP (writable with VM_WRITE). Before: the PMD is split and the PTE level copies one 4 kB page.',
  },
  {
    name: 'wp-reuse-large-anon-folio',
    since: '6.15',
    commit: '"mm: COW reuse support for PTE-mapped THP with CONFIG_MM_ID" (David Hildenbrand) [id not verified; release recalled; present in 7.2.12 and 7.3.4]',
    kernelFile: 'mm/memory.c',
    kernelFunction: '__wp_can_reuse_large_anon_folio',
    summary:
      'A write/unshare fault reuses a page of a large anonymous folio mapped more than once, only by this process, whose every reference is a mapping (never while pinned). Before: copied.',
  },
  {
    name: 'collapse-ro-anon',
    since: '7.2',
    commit: 'not identified: SCAN_PAGE_RO is gone from mm/khugepaged.c in 7.2.12 and 7.3.4 (present in 6.12.118); the release between is not verified',
    kernelFile: 'mm/khugepaged.c',
    kernelFunction: 'collapse_scan_pmd',
    summary:
      'MADV_COLLAPSE collapses a range whose PTEs are all read-only (COW-shared with a child after fork) into a new THP of this process. Before: SCAN_PAGE_RO, -EINVAL.',
  },
  {
    name: 'gup-follows-protnone',
    since: '6.5',
    commit: 'd74943a2f3cd "mm/gup: reintroduce FOLL_NUMA as FOLL_HONOR_NUMA_FAULT" [id and release recalled, not verified; 6.1.176 has the earlier gup_can_follow_protnone(flags), 6.12.118 this one]',
    kernelFile: 'include/linux/mm.h',
    kernelFunction: 'gup_can_follow_protnone',
    summary:
      "GUP's slow path takes a page behind a NUMA-hinting PROT_NONE entry as it is, unless the caller passes FOLL_HONOR_NUMA_FAULT (KVM does). Before (5.10 FOLL_NUMA, 6.1 gup_can_follow_protnone(flags)): only FOLL_FORCE follows it; everyone else takes the hinting fault (do_numa_page()) first. GUP-fast falls back to the slow path on such an entry in every version (6.1 lets FOLL_FORCE through; not modelled: the slow path then takes the same page).",
  },
  {
    name: 'prot-numa-skip-pinned',
    since: '6.10',
    commit: '"mm: support multi-size THP numa balancing" (Baolin Wang) [id not looked up; release recalled]',
    kernelFile: 'mm/mprotect.c',
    kernelFunction: 'change_pte_range',
    summary:
      "NUMA balancing's scan (change_prot_numa()) leaves a page of a COW mapping alone when it is maybe DMA-pinned or likely mapped by another process. Before (5.10, 6.1): when it has any reference besides its one mapping (page_count() != 1), so a FOLL_GET reference, the swapcache or a PTE-mapped THP kept it accessible too.",
  },
] as const satisfies readonly Behaviour[];

export type BehaviourName = (typeof BEHAVIOURS)[number]['name'];

const NAMES: readonly string[] = BEHAVIOURS.map((b) => b.name);

export function behaviours(): readonly Behaviour[] {
  return BEHAVIOURS;
}

/** The oldest kernel whose behaviour the model represents without switches. */
export const BASELINE = '5.10';

export type KernelSpec = { version: string; with?: string[]; without?: string[] };

function checkNames(names: readonly string[] | undefined): void {
  if (names !== undefined && !Array.isArray(names)) throw new SimError('kernel: with and without must be lists of behaviour names');
  for (const n of names ?? []) if (!NAMES.includes(n)) throw unknownName('behaviour', n, NAMES);
}

function holdsOn(b: Behaviour, v: Version): boolean {
  return atLeast(v, b.since) && (b.until === undefined || !atLeast(v, b.until));
}

/** The first release a behaviour holds on ("6.2"), for messages that name it: never a literal in rule code. */
export function firstReleaseWith(name: BehaviourName): string {
  return BEHAVIOURS.find((b) => b.name === name)!.since;
}

/** The switches on for a kernel: those since its version, plus `with`, minus `without`. */
export function behavioursFor(spec: KernelSpec): ReadonlySet<string> {
  const v = modelledVersion(spec.version);
  checkNames(spec.with);
  checkNames(spec.without);
  const on = new Set<string>(BEHAVIOURS.filter((b) => holdsOn(b, v)).map((b) => b.name));
  for (const n of spec.with ?? []) on.add(n);
  for (const n of spec.without ?? []) on.delete(n);
  return on;
}

/** The version whose behaviours stand for `version`: itself, or the nearest known tree outside their range. */
function modelledVersion(version: string): Version {
  const outside = outsideKnownRange(version);
  return parseVersion(outside ? outside.answeredAs : version);
}

/** A kernel as the model sees it: its switches, and how to cite the source it follows. */
export class Kernel {
  readonly version: string;
  readonly v: Version;
  readonly on: ReadonlySet<string>;
  /** the release ("X.Y") whose source traces cite: the version's own, or the known tree answering for it */
  readonly release: string;
  /**
   * Set for kernels older than the model's baseline: sim-core's oldest behaviour is 5.10's (the copy
   * of pinned pages at fork, 5.9, is not a switch).
   */
  readonly belowBaseline: string | undefined;
  /** Set for versions outside the known trees' range: which tree answers for it, said in every output. */
  readonly outsideRange: string | undefined;
  private readonly m: Version;
  constructor(readonly spec: KernelSpec) {
    this.v = parseVersion(spec.version);
    this.version = spec.version.trim();
    this.on = behavioursFor(spec);
    this.m = modelledVersion(spec.version);
    this.release = `${this.m[0]}.${this.m[1]}`;
    this.outsideRange = outsideKnownRange(spec.version)?.note;
    this.belowBaseline = atLeast(this.m, BASELINE)
      ? undefined
      : `Linux ${this.version} is older than sim-core's baseline (${BASELINE}): it is modelled with ${BASELINE}'s behaviour`;
  }
  /** What every output naming this kernel must also say: how it is answered, when not as itself. */
  notes(): string[] {
    return [this.outsideRange, this.belowBaseline].filter((n): n is string => n !== undefined);
  }
  has(name: BehaviourName): boolean {
    return this.on.has(name);
  }
  /** Whether traces cite a tree we read (5.10, 6.1, 6.12, 7.2, 7.3) or a release between them. */
  get knownTree(): boolean {
    return (KNOWN_TREES as readonly string[]).includes(this.release);
  }
  /**
   * A function the name ledger (kernel-names.ts) knows, as this release has it: its name for the
   * trace step ("gup_pte_range()") and the citation, which for a release between the trees we read
   * names the commit that renamed or moved it: "mm/gup.c gup_pte_range() (6.3, until 23babe1934d7
   * in 6.10: gup_fast_pte_range())".
   */
  cite(symbol: SymbolName): { fn: string; ref: string } {
    const c = nameIn(symbol, this.m, ...this.treesAround());
    let tag = this.release;
    if (!this.knownTree && c.since) tag += `, since ${changeText(c.since)}`;
    if (!this.knownTree && c.until) {
      const u = c.until;
      const what = u.file === c.file ? `${u.fn}()` : u.fn === c.fn ? u.file : `${u.file} ${u.fn}()`;
      tag += `, until ${changeText(u.rename)}: ${what}`;
    }
    return { fn: `${c.fn}()`, ref: `${c.file} ${c.fn}() (${tag})` };
  }
  /** "mm/gup.c follow_page_pte() (6.12)": a function with one name and file in every release (else cite()). */
  ref(file: string, fn: string): string {
    if (LEDGER_NAMES.has(fn)) throw new SimError(`internal: ${fn}() changed name or file between releases: cite it through the name ledger`);
    return `${file} ${fn}() (${this.release})`;
  }
  /** The known trees on either side of this release (the same tree twice for a known tree). */
  private treesAround(): [Version, Version | undefined] {
    const trees = KNOWN_TREES.map((t) => parseVersion(t));
    const below = trees.filter((t) => compareVersions(t, this.m) <= 0).at(-1) ?? trees[0]!;
    const above = trees.find((t) => compareVersions(t, this.m) >= 0);
    return [below, above];
  }
  /** A short description: "6.2" or "6.2 without unshare-longterm-ro-cow". */
  describe(): string {
    const parts = [this.version];
    if (this.spec.with?.length) parts.push(`with ${this.spec.with.join(', ')}`);
    if (this.spec.without?.length) parts.push(`without ${this.spec.without.join(', ')}`);
    return parts.join(' ');
  }
}

/**
 * What release `version` calls the function `fn` of `file` (as some tree has it), when the name
 * ledger knows it renamed or moved: its name and citation there; undefined for names the ledger
 * does not track (they are the same in every release).
 */
export function ledgerNameOn(version: string, file: string, fn: string): { fn: string; ref: string } | undefined {
  const symbol = ledgerSymbolOf(file, fn);
  return symbol ? kernelFor({ version }).cite(symbol) : undefined;
}

export function kernelFor(spec: KernelSpec): Kernel {
  if (!spec || typeof spec.version !== 'string') throw new SimError('kernel: expected { version: "X.Y[.Z]" }');
  return new Kernel(spec);
}
