// FOLL_* flags: what each one asks GUP to do, per kernel version.
// Read in Debian's 6.1 tree (all flags are #defines in include/linux/mm.h) and 6.12 tree (public
// flags in an enum in include/linux/mm_types.h, internal ones in mm/internal.h).
import { in61, in612 } from './refs.js';
import type { Change, Era, KernelRef, SymbolDoc } from './types.js';

const DEF_61 = (flag: string): KernelRef => in61('include/linux/mm.h', flag);
const PUBLIC_612 = (flag: string): KernelRef => in612('include/linux/mm_types.h', flag);
const INTERNAL_612 = (flag: string): KernelRef => in612('mm/internal.h', flag);

/** A flag whose meaning did not change: one era per tree, both defining it. */
function stable(flag: string, text61: string, text612: string, internalIn612 = false, extra: KernelRef[] = []): Era[] {
  return [
    { until: '6.2', text: text61, refs: [DEF_61(flag), ...extra.filter((r) => r.readIn === '6.1')] },
    {
      from: '6.2',
      text: text612,
      refs: [internalIn612 ? INTERNAL_612(flag) : PUBLIC_612(flag), ...extra.filter((r) => r.readIn === '6.12')],
    },
  ];
}

function flag(name: string, summary: string, eras: Era[], changes: Change[] = []): SymbolDoc {
  return { name, kind: 'gup-flag', summary, eras, changes };
}

const INTERNAL_SPLIT: Change = {
  version: '6.3',
  text: 'Internal flags (FOLL_TOUCH, FOLL_TRIED, FOLL_REMOTE, FOLL_PIN, FOLL_FAST_ONLY, ...) moved to mm/internal.h; `is_valid_gup_args()` rejects them from callers.',
  verified: false,
};

