// The mm functions and fault flags that decide whether a read-only pin stays coherent, per
// kernel version. Read in Debian's 6.1 and 6.12 trees.
import { in61, in612 } from './refs.js';
import type { SymbolDoc } from './types.js';

const SERIES = '"mm/gup: reliable R/O long-term pinning in COW mappings" (series "mm/gup: remove FOLL_FORCE usage from drivers")';

export const MM_FUNCTION_DOCS: SymbolDoc[] = [
  {
    name: 'gup_must_unshare',
    kind: 'mm-function',
    summary: 'Before GUP returns a page mapped read-only, must it first break COW with a FAULT_FLAG_UNSHARE fault so that the pin stays coherent with what the process sees? Only asked for R/O FOLL_PIN (never for FOLL_WRITE or FOLL_GET).',
    eras: [
      {
        until: '6.2',
        text: '`gup_must_unshare(flags, page)` with two arguments, in include/linux/mm.h: false unless FOLL_PIN without FOLL_WRITE; **false for every non-anonymous page** (shared zeropage, huge zeropage, page cache, hugetlb page cache), whatever FOLL_LONGTERM says; for an anonymous page, true when it is not PageAnonExclusive. So on this kernel a R/O FOLL_LONGTERM pin of a non-anonymous page in a private mapping pins the page as is, and the next write by the process (COW) maps a different page: the pin is stale. Called from `follow_page_pte()` (slow path, -EMLINK → `faultin_page()` with FAULT_FLAG_UNSHARE) and `gup_pte_range()` (GUP-fast, bail).',
        refs: [in61('include/linux/mm.h', 'gup_must_unshare()'), in61('mm/gup.c', 'follow_page_pte()'), in61('mm/gup.c', 'gup_pte_range()'), in61('mm/gup.c', 'faultin_page()')],
      },
      {
        from: '6.2',
        text: '`gup_must_unshare(vma, flags, page)` with three arguments (in mm/internal.h in 6.12): false unless FOLL_PIN without FOLL_WRITE; for a non-anonymous page: false without FOLL_LONGTERM (short-term R/O pins have snapshot semantics), true when `vma` is NULL (GUP-fast: fall back to the slow path to look at the vma), otherwise `is_cow_mapping(vma->vm_flags)`; for an anonymous page, true when it is not PageAnonExclusive. A true answer makes the slow path return -EMLINK, fault with FAULT_FLAG_UNSHARE (which maps an exclusive anonymous copy) and retry.',
        refs: [in612('mm/internal.h', 'gup_must_unshare()'), in612('mm/gup.c', 'follow_page_pte()'), in612('mm/gup.c', 'gup_fast_pte_range()'), in612('mm/gup.c', 'faultin_page()')],
      },
    ],
    changes: [
      { version: '5.19', text: 'Introduced for anonymous pages (PG_anon_exclusive, FAULT_FLAG_UNSHARE): reliable R/O pinning of anonymous memory.', verified: false },
      { version: '6.2', text: `${SERIES}: gains the \`vma\` argument; non-anonymous pages are unshared for FOLL_LONGTERM in COW mappings (\`is_cow_mapping()\`), and GUP-fast (vma NULL) falls back to the slow path.`, verified: true },
    ],
  },
  {
    name: 'is_cow_mapping',
    kind: 'mm-function',
    summary: '`(vm_flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE`: a private mapping that may become writable, where a write breaks COW. Every MAP_PRIVATE mapping is one (even of an O_RDONLY file); MAP_SHARED mappings are not.',
    eras: [
      { until: '6.2', text: 'Used by fork, FOLL_FORCE permission checks (`check_vma_flags()`) and `can_follow_write_pte()`-style decisions; **not** consulted by `gup_must_unshare()`, which ignores non-anonymous pages.', refs: [in61('include/linux/mm.h', 'is_cow_mapping()'), in61('mm/gup.c', 'check_vma_flags()')] },
      { from: '6.2', text: 'Also decides R/O long-term pins: `gup_must_unshare()` unshares a non-anonymous page exactly when the vma is a COW mapping; `sanitize_fault_flags()` drops FAULT_FLAG_UNSHARE on non-COW mappings.', refs: [in612('include/linux/mm.h', 'is_cow_mapping()'), in612('mm/internal.h', 'gup_must_unshare()'), in612('mm/memory.c', 'sanitize_fault_flags()')] },
    ],
    changes: [{ version: '6.2', text: `${SERIES}: \`gup_must_unshare()\` returns \`is_cow_mapping(vma->vm_flags)\` for non-anonymous pages of R/O FOLL_LONGTERM pins.`, verified: true }],
  },
  {
    name: 'FAULT_FLAG_UNSHARE',
    kind: 'fault-flag',
    summary: 'A fault that breaks COW without writing: afterwards an exclusive anonymous page is mapped, still read-only. GUP raises it when `gup_must_unshare()` says yes. Never combined with FAULT_FLAG_WRITE.',
    eras: [
      { until: '6.2', text: 'Only unshares a possibly shared **anonymous** page mapped R/O; on the shared zeropage or page cache `do_wp_page()` does nothing ("ignored and treated like an ordinary read fault when no existing R/O-mapped anonymous page is encountered").', refs: [in61('include/linux/mm_types.h', 'enum fault_flag'), in61('mm/memory.c', 'do_wp_page()'), in61('mm/gup.c', 'faultin_page()')] },
      { from: '6.2', text: 'Breaks COW for anything in a COW mapping: the shared zeropage, page cache and hugetlb page cache are copied into an exclusive anonymous page mapped R/O (`do_wp_page()` → `wp_page_copy()`, `do_huge_pmd_wp_page()` splits the huge zeropage, `hugetlb_wp()`). Ignored on mappings that are not COW mappings (`sanitize_fault_flags()`).', refs: [in612('include/linux/mm_types.h', 'enum fault_flag'), in612('mm/memory.c', 'do_wp_page()'), in612('mm/memory.c', 'sanitize_fault_flags()'), in612('mm/gup.c', 'faultin_page()')] },
    ],
    changes: [
      { version: '5.19', text: 'Added for anonymous pages ("mm: support GUP-triggered unsharing of anonymous pages").', verified: false },
      { version: '6.2', text: '"mm: extend FAULT_FLAG_UNSHARE support to anything in a COW mapping", plus early consistency checks in `sanitize_fault_flags()`.', verified: true },
    ],
  },
  {
    name: 'check_vma_flags',
    kind: 'mm-function',
    summary: 'The slow path\'s per-vma permission check: VM_IO/VM_PFNMAP, FOLL_ANON, FS-DAX with FOLL_LONGTERM, and FOLL_WRITE/FOLL_FORCE against VM_WRITE/VM_MAYWRITE. GUP-fast skips it.',
    eras: [
      { until: '6.2', text: 'FOLL_WRITE without VM_WRITE needs FOLL_FORCE, and then is refused on hugetlb and on non-COW mappings.', refs: [in61('mm/gup.c', 'check_vma_flags()')] },
      { from: '6.2', text: 'As in 6.1; from 6.5 also refuses FOLL_WRITE|FOLL_LONGTERM pins of dirty-tracked shared file mappings (`writable_file_mapping_allowed()`).', refs: [in612('mm/gup.c', 'check_vma_flags()'), in612('mm/gup.c', 'writable_file_mapping_allowed()')] },
    ],
    changes: [{ version: '6.5', text: 'Writable long-term pins of dirty-tracked file mappings refused.', verified: false }],
  },
  {
    name: 'can_follow_write_pte',
    kind: 'mm-function',
    summary: 'With FOLL_WRITE: may GUP write through this PTE without a write fault? Yes if writable; with FOLL_FORCE also for an exclusive anonymous page mapped R/O in a private, non-writable mapping (how ptrace pokes a breakpoint).',
    eras: [
      { until: '6.2', text: 'Requires PageAnonExclusive for the FOLL_FORCE case (since 6.0).', refs: [in61('mm/gup.c', 'can_follow_write_pte()')] },
      { from: '6.2', text: 'Same logic; a PMD twin `can_follow_write_pmd()` lives beside it.', refs: [in612('mm/gup.c', 'can_follow_write_pte()'), in612('mm/gup.c', 'can_follow_write_pmd()')] },
    ],
    changes: [{ version: '6.0', text: 'FOLL_COW replaced by the PageAnonExclusive test (CVE-2022-2590).', verified: false }],
  },
  {
    name: 'is_valid_gup_args',
    kind: 'mm-function',
    summary: 'The one argument check of every exported GUP/PUP entry point.',
    eras: [
      { until: '6.3', absent: true, text: 'Does not exist; checks are spread over mm/gup.c (`is_valid_gup_flags()` and each entry point).', refs: [in61('mm/gup.c', 'is_valid_gup_flags()')] },
      { from: '6.3', text: 'Rejects internal flags, FOLL_PIN with FOLL_GET, FOLL_LONGTERM without FOLL_PIN, GET/PIN with NULL `pages`, FOLL_LONGTERM|FOLL_PCI_P2PDMA; adds the entry point\'s own flags.', refs: [in612('mm/gup.c', 'is_valid_gup_args()')] },
    ],
    changes: [{ version: '6.3', text: 'Added (Jason Gunthorpe\'s GUP cleanup).', verified: false }],
  },
  {
    name: 'do_wp_page',
    kind: 'mm-function',
    summary: 'The write-protect fault (FAULT_FLAG_WRITE or FAULT_FLAG_UNSHARE on a present R/O PTE): reuse the page when the process owns it exclusively, otherwise copy it (`wp_page_copy()`).',
    eras: [
      { until: '6.2', text: 'UNSHARE on anything but an anonymous page is a no-op ("No anonymous page").', refs: [in61('mm/memory.c', 'do_wp_page()'), in61('mm/memory.c', 'wp_page_copy()')] },
      { from: '6.2', text: 'UNSHARE in a COW mapping copies the zeropage or page-cache page into an exclusive anonymous page mapped R/O.', refs: [in612('mm/memory.c', 'do_wp_page()'), in612('mm/memory.c', 'wp_page_copy()')] },
    ],
    changes: [{ version: '6.2', text: '"mm: rework handling in do_wp_page() based on private vs. shared mappings" and UNSHARE for anything in a COW mapping.', verified: true }],
  },
];
