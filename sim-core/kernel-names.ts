// The name ledger: for every modelled kernel function that was renamed or moved between the
// releases pinsight answers for, what it is called and in which file it lives, per release, with
// the commit that renamed or moved it. Traces cite through it (Kernel.cite), so a 6.3 trace names
// 6.3's functions. Functions not listed here have one name and one file from 5.10 to 7.3 (the
// corpus test greps every citation in the Debian trees).
//
// How the facts were checked: names and files in the 5.10.262, 6.1, 6.12.118, 7.2.12 and 7.3.4
// Debian trees by grep; commit ids against mainline commit logs, `Fixes:`/"commit X upstream"
// citations and kernel.org post-receive mails of torvalds/linux and akpm/mm (`checked` says which);
// the release is the merge window after the commit reached mainline or mm-stable. An entry with
// `checked: false` is not verified: its release is the nearest tree we read, said in every citation.
import { SimError } from './errors.js';
import { atLeast, compareVersions, parseVersion, type Version } from './version.js';

export interface Rename {
  /** first mainline release with the new name or file ("X.Y") */
  release: string;
  /** 12-digit commit id, or undefined when not identified */
  id?: string;
  subject?: string;
  /** how the id and the release were checked, or false: not verified */
  checked: string | false;
}

export interface NameEra {
  fn: string;
  file: string;
  /** how this name/file came to be; absent for the oldest entry */
  by?: Rename;
  /** the era cites another function that does the job and keeps its name in every release */
  standsIn?: true;
}

const GUP_FAST_NAMES: Rename = {
  release: '6.10',
  id: '23babe1934d7',
  subject: 'mm/gup: consistently name GUP-fast functions',
  checked: 'id cited by later mainline mails; in mm-stable of Apr 2024, merged for 6.10',
};

/**
 * The ledger, keyed by the symbol model code asks for (the newest name, or a role where the kernel
 * replaced one function by another). Entries oldest first.
 */