export const FLAG_DOCS: SymbolDoc[] = [
  flag(
    'FOLL_WRITE',
    'The caller will write to the pages: GUP requires a writable mapping and breaks COW with a write fault before returning a page.',
    stable(
      'FOLL_WRITE',
      'Turns on FAULT_FLAG_WRITE in `faultin_page()`. A write pin never needs unsharing: `gup_must_unshare()` returns false when FOLL_WRITE is set. Without VM_WRITE the slow path refuses it (-EFAULT) unless FOLL_FORCE is also set and the mapping is a private COW mapping (`check_vma_flags()`).',
      'As in 6.1, plus: FOLL_WRITE|FOLL_LONGTERM|FOLL_PIN on a shared file mapping that needs dirty tracking (ext4, xfs, btrfs, ... but not shmem or hugetlbfs) is refused with -EFAULT (`writable_file_mapping_allowed()` in the slow path, `gup_fast_folio_allowed()` in GUP-fast).',
      false,
      [
        in61('mm/gup.c', 'check_vma_flags()'),
        in61('include/linux/mm.h', 'gup_must_unshare()'),
        in612('mm/gup.c', 'check_vma_flags()'),
        in612('mm/gup.c', 'writable_file_mapping_allowed()'),
      ],
    ),
    [
      { version: '6.2', text: 'No longer needed to get a coherent read-only FOLL_LONGTERM pin: the R/O pin unshares by itself.', verified: true },
      { version: '6.5', text: 'Writable long-term pins of dirty-tracked shared file mappings are refused (-EFAULT).', verified: false },
    ],
  ),
  flag(
    'FOLL_FORCE',
    'Debugger-style access (ptrace, /proc/pid/mem, uprobes): ignore a missing VM_READ/VM_WRITE when VM_MAYREAD/VM_MAYWRITE allows it. A forced write goes to a private COW copy, never to a shared mapping or hugetlb.',
    stable(
      'FOLL_FORCE',
      'With FOLL_WRITE: `check_vma_flags()` lets the write through a non-writable private mapping (not hugetlb, not a shared mapping) and `can_follow_write_pte()` accepts an exclusive anonymous page mapped read-only. Drivers on 6.1 pass FOLL_FORCE|FOLL_WRITE for a *read-only* long-term pin only as a workaround: a plain R/O FOLL_LONGTERM pin of the shared zeropage or of page cache in a private mapping is not unshared by 6.1 (`gup_must_unshare()` returns false for non-anonymous pages), so a later write by the process replaces the page and the pin goes stale. Forcing a write breaks COW at pin time instead.',
      'Same permission rules. Since 6.2 a read-only FOLL_LONGTERM pin unshares non-anonymous pages in COW mappings itself (`gup_must_unshare()` → `is_cow_mapping()`), so drivers no longer need FOLL_FORCE|FOLL_WRITE for a read-only pin; the series removed those uses. FOLL_FORCE stays for debugger access.',
      false,
      [
        in61('mm/gup.c', 'check_vma_flags()'),
        in61('mm/gup.c', 'can_follow_write_pte()'),
        in612('mm/gup.c', 'check_vma_flags()'),
        in612('mm/gup.c', 'can_follow_write_pte()'),
      ],
    ),
    [
      { version: '6.0', text: 'FOLL_COW removed; `can_follow_write_pte()` requires PageAnonExclusive for a forced write (CVE-2022-2590). FOLL_FORCE|FOLL_WRITE on hugetlb refused.', verified: false },
      { version: '6.2', text: '"mm/gup: remove FOLL_FORCE usage from drivers (reliable R/O long-term pinning)": R/O FOLL_LONGTERM pins became reliable, drivers dropped FOLL_FORCE.', verified: true },
    ],
  ),
  flag(
    'FOLL_LONGTERM',
    'The pin is held for an indefinite time under user control (RDMA, VFIO, io_uring fixed buffers). Only allowed with FOLL_PIN (the pin_user_pages*() family).',
    [
      {
        until: '6.2',
        text: 'Triggers: FS-DAX refusal (-EOPNOTSUPP), migration off ZONE_MOVABLE/CMA before pinning, devmap pages to the slow path. Does **not** make a read-only pin unshare non-anonymous pages: `gup_must_unshare(flags, page)` returns false for the shared zeropage, the huge zeropage, page cache and hugetlb pages, so R/O long-term pins of them in a private mapping are not coherent with later writes. get_user_pages*() reject it (WARN, -EINVAL, `is_valid_gup_flags()`); the `*_unlocked` variants reject it; `pin_user_pages_remote()` rejects it when `locked` is non-NULL.',
        refs: [DEF_61('FOLL_LONGTERM'), in61('include/linux/mm.h', 'gup_must_unshare()'), in61('mm/gup.c', 'is_valid_gup_flags()'), in61('mm/gup.c', '__gup_longterm_locked()')],
      },
      {
        from: '6.2',
        text: 'As before, and a read-only FOLL_PIN|FOLL_LONGTERM pin of a non-anonymous page in a COW mapping (`is_cow_mapping()`: private and may-write) first breaks COW with a FAULT_FLAG_UNSHARE fault, so the pin stays coherent with what the process sees. GUP-fast cannot see the vma and falls back to the slow path for such pages. Since 6.5, FOLL_WRITE|FOLL_LONGTERM on a dirty-tracked shared file mapping is refused (-EFAULT).',
        refs: [PUBLIC_612('FOLL_LONGTERM'), in612('mm/internal.h', 'gup_must_unshare()'), in612('mm/gup.c', 'is_valid_gup_args()'), in612('mm/gup.c', '__gup_longterm_locked()')],
      },
    ],
    [
      { version: '6.2', text: '`gup_must_unshare()` unshares non-anonymous pages for R/O FOLL_LONGTERM pins in COW mappings (reliable R/O long-term pinning).', verified: true },
      { version: '6.3', text: 'Argument checks centralised in `is_valid_gup_args()`: FOLL_LONGTERM without FOLL_PIN is rejected everywhere; the `*_unlocked` and `_remote` pin variants accept it.', verified: false },
      { version: '6.5', text: 'Writable long-term pins of dirty-tracked file mappings refused.', verified: false },
    ],
  ),
  flag(
    'FOLL_PIN',
    'Take a DMA pin (refcount + GUP_PIN_COUNTING_BIAS, or the folio\'s pincount) released with unpin_user_page*(). Makes `folio_maybe_dma_pinned()` true: fork copies the page, swap/KSM/migration leave it alone.',
    stable(
      'FOLL_PIN',
      'Set by the pin_user_pages*() entry points; get_user_pages*() reject it (`is_valid_gup_flags()`, WARN, -EINVAL). Only FOLL_PIN read-only pins are unshared by `gup_must_unshare()`. Sets MMF_HAS_PINNED on the mm.',
      'Internal flag (mm/internal.h, part of INTERNAL_GUP_FLAGS): set only by pin_user_pages*() and memfd_pin_folios(); a caller passing it gets WARN and a rejection from `is_valid_gup_args()`.',
      true,
      [in61('mm/gup.c', 'is_valid_gup_flags()'), in612('mm/gup.c', 'is_valid_gup_args()')],
    ),
    [INTERNAL_SPLIT],
  ),
  flag(
    'FOLL_GET',
    'Take a plain page reference, released with put_page(). A FOLL_GET reference never triggers unsharing and does not mark the page as maybe-pinned.',
    stable(
      'FOLL_GET',
      'Added by GUP itself when `pages` is non-NULL and FOLL_PIN is not set; pin_user_pages*() reject it (WARN, -EINVAL).',
      'As in 6.1; still public. `is_valid_gup_args()` rejects FOLL_GET together with FOLL_PIN.',
      false,
      [in61('mm/gup.c', '__get_user_pages_locked()'), in612('mm/gup.c', 'is_valid_gup_args()')],
    ),
  ),
  flag(
    'FOLL_TOUCH',
    'Mark the page accessed (and dirty for a write). No effect on pin coherence.',
    stable(
      'FOLL_TOUCH',
      'Added by get_user_pages*(), the `_remote` and `_unlocked` variants and the GUP-fast fallback; `pin_user_pages()` does not add it.',
      'Internal flag (mm/internal.h): callers may not pass it (`is_valid_gup_args()`).',
      true,
    ),
    [INTERNAL_SPLIT],
  ),
  flag(
    'FOLL_REMOTE',
    'GUP works on another process\'s mm (FAULT_FLAG_REMOTE; protection keys are not checked).',
    stable('FOLL_REMOTE', 'Added by the `*_remote` entry points.', 'Internal flag (mm/internal.h), added by the `*_remote` entry points.', true),
    [INTERNAL_SPLIT],
  ),
  flag(
    'FOLL_TRIED',
    'Retry marker: the previous attempt dropped the mmap lock (FAULT_FLAG_TRIED).',
    stable('FOLL_TRIED', 'Set by GUP\'s retry loop in `__get_user_pages_locked()`.', 'Internal flag (mm/internal.h).', true),
    [INTERNAL_SPLIT],
  ),
  flag(
    'FOLL_FAST_ONLY',
    'GUP-fast without falling back to the slow path: a page that would need the slow path (including one that must be unshared) is simply not returned.',
    stable('FOLL_FAST_ONLY', 'Set by `get_user_pages_fast_only()` and `pin_user_pages_fast_only()`.', 'Internal flag (mm/internal.h), set by `get_user_pages_fast_only()`.', true),
    [INTERNAL_SPLIT],
  ),
  flag(
    'FOLL_NOWAIT',
    'If a fault needs I/O, start it and return without waiting (FAULT_FLAG_RETRY_NOWAIT); may return fewer pages.',
    stable('FOLL_NOWAIT', 'Not allowed on GUP-fast (`internal_get_user_pages_fast()` allow-list).', 'Not allowed on GUP-fast (`gup_fast_fallback()` allow-list); `get_user_page_vma_remote()` rejects it.', false, [
      in61('mm/gup.c', 'internal_get_user_pages_fast()'),
      in612('mm/gup.c', 'gup_fast_fallback()'),
    ]),
  ),
  flag(
    'FOLL_NOFAULT',
    'Never fault: if a page is missing or must be unshared, `faultin_page()` returns -EFAULT instead of faulting.',
    stable('FOLL_NOFAULT', 'Allowed on GUP-fast.', 'Allowed on GUP-fast. A R/O long-term pin that would need unsharing fails with -EFAULT instead.', false, [
      in61('mm/gup.c', 'faultin_page()'),
      in612('mm/gup.c', 'faultin_page()'),
    ]),
  ),
  flag(
    'FOLL_HWPOISON',
    'Report -EHWPOISON instead of -EFAULT for a poisoned page.',
    stable('FOLL_HWPOISON', 'Public flag.', 'Public flag; not allowed on GUP-fast.'),
  ),
  flag(
    'FOLL_ANON',
    'Refuse non-anonymous mappings (-EFAULT from `check_vma_flags()`); used for /proc/pid/cmdline and environ.',
    stable('FOLL_ANON', 'Public flag.', 'Public flag; not allowed on GUP-fast.', false, [in61('mm/gup.c', 'check_vma_flags()'), in612('mm/gup.c', 'check_vma_flags()')]),
  ),
  flag(
    'FOLL_DUMP',
    'Core-dump mode: holes, the zeropage and the huge zeropage give -EFAULT instead of being allocated. `get_dump_page()` uses FOLL_FORCE|FOLL_DUMP|FOLL_GET.',
    stable('FOLL_DUMP', 'Public flag.', 'Public flag; not allowed on GUP-fast.', false, [in61('mm/gup.c', 'get_dump_page()'), in612('mm/gup.c', 'get_dump_page()')]),
  ),
  flag(
    'FOLL_SPLIT_PMD',
    'Split a PMD-mapped THP before returning the PTE-level page (uprobes, make_device_exclusive).',
    stable('FOLL_SPLIT_PMD', 'Public flag.', 'Public flag; rejected on hugetlb vmas (-EOPNOTSUPP, `check_vma_flags()`); not allowed on GUP-fast.', false, [in612('mm/gup.c', 'check_vma_flags()')]),
  ),
  flag(
    'FOLL_MIGRATION',
    'Wait on a migration entry instead of failing (follow_page() users).',
    [
      { until: '6.2', text: 'Exists.', refs: [DEF_61('FOLL_MIGRATION')] },
      { from: '6.2', absent: true, text: 'Removed (absent from 6.12).', refs: [] },
    ],
    [{ version: '6.2', text: 'Removed (absent from 6.12).', verified: false }],
  ),
  flag(
    'FOLL_PCI_P2PDMA',
    'Allow GUP to return PCI peer-to-peer DMA pages; without it such pages fail with -EREMOTEIO.',
    [
      { until: '6.2', absent: true, text: 'Does not exist yet.', refs: [] },
      { from: '6.2', text: 'Public flag. FOLL_LONGTERM|FOLL_PCI_P2PDMA is rejected (`is_valid_gup_args()`).', refs: [PUBLIC_612('FOLL_PCI_P2PDMA'), in612('mm/gup.c', 'is_valid_gup_args()')] },
    ],
    [{ version: '6.2', text: 'Added.', verified: false }],
  ),
  flag(
    'FOLL_INTERRUPTIBLE',
    'Let non-fatal signals interrupt faults (FAULT_FLAG_INTERRUPTIBLE); used by KVM.',
    [
      { until: '6.2', absent: true, text: 'Does not exist yet.', refs: [] },
      { from: '6.2', text: 'Public flag; not allowed on GUP-fast.', refs: [PUBLIC_612('FOLL_INTERRUPTIBLE')] },
    ],
    [{ version: '6.2', text: 'Added.', verified: false }],
  ),
  flag(
    'FOLL_HONOR_NUMA_FAULT',
    'Trigger NUMA-hinting faults on PROT_NONE-hinted entries instead of following them.',
    [
      { until: '6.5', absent: true, text: 'Does not exist; 6.1 never follows a NUMA-hinting entry unless FOLL_FORCE (`gup_can_follow_protnone()`).', refs: [in61('include/linux/mm.h', 'gup_can_follow_protnone()')] },
      { from: '6.5', text: 'Public flag (`gup_can_follow_protnone()`).', refs: [PUBLIC_612('FOLL_HONOR_NUMA_FAULT'), in612('include/linux/mm.h', 'gup_can_follow_protnone()')] },
    ],
    [{ version: '6.5', text: 'Added.', verified: false }],
  ),
  flag(
    'FOLL_UNLOCKABLE',
    'Internal: GUP may drop the mmap lock (VM_FAULT_RETRY handling).',
    [
      { until: '6.3', absent: true, text: 'Does not exist; 6.1 uses a non-NULL `int *locked` argument instead.', refs: [] },
      { from: '6.3', text: 'Internal flag (mm/internal.h), set when the caller passes `locked` or by the `*_unlocked` variants and the GUP-fast fallback.', refs: [INTERNAL_612('FOLL_UNLOCKABLE')] },
    ],
    [{ version: '6.3', text: 'Added.', verified: false }],
  ),
  flag(
    'FOLL_MADV_POPULATE',
    'Internal: MADV_POPULATE_READ/WRITE semantics for vma lookup and error codes.',
    [
      { until: '6.9', absent: true, text: 'Does not exist.', refs: [] },
      { from: '6.9', text: 'Internal flag (mm/internal.h).', refs: [INTERNAL_612('FOLL_MADV_POPULATE')] },
    ],
    [{ version: '6.9', text: 'Added.', verified: false }],
  ),
  flag(
    'FOLL_COW',
    'Dirty-COW-era marker meaning "COW already broken" for FOLL_FORCE writes.',
    [{ from: '6.0', absent: true, text: 'Removed in 6.0 (CVE-2022-2590 fix); code that uses it predates 6.0.', refs: [] }, { until: '6.0', text: 'Exists.', refs: [] }],
    [{ version: '6.0', text: 'Removed; `can_follow_write_pte()` checks PageAnonExclusive instead.', verified: false }],
  ),
  flag(
    'FOLL_NUMA',
    'Old NUMA-hinting flag.',
    [{ from: '6.1', absent: true, text: 'Gone; replaced by `gup_can_follow_protnone()`.', refs: [in61('include/linux/mm.h', 'gup_can_follow_protnone()')] }, { until: '6.1', text: 'Exists.', refs: [] }],
  ),
];