const LEDGER = {
  gup_must_unshare: [
    { fn: 'gup_must_unshare', file: 'include/linux/mm.h' },
    {
      fn: 'gup_must_unshare',
      file: 'mm/internal.h',
      by: { release: '6.3', id: '63b605128655', subject: 'mm/gup: move gup_must_unshare() to mm/internal.h', checked: 'mainline id (6.1.y backport list); Jason Gunthorpe\'s GUP series of Jan 2023, with d64e2dbc33a1, merged for 6.3' },
    },
  ],
  gup_fast_pte_range: [
    { fn: 'gup_pte_range', file: 'mm/gup.c' },
    { fn: 'gup_fast_pte_range', file: 'mm/gup.c', by: GUP_FAST_NAMES },
  ],
  gup_fast_pmd_leaf: [
    { fn: 'gup_huge_pmd', file: 'mm/gup.c' },
    { fn: 'gup_fast_pmd_leaf', file: 'mm/gup.c', by: GUP_FAST_NAMES },
  ],
  gup_fast_pud_leaf: [
    { fn: 'gup_huge_pud', file: 'mm/gup.c' },
    { fn: 'gup_fast_pud_leaf', file: 'mm/gup.c', by: GUP_FAST_NAMES },
  ],
  gup_fast: [
    { fn: 'lockless_pages_from_mm', file: 'mm/gup.c' },
    { fn: 'gup_fast', file: 'mm/gup.c', by: GUP_FAST_NAMES },
  ],
  gup_fast_fallback: [
    { fn: 'internal_get_user_pages_fast', file: 'mm/gup.c' },
    { fn: 'gup_fast_fallback', file: 'mm/gup.c', by: GUP_FAST_NAMES },
  ],
  gup_fast_folio_allowed: [
    // introduced in 6.5 by a6e79df92e4a (behaviour longterm-write-file-fast-bail); cited only from then
    { fn: 'folio_fast_pin_allowed', file: 'mm/gup.c' },
    {
      fn: 'gup_fast_folio_allowed',
      file: 'mm/gup.c',
      by: { release: '6.10', id: 'f002882ca369', subject: 'mm: merge folio_is_secretmem() and folio_fast_pin_allowed() into gup_fast_folio_allowed()', checked: 'mainline id (bisected at v6.11-rc4 by a regression report); in mm-stable of Apr 2024 with 23babe1934d7' },
    },
  ],
  try_grab_folio_fast: [
    { fn: 'try_grab_compound_head', file: 'mm/gup.c' },
    { fn: 'try_grab_folio', file: 'mm/gup.c', by: { release: '6.1', checked: false } },
    {
      fn: 'try_grab_folio_fast',
      file: 'mm/gup.c',
      by: { release: '6.10', id: '26273f5f4cf6', subject: 'mm: gup: stop abusing try_grab_folio', checked: 'mainline id (mainline log); a 6.10-rc fix ("linus-tree PATCH", Jun 2024), backported to 6.9.y' },
    },
  ],
  gup_vma_lookup: [
    // 5.10/6.1 look the vma up inside __get_user_pages() (find_extend_vma(), vma_lookup())
    { fn: '__get_user_pages', file: 'mm/gup.c', standsIn: true },
    {
      fn: 'gup_vma_lookup',
      file: 'mm/gup.c',
      by: { release: '6.5', id: 'a425ac5365f6', subject: 'gup: add warning if some caller would seem to want stack expansion', checked: 'mainline id (torvalds/linux log, merged among the for-6.5 branches, Jun 2023)' },
    },
  ],
  // the slow path's walk of a PMD-mapped THP
  follow_huge_pmd: [
    { fn: 'follow_trans_huge_pmd', file: 'mm/huge_memory.c' },
    {
      fn: 'follow_huge_pmd',
      file: 'mm/gup.c',
      by: { release: '6.10', id: '4418c522f683', subject: 'mm/gup: handle huge pmd for follow_pmd_mask()', checked: 'mainline id (6.9.y backport dependency list); Peter Xu\'s series, in mm-stable of Apr 2024' },
    },
  ],
  // the slow path's walk of a hugetlb page, until the generic walk took it over (hugetlb-generic-gup)
  hugetlb_follow: [
    { fn: 'follow_hugetlb_page', file: 'mm/hugetlb.c' },
    {
      fn: 'hugetlb_follow_page_mask',
      file: 'mm/hugetlb.c',
      by: { release: '6.6', id: '4849807114b8', subject: 'mm/gup: retire follow_hugetlb_page()', checked: 'torvalds/linux post-receive of 29 Aug 2023 (the 6.6 merge window)' },
    },
    {
      fn: 'follow_huge_pmd',
      file: 'mm/gup.c',
      by: { release: '6.10', id: '9cb28da54643', subject: 'mm/gup: handle hugetlb in the generic follow_page_mask code', checked: 'mainline id (Fixes: tags); in mm-stable of Apr 2024 with 23babe1934d7' },
    },
  ],
  hugetlb_follow_pud: [
    { fn: 'follow_hugetlb_page', file: 'mm/hugetlb.c' },
    { fn: 'hugetlb_follow_page_mask', file: 'mm/hugetlb.c', by: { release: '6.6', id: '4849807114b8', subject: 'mm/gup: retire follow_hugetlb_page()', checked: 'torvalds/linux post-receive of 29 Aug 2023 (the 6.6 merge window)' } },
    {
      fn: 'follow_huge_pud',
      file: 'mm/gup.c',
      by: { release: '6.10', id: '9cb28da54643', subject: 'mm/gup: handle hugetlb in the generic follow_page_mask code', checked: 'mainline id (Fixes: tags); in mm-stable of Apr 2024 with 23babe1934d7' },
    },
  ],
  // MADV_COLLAPSE's scan of a PMD range (6.1 on; 5.10 has khugepaged's own scan only)
  collapse_scan_pmd: [
    { fn: 'khugepaged_scan_pmd', file: 'mm/khugepaged.c' },
    { fn: 'hpage_collapse_scan_pmd', file: 'mm/khugepaged.c', by: { release: '6.1', checked: false } },
    // 6.12.118 has hpage_collapse_scan_pmd(), 7.2.12 collapse_scan_pmd(); the renaming commit is not identified
    { fn: 'collapse_scan_pmd', file: 'mm/khugepaged.c', by: { release: '7.2', checked: false } },
  ],
  hugetlb_wp: [
    { fn: 'hugetlb_cow', file: 'mm/hugetlb.c' },
    // 5.19.y has hugetlb_wp() (its backport of 1d8d14641fd9 patches it); the renaming commit is not identified
    { fn: 'hugetlb_wp', file: 'mm/hugetlb.c', by: { release: '5.19', checked: false } },
  ],
  check_and_migrate_movable_pages: [
    { fn: 'check_and_migrate_cma_pages', file: 'mm/gup.c' },
    { fn: 'check_and_migrate_movable_pages', file: 'mm/gup.c', by: { release: '5.13', id: 'd1e153fea2a8', subject: 'mm/gup: migrate pinned pages out of movable zone', checked: 'mainline id (Fixes: tags; "from May 2021", the 5.13 merge window); that it holds the rename is from its subject, not its diff' } },
  ],
  io_sqe_buffer_register: [
    // Debian's 5.10.262 has io_uring/io_uring.c (the io_uring/ directory, backported to 5.10.y)
    { fn: 'io_sqe_buffer_register', file: 'io_uring/io_uring.c', standsIn: true },
    { fn: 'io_sqe_buffer_register', file: 'io_uring/rsrc.c', standsIn: true, by: { release: '6.1', checked: false } },
  ],
  // where io_uring pins a fixed buffer (6.1: with the file-backed check; 5.10: inline in io_sqe_buffer_register())
  io_pin_pages: [
    { fn: 'io_sqe_buffer_register', file: 'io_uring/io_uring.c', standsIn: true },
    { fn: 'io_pin_pages', file: 'io_uring/rsrc.c', by: { release: '6.1', checked: false } },
    {
      fn: 'io_pin_pages',
      file: 'io_uring/memmap.c',
      by: {
        release: '6.10',
        id: 'f15ed8b4d0ce',
        subject: 'io_uring: move mapping/allocation helpers to a separate file',
        checked: 'mainline id (mainline log); for-6.10/io_uring, after 1943f96b3816 "io_uring: unify io_pin_pages()" moved it to io_uring/io_uring.c in the same release',
      },
    },
  ],
  // whether GUP takes a NUMA-hinting (PROT_NONE) entry as it is: 5.10 tests FOLL_NUMA inline in
  // follow_page_pte(); 6.1 has gup_can_follow_protnone() (6.12 keeps it, with FOLL_HONOR_NUMA_FAULT)
  gup_can_follow_protnone: [
    { fn: 'follow_page_pte', file: 'mm/gup.c', standsIn: true },
    // the commit that replaced FOLL_NUMA by gup_can_follow_protnone() is not identified here
    { fn: 'gup_can_follow_protnone', file: 'include/linux/mm.h', by: { release: '6.1', checked: false } },
  ],
  // reclaim's walk of the isolated pages (where a maybe-DMA-pinned page is kept)
  shrink_folio_list: [
    { fn: 'shrink_page_list', file: 'mm/vmscan.c' },
    // 6.1 has shrink_folio_list(); the renaming commit is not identified
    { fn: 'shrink_folio_list', file: 'mm/vmscan.c', by: { release: '6.1', checked: false } },
  ],
} as const satisfies Record<string, readonly NameEra[]>;

export type SymbolName = keyof typeof LEDGER;

/** Every symbol of the ledger with its eras (for docs and tests). */
export function nameLedger(): Readonly<Record<SymbolName, readonly NameEra[]>> {
  return LEDGER;
}

/** The names the ledger's eras give, but those that stand in (Kernel.ref refuses them: they are cited via the ledger). */
export const LEDGER_NAMES: ReadonlySet<string> = new Set(
  Object.values(LEDGER).flatMap((eras: readonly NameEra[]) => eras.filter((e) => !e.standsIn).map((e) => e.fn)),
);

export interface Citation {
  fn: string;
  file: string;
  /** the era's change, when it came after `from` (the tree below) */
  since?: Rename;
  /** the next change, when it comes before the next tree */
  until?: { rename: Rename; fn: string; file: string };
}

/**
 * The name and file of `symbol` in release `v`, and the changes that fall between the trees around
 * it (`below`, `above`: the known trees on either side), which an in-between citation names.
 */
export function nameIn(symbol: SymbolName, v: Version, below: Version, above: Version | undefined): Citation {
  const eras: readonly NameEra[] = LEDGER[symbol];
  if (!eras) throw new SimError(`no such symbol in the name ledger: ${String(symbol)}`);
  let i = 0;
  for (let j = 1; j < eras.length; j++) if (atLeast(v, eras[j]!.by!.release)) i = j;
  const era = eras[i]!;
  const out: Citation = { fn: era.fn, file: era.file };
  if (era.by && compareVersions(parseVersion(era.by.release), below) > 0) out.since = era.by;
  const next = eras[i + 1];
  if (next && (above === undefined || compareVersions(parseVersion(next.by!.release), above) <= 0)) {
    out.until = { rename: next.by!, fn: next.fn, file: next.file };
  }
  return out;
}

/** "63b605128655 in 6.3", or for a change not verified "6.1 at the latest (commit not identified)" */
export function changeText(r: Rename): string {
  if (!r.checked) return `${r.release} at the latest (${r.id ? `${r.id}, unverified` : 'commit not identified'})`;
  return `${r.id} in ${r.release}`;
}

/**
 * The ledger symbol a function name and file belong to (any era), preferring the symbol named after
 * it: for documentation that cites one tree and must say what another release calls it.
 */
export function ledgerSymbolOf(file: string, fn: string): SymbolName | undefined {
  const bare = fn.replace(/\(\)$/, '');
  const symbols = Object.keys(LEDGER) as SymbolName[];
  const has = (s: SymbolName) => (LEDGER[s] as readonly NameEra[]).some((e) => !e.standsIn && e.fn === bare && e.file === file);
  return symbols.find((s) => s === bare && has(s)) ?? symbols.find(has);
}
