// The one table of GUP/PUP entry points: their arguments and what each adds or rejects, per kernel
// version. Built from the declarations of Debian's 6.1.192 and 6.12.117 trees (include/linux/mm.h,
// include/linux/ptrace.h) and from the entry points' bodies in mm/gup.c; test/corpus checks the
// argument lists against both trees' declarations.
//
// Two things change with the version, independently:
// - the signature: the `vmas` argument of get_user_pages{,_remote} / pin_user_pages{,_remote} went
//   away in 6.5 (Lorenzo Stoakes' series; [R] recalled, both ends verified in the trees);
// - the argument checks: 6.1 checks ad hoc (`is_valid_gup_flags()`, mm/gup.c:2171, and checks in
//   each pin_* body); from 6.3 every exported entry point calls `is_valid_gup_args()` (6.12
//   mm/gup.c:2595) ([R] for 6.3, verified in 6.12).
import type { EntryFamily } from './types.js';
import { kernelAtLeast } from './kernel-version.js';

/** A flag the caller must not pass: the entry point WARNs and fails. */
export interface Rejection {
  flag: string;
  /** What the call then returns, e.g. "WARN_ON_ONCE, -EINVAL". */
  result: string;
  /** Where the check lives, for hovers and messages. */
  check: string;
  /** Refused only when this argument is passed non-NULL (6.1's FOLL_LONGTERM with `locked`). */
  whenArg?: string;
}

/** The usual refusal: WARN_ON_ONCE() and -EINVAL, by the check in `check`. */
function einval(flag: string, check: string): Rejection {
  return { flag, result: 'WARN_ON_ONCE, -EINVAL', check };
}

interface SignatureBand {
  from: string;
  params: readonly string[];
  source: string;
}

interface ChecksBand {
  from: string;
  /** Flags the entry point ORs in itself. */
  adds: readonly string[];
  /** Added only when the `pages` argument is not NULL (the slow path adds FOLL_GET then). */
  addsWithPages?: readonly string[];
  rejects: readonly Rejection[];
  /** GUP-fast accepts only these caller flags; any other WARNs and fails. */
  fastAllowed?: readonly string[];
  source: string;
}

export interface EntryPoint {
  name: string;
  family: EntryFamily;
  /** Takes FOLL_PIN references (released with unpin_user_page*()). */
  pins: boolean;
  /** The GUP-fast flavour (lockless walk first). */
  fast: boolean;
  /** First kernel that has it, when later than 6.1. */
  since?: string;
  /** First kernel that no longer has it. */
  removedIn?: string;
  /** The pin_user_pages* entry point with the same arguments (for get_user_pages* ones). */
  pinCounterpart?: string;
  signatures: readonly SignatureBand[];
  checks: readonly ChecksBand[];
  summary: string;
}

/** What an entry point is on one kernel version: what the hover shows and the rules use. */
export interface ResolvedEntryPoint {
  name: string;
  family: EntryFamily;
  pins: boolean;
  fast: boolean;
  kernel: string;
  /** False when the entry point does not exist on that kernel (then the rest is the nearest band). */
  exists: boolean;
  params: readonly string[];
  flagsArg?: number;
  pagesArg?: number;
  adds: readonly string[];
  addsWithPages: readonly string[];
  rejects: readonly Rejection[];
  fastAllowed?: readonly string[];
  pinCounterpart?: string;
  summary: string;
  source: string;
}

// 5.10: the same `is_valid_gup_flags()` (5.10 mm/gup.c:1772) and pin_* checks as 6.1; GUP-fast's
// allow-list (internal_get_user_pages_fast(), 5.10 mm/gup.c:2732) has no FOLL_NOFAULT, which came
// with 55b8fe703bc5 "gup: Introduce FOLL_NOFAULT flag to disable page faults" (5.16 [release recalled]).
const FAST_510 = ['FOLL_WRITE', 'FOLL_LONGTERM', 'FOLL_FORCE', 'FOLL_PIN', 'FOLL_GET', 'FOLL_FAST_ONLY'];
// 5.10 and 6.1: __get_user_pages_remote() refuses FOLL_LONGTERM together with a `locked` pointer
// (5.10 mm/gup.c:1792, 6.1 mm/gup.c:2204); from 6.3 is_valid_gup_args() allows it (FOLL_UNLOCKABLE).
const LONGTERM_WITH_LOCKED: Rejection = {
  flag: 'FOLL_LONGTERM',
  result: 'WARN_ON_ONCE, -EINVAL',
  check: '__get_user_pages_remote() refuses FOLL_LONGTERM with a `locked` pointer (6.1 mm/gup.c:2204; 5.10 mm/gup.c:1792)',
  whenArg: 'locked',
};

// 6.1: `is_valid_gup_flags()` (mm/gup.c:2171) WARNs and fails on FOLL_PIN and FOLL_LONGTERM for
// the get_user_pages* family.
const GET_61: Rejection[] = [
  einval('FOLL_PIN', 'is_valid_gup_flags() (6.1 mm/gup.c:2171)'),
  einval('FOLL_LONGTERM', 'is_valid_gup_flags() (6.1 mm/gup.c:2171)'),
];
// 6.1: every pin_user_pages* body WARNs on FOLL_GET (e.g. pin_user_pages(), mm/gup.c:3304).
const PIN_61: Rejection[] = [
  einval('FOLL_GET', 'pin_user_pages*() (6.1 mm/gup.c)'),
];
// 6.1: internal_get_user_pages_fast() (mm/gup.c:3038) allow-list.
const FAST_61 = ['FOLL_WRITE', 'FOLL_LONGTERM', 'FOLL_FORCE', 'FOLL_PIN', 'FOLL_GET', 'FOLL_FAST_ONLY', 'FOLL_NOFAULT'];

// 6.3+: is_valid_gup_args() (6.12 mm/gup.c:2595) rejects INTERNAL_GUP_FLAGS (6.12 mm/internal.h:1349),
// FOLL_LONGTERM without FOLL_PIN, FOLL_PIN together with FOLL_GET.
const INTERNAL_612 = ['FOLL_TOUCH', 'FOLL_TRIED', 'FOLL_REMOTE', 'FOLL_PIN', 'FOLL_FAST_ONLY', 'FOLL_UNLOCKABLE', 'FOLL_MADV_POPULATE'];
function validGupArgs(result: string, extra: Rejection[] = []): Rejection[] {
  const check = 'is_valid_gup_args() (6.12 mm/gup.c:2595)';
  return [...INTERNAL_612.map((flag) => ({ flag, result, check })), ...extra];
}
const GET_612 = validGupArgs('WARN_ON_ONCE, -EINVAL', [
  einval('FOLL_LONGTERM', 'is_valid_gup_args(): FOLL_LONGTERM needs FOLL_PIN (6.12 mm/gup.c:2624)'),
]);
const PIN_612_EINVAL = validGupArgs('WARN_ON_ONCE, -EINVAL', [
  einval('FOLL_GET', 'is_valid_gup_args(): FOLL_PIN and FOLL_GET are exclusive (6.12 mm/gup.c:2619)'),
]);
const PIN_612_ZERO = validGupArgs('WARN_ON_ONCE, returns 0', [
  { flag: 'FOLL_GET', result: 'WARN_ON_ONCE, returns 0', check: 'is_valid_gup_args(): FOLL_PIN and FOLL_GET are exclusive (6.12 mm/gup.c:2619)' },
]);
// 6.12: gup_fast_fallback() (mm/gup.c:3437) allow-list.
const FAST_612 = [...FAST_61, 'FOLL_PCI_P2PDMA', 'FOLL_HONOR_NUMA_FAULT'];
const FAST_SOURCE_510 = '5.10 mm/gup.c:2732 (internal_get_user_pages_fast())';

/**
 * A GUP-fast entry point's checks in the three eras of the allow-list: 5.10's, 6.1's (FOLL_NOFAULT,
 * from 5.16) with the same ad hoc checks, and 6.12's (from 6.3, with is_valid_gup_args()).
 */
function fastChecks(adds: readonly string[], rejects61: readonly Rejection[], rejects612: readonly Rejection[], source61: string, source612: string): ChecksBand[] {
  return [
    { from: '5.6', adds, rejects: rejects61, fastAllowed: FAST_510, source: FAST_SOURCE_510 },
    { from: '5.16', adds, rejects: rejects61, fastAllowed: FAST_61, source: source61 },
    { from: '6.3', adds, rejects: rejects612, fastAllowed: FAST_612, source: source612 },
  ];
}

// get_user_page_vma_remote() (6.12 include/linux/mm.h:2546, 7.3 :3345) refuses FOLL_NOWAIT itself, then
// calls get_user_pages_remote(); copy_remote_vm_str() goes through it too (7.3 mm/memory.c:7381).
const VMA_REMOTE_REJECTS: Rejection[] = [
  ...GET_612,
  { flag: 'FOLL_NOWAIT', result: 'WARN_ON_ONCE, ERR_PTR(-EINVAL)', check: 'get_user_page_vma_remote() (6.12 include/linux/mm.h:2555)' },
];

const SIG_REMOTE = (from61: string, from612: string): SignatureBand[] => [
  { from: '5.6', params: ['mm', 'start', 'nr_pages', 'gup_flags', 'pages', 'vmas', 'locked'], source: from61 },
  { from: '6.5', params: ['mm', 'start', 'nr_pages', 'gup_flags', 'pages', 'locked'], source: from612 },
];
const SIG_LOCKED = (from61: string, from612: string): SignatureBand[] => [
  { from: '5.6', params: ['start', 'nr_pages', 'gup_flags', 'pages', 'vmas'], source: from61 },
  { from: '6.5', params: ['start', 'nr_pages', 'gup_flags', 'pages'], source: from612 },
];
const SIG_UNLOCKED = (source: string): SignatureBand[] => [{ from: '5.6', params: ['start', 'nr_pages', 'pages', 'gup_flags'], source }];
const SIG_FAST = (source: string): SignatureBand[] => [{ from: '5.6', params: ['start', 'nr_pages', 'gup_flags', 'pages'], source }];
const SIG_ACCESS = (first: string, source: string): SignatureBand[] => [
  { from: '5.6', params: [first, 'addr', 'buf', 'len', 'gup_flags'], source },
];

// The debugger family reaches get_user_pages_remote() through __access_remote_vm()
// (6.1 mm/memory.c:5723; 6.12 via get_user_page_vma_remote(), mm/memory.c:6627).
const ACCESS_CHECKS: ChecksBand[] = [
  { from: '5.6', adds: ['FOLL_TOUCH', 'FOLL_REMOTE', 'FOLL_GET'], rejects: GET_61, source: '__access_remote_vm() -> get_user_pages_remote() (6.1 mm/memory.c:5723)' },
  { from: '6.3', adds: ['FOLL_TOUCH', 'FOLL_REMOTE', 'FOLL_GET'], rejects: GET_612, source: '__access_remote_vm() -> get_user_page_vma_remote() (6.12 mm/memory.c:6627)' },
];

export const ENTRY_POINTS: readonly EntryPoint[] = [
  {
    name: 'get_user_pages',
    family: 'gup',
    pins: false,
    fast: false,
    pinCounterpart: 'pin_user_pages',
    summary: 'Takes page references (FOLL_GET) on the current mm; the caller holds mmap_lock. Release with put_page().',
    signatures: SIG_LOCKED('6.1 include/linux/mm.h:2095', '6.12 include/linux/mm.h:2573'),
    checks: [
      { from: '5.6', adds: ['FOLL_TOUCH'], addsWithPages: ['FOLL_GET'], rejects: GET_61, source: '6.1 mm/gup.c:2327' },
      { from: '6.3', adds: ['FOLL_TOUCH'], addsWithPages: ['FOLL_GET'], rejects: GET_612, source: '6.12 mm/gup.c:2739' },
    ],
  },
  {
    name: 'get_user_pages_remote',
    family: 'gup',
    pins: false,
    fast: false,
    pinCounterpart: 'pin_user_pages_remote',
    summary: 'Takes page references (FOLL_GET) on another mm; the caller holds its mmap_lock. Release with put_page().',
    signatures: SIG_REMOTE('6.1 include/linux/mm.h:2087', '6.12 include/linux/mm.h:2534'),
    checks: [
      { from: '5.6', adds: ['FOLL_TOUCH', 'FOLL_REMOTE'], addsWithPages: ['FOLL_GET'], rejects: GET_61, source: '6.1 mm/gup.c:2280' },
      { from: '6.3', adds: ['FOLL_TOUCH', 'FOLL_REMOTE'], addsWithPages: ['FOLL_GET'], rejects: GET_612, source: '6.12 mm/gup.c:2698' },
    ],
  },
  {
    name: 'get_user_pages_unlocked',
    family: 'gup',
    pins: false,
    fast: false,
    pinCounterpart: 'pin_user_pages_unlocked',
    summary: 'Takes page references (FOLL_GET); takes mmap_lock itself. Release with put_page().',
    signatures: SIG_UNLOCKED('6.1 include/linux/mm.h:2101; 6.12 include/linux/mm.h:2577'),
    checks: [
      {
        from: '5.6',
        adds: ['FOLL_TOUCH'],
        addsWithPages: ['FOLL_GET'],
        // 6.1 allows FOLL_PIN here: pin_user_pages_unlocked() calls it with FOLL_PIN set.
        rejects: [einval('FOLL_LONGTERM', 'get_user_pages_unlocked() (6.1 mm/gup.c:2367)')],
        source: '6.1 mm/gup.c:2354',
      },
      { from: '6.3', adds: ['FOLL_TOUCH', 'FOLL_UNLOCKABLE'], addsWithPages: ['FOLL_GET'], rejects: GET_612, source: '6.12 mm/gup.c:2767' },
    ],
  },
  {
    name: 'get_user_pages_fast',
    family: 'gup',
    pins: false,
    fast: true,
    pinCounterpart: 'pin_user_pages_fast',
    summary: 'GUP-fast: takes page references (FOLL_GET) without mmap_lock, falling back to the slow path. Release with put_page().',
    signatures: SIG_FAST('6.1 include/linux/mm.h:2106; 6.12 include/linux/mm.h:2585'),
    checks: fastChecks(['FOLL_GET'], GET_61, GET_612, '6.1 mm/gup.c:3151', '6.12 mm/gup.c:3540'),
  },
  {
    name: 'get_user_pages_fast_only',
    family: 'gup',
    pins: false,
    fast: true,
    pinCounterpart: 'pin_user_pages_fast_only',
    summary: 'GUP-fast without fallback to the slow path: may return fewer pages. Release with put_page().',
    signatures: SIG_FAST('6.1 include/linux/mm.h:2162; 6.12 include/linux/mm.h:2636'),
    checks: fastChecks(['FOLL_GET', 'FOLL_FAST_ONLY'], [], GET_612, '6.1 mm/gup.c:3106', '6.12 mm/gup.c:3506'),
  },
  {
    name: 'get_user_page_fast_only',
    family: 'gup',
    pins: false,
    fast: true,
    summary: 'One page through get_user_pages_fast_only() (static inline in include/linux/mm.h). Release with put_page().',
    signatures: [{ from: '5.6', params: ['addr', 'gup_flags', 'pagep'], source: '6.1 include/linux/mm.h:2167; 6.12 include/linux/mm.h:2639' }],
    checks: fastChecks(['FOLL_GET', 'FOLL_FAST_ONLY'], [], GET_612, '6.1 include/linux/mm.h:2167', '6.12 include/linux/mm.h:2639'),
  },
  {
    name: 'get_user_page_vma_remote',
    family: 'gup',
    pins: false,
    fast: false,
    since: '6.5',
    summary: 'One page and its VMA from another mm, through get_user_pages_remote(). Release with put_page().',
    signatures: [{ from: '5.6', params: ['mm', 'addr', 'gup_flags', 'vmap'], source: '6.12 include/linux/mm.h:2546' }],
    checks: [
      {
        from: '5.6',
        adds: ['FOLL_TOUCH', 'FOLL_REMOTE', 'FOLL_GET'],
        rejects: VMA_REMOTE_REJECTS,
        source: '6.12 include/linux/mm.h:2546',
      },
    ],
  },
  {
    name: 'get_user_pages_locked',
    family: 'gup',
    pins: false,
    fast: false,
    // In 5.10 (include/linux/mm.h:1767, mm/gup.c:1972), absent from 6.1.192; removed in between
    // (release not verified).
    removedIn: '6.1',
    pinCounterpart: 'pin_user_pages_locked',
    summary: 'Takes page references (FOLL_GET) on the current mm with mmap_lock held; may drop it (`*locked`). Release with put_page().',
    signatures: [{ from: '5.6', params: ['start', 'nr_pages', 'gup_flags', 'pages', 'locked'], source: '5.10 include/linux/mm.h:1767' }],
    checks: [
      {
        from: '5.6',
        adds: ['FOLL_TOUCH'],
        addsWithPages: ['FOLL_GET'],
        rejects: [
          einval('FOLL_LONGTERM', 'get_user_pages_locked() (5.10 mm/gup.c:1982)'),
          einval('FOLL_PIN', 'get_user_pages_locked() (5.10 mm/gup.c:1988)'),
        ],
        source: '5.10 mm/gup.c:1972',
      },
    ],
  },
  {
    name: 'pin_user_pages_locked',
    family: 'pup',
    pins: true,
    fast: false,
    removedIn: '6.1',
    summary: 'Takes FOLL_PIN pins on the current mm with mmap_lock held; may drop it (`*locked`). Release with unpin_user_page*().',
    signatures: [{ from: '5.6', params: ['start', 'nr_pages', 'gup_flags', 'pages', 'locked'], source: '5.10 include/linux/mm.h:1769' }],
    checks: [
      {
        from: '5.6',
        adds: ['FOLL_PIN', 'FOLL_TOUCH'],
        rejects: [
          einval('FOLL_LONGTERM', 'pin_user_pages_locked() (5.10 mm/gup.c:3028)'),
          einval('FOLL_GET', 'pin_user_pages_locked() (5.10 mm/gup.c:3032)'),
        ],
        source: '5.10 mm/gup.c:3018',
      },
    ],
  },
  {
    name: 'pin_user_pages',
    family: 'pup',
    pins: true,
    fast: false,
    summary: 'Takes FOLL_PIN pins on the current mm; the caller holds mmap_lock. Release with unpin_user_page*().',
    signatures: SIG_LOCKED('6.1 include/linux/mm.h:2098', '6.12 include/linux/mm.h:2575'),
    checks: [
      { from: '5.6', adds: ['FOLL_PIN'], rejects: PIN_61, source: '6.1 mm/gup.c:3304' },
      { from: '6.3', adds: ['FOLL_PIN'], rejects: PIN_612_ZERO, source: '6.12 mm/gup.c:3640' },
    ],
  },
  {
    name: 'pin_user_pages_remote',
    family: 'pup',
    pins: true,
    fast: false,
    summary: 'Takes FOLL_PIN pins on another mm; the caller holds its mmap_lock. Release with unpin_user_page*().',
    signatures: SIG_REMOTE('6.1 include/linux/mm.h:2091', '6.12 include/linux/mm.h:2538'),
    checks: [
      { from: '5.6', adds: ['FOLL_PIN', 'FOLL_TOUCH', 'FOLL_REMOTE'], rejects: [...PIN_61, LONGTERM_WITH_LOCKED], source: '6.1 mm/gup.c:3266; 5.10 mm/gup.c:2949' },
      { from: '6.3', adds: ['FOLL_PIN', 'FOLL_TOUCH', 'FOLL_REMOTE'], rejects: PIN_612_ZERO, source: '6.12 mm/gup.c:3606' },
    ],
  },
  {
    name: 'pin_user_pages_unlocked',
    family: 'pup',
    pins: true,
    fast: false,
    summary: 'Takes FOLL_PIN pins; takes mmap_lock itself. Release with unpin_user_page*().',
    signatures: SIG_UNLOCKED('6.1 include/linux/mm.h:2103; 6.12 include/linux/mm.h:2579'),
    checks: [
      {
        from: '5.6',
        adds: ['FOLL_PIN', 'FOLL_TOUCH'],
        rejects: [
          ...PIN_61,
          einval('FOLL_LONGTERM', 'get_user_pages_unlocked() (6.1 mm/gup.c:2367)'),
        ],
        source: '6.1 mm/gup.c:3329',
      },
      { from: '6.3', adds: ['FOLL_PIN', 'FOLL_TOUCH', 'FOLL_UNLOCKABLE'], rejects: PIN_612_ZERO, source: '6.12 mm/gup.c:3660' },
    ],
  },
  {
    name: 'pin_user_pages_fast',
    family: 'pup',
    pins: true,
    fast: true,
    summary: 'GUP-fast with FOLL_PIN pins, falling back to the slow path. Release with unpin_user_page*().',
    signatures: SIG_FAST('6.1 include/linux/mm.h:2108; 6.12 include/linux/mm.h:2587'),
    checks: fastChecks(['FOLL_PIN'], PIN_61, PIN_612_EINVAL, '6.1 mm/gup.c:3187', '6.12 mm/gup.c:3574'),
  },
  {
    name: 'pin_user_pages_fast_only',
    family: 'pup',
    pins: true,
    fast: true,
    removedIn: '6.3',
    summary: 'GUP-fast with FOLL_PIN pins and no slow-path fallback. Release with unpin_user_page*().',
    signatures: SIG_FAST('6.1 include/linux/mm.h:2164'),
    checks: [
      {
        from: '5.6',
        adds: ['FOLL_PIN', 'FOLL_FAST_ONLY'],
        rejects: [{ flag: 'FOLL_GET', result: 'WARN_ON_ONCE, returns 0', check: 'pin_user_pages_fast_only() (5.10 mm/gup.c:2896)' }],
        fastAllowed: FAST_510,
        source: '5.10 mm/gup.c:2896',
      },
      {
        from: '5.16',
        adds: ['FOLL_PIN', 'FOLL_FAST_ONLY'],
        rejects: [{ flag: 'FOLL_GET', result: 'WARN_ON_ONCE, returns 0', check: 'pin_user_pages_fast_only() (6.1 mm/gup.c:3208)' }],
        fastAllowed: FAST_61,
        source: '6.1 mm/gup.c:3208',
      },
    ],
  },
  {
    name: 'memfd_pin_folios',
    family: 'pup',
    pins: true,
    fast: false,
    since: '6.11',
    summary: 'Pins the page-cache folios of a shmem or hugetlbfs memfd by file offset, with FOLL_LONGTERM semantics. Release with unpin_folios().',
    signatures: [{ from: '5.6', params: ['memfd', 'start', 'end', 'folios', 'max_folios', 'offset'], source: '6.12 include/linux/mm.h:2581' }],
    checks: [{ from: '5.6', adds: ['FOLL_PIN', 'FOLL_LONGTERM'], rejects: [], source: '6.12 mm/gup.c:3700' }],
  },
  {
    name: 'folio_add_pins',
    family: 'pup',
    pins: true,
    fast: false,
    // a2ad1b8101a3 "mm/gup: Add folio_add_pins()" (for iommufd; 6.14 [release recalled]); in 7.2 and
    // 7.3 (mm/gup.c:3551), not in 6.12.
    since: '6.14',
    summary: 'Adds pins to a folio already pinned (e.g. by memfd_pin_folios()). Release with unpin_folio().',
    signatures: [{ from: '5.6', params: ['folio', 'pins'], source: '7.3 include/linux/mm.h:3383' }],
    checks: [{ from: '5.6', adds: ['FOLL_PIN'], rejects: [], source: '7.3 mm/gup.c:3551' }],
  },
  {
    name: 'copy_remote_vm_str',
    family: 'debugger',
    pins: false,
    fast: false,
    // "mm: add copy_remote_vm_str()" (for BPF; 6.15 [release recalled]); in 7.2 and 7.3, not in
    // 6.12. Its callers (kernel/bpf/helpers.c, kernel/trace/bpf_trace.c in 7.3) pass flags 0.
    since: '6.15',
    summary: 'Copies a NUL-terminated string from another task\'s memory (BPF helpers); debugger-style access.',
    signatures: [{ from: '5.6', params: ['tsk', 'addr', 'buf', 'len', 'gup_flags'], source: '7.3 include/linux/mm.h:3329' }],
    checks: [{ from: '5.6', adds: ['FOLL_TOUCH', 'FOLL_REMOTE', 'FOLL_GET'], rejects: VMA_REMOTE_REJECTS, source: '__copy_remote_vm_str() -> get_user_page_vma_remote() (7.3 mm/memory.c:7355)' }],
  },
  {
    name: 'access_process_vm',
    family: 'debugger',
    pins: false,
    fast: false,
    summary: 'Debugger-style copy to/from another task\'s memory (ptrace, /proc/pid/cmdline); FOLL_FORCE is legitimate here.',
    signatures: SIG_ACCESS('tsk', '6.1 include/linux/mm.h:2080; 6.12 include/linux/mm.h:2529'),
    checks: ACCESS_CHECKS,
  },
  {
    name: 'access_remote_vm',
    family: 'debugger',
    pins: false,
    fast: false,
    summary: 'Debugger-style copy to/from another mm (/proc/pid/mem, environ); FOLL_FORCE is legitimate here.',
    signatures: SIG_ACCESS('mm', '6.1 include/linux/mm.h:2082; 6.12 include/linux/mm.h:2531'),
    checks: ACCESS_CHECKS,
  },
  {
    name: '__access_remote_vm',
    family: 'debugger',
    pins: false,
    fast: false,
    summary: 'The worker behind access_remote_vm() and ptrace_access_vm().',
    // 5.10 still has a leading task argument (5.10 include/linux/mm.h:1750, mm/memory.c:5013); 6.1
    // has none. The change lies between those trees (release not verified).
    signatures: [
      { from: '5.6', params: ['tsk', 'mm', 'addr', 'buf', 'len', 'gup_flags'], source: '5.10 include/linux/mm.h:1750' },
      ...SIG_ACCESS('mm', '6.1 include/linux/mm.h:2084; 6.12 mm/memory.c:6606 (static)').map((b) => ({ ...b, from: '6.1' })),
    ],
    checks: ACCESS_CHECKS,
  },
  {
    name: 'ptrace_access_vm',
    family: 'debugger',
    pins: false,
    fast: false,
    summary: 'ptrace PEEK/POKE access to a traced task\'s memory; FOLL_FORCE is legitimate here.',
    signatures: SIG_ACCESS('tsk', '6.1 include/linux/ptrace.h:20; 6.12 include/linux/ptrace.h:20'),
    checks: ACCESS_CHECKS,
  },
];

const BY_NAME = new Map(ENTRY_POINTS.map((e) => [e.name, e]));

export function isEntryPointName(name: string): boolean {
  return BY_NAME.has(name);
}

function band<T extends { from: string }>(bands: readonly T[], kernel: string): T {
  let chosen = bands[0]!;
  for (const b of bands) if (kernelAtLeast(kernel, b.from)) chosen = b;
  return chosen;
}

/** The entry point `name` as it is on `kernel` ("6.1", "6.12", ...); undefined for other names. */
export function entryPointAt(name: string, kernel: string): ResolvedEntryPoint | undefined {
  const entry = BY_NAME.get(name);
  if (!entry) return undefined;
  const signature = band(entry.signatures, kernel);
  const checks = band(entry.checks, kernel);
  const exists =
    (entry.since === undefined || kernelAtLeast(kernel, entry.since)) &&
    (entry.removedIn === undefined || !kernelAtLeast(kernel, entry.removedIn));
  const flagsArg = signature.params.indexOf('gup_flags');
  const pagesArg = signature.params.findIndex((p) => p === 'pages' || p === 'pagep' || p === 'folios');
  return {
    name: entry.name,
    family: entry.family,
    pins: entry.pins,
    fast: entry.fast,
    kernel,
    exists,
    params: signature.params,
    flagsArg: flagsArg >= 0 ? flagsArg : undefined,
    pagesArg: pagesArg >= 0 ? pagesArg : undefined,
    adds: checks.adds,
    addsWithPages: checks.addsWithPages ?? [],
    rejects: checks.rejects,
    fastAllowed: checks.fastAllowed,
    pinCounterpart: entry.pinCounterpart,
    summary: entry.summary,
    source: `${signature.source}; ${checks.source}`,
  };
}

/** Functions that release what the entry points took, by the kind of reference they drop. */
export const RELEASES = {
  /** Drop FOLL_GET references. */
  get: ['put_page', 'release_pages', 'put_user_page', 'folio_put'],
  /** Drop FOLL_PIN pins (6.1 mm/gup.c:unpin_user_page*, 6.12 adds unpin_folio*). */
  pin: ['unpin_user_page', 'unpin_user_pages', 'unpin_user_pages_dirty_lock', 'unpin_user_page_range_dirty_lock', 'unpin_folio', 'unpin_folios'],
} as const;

/** Every entry-point name, for the byte prefilter of whole-tree scans. */
export const ENTRY_POINT_NAMES: readonly string[] = ENTRY_POINTS.map((e) => e.name);

const MENTION = new RegExp(`\\b(?:${[...ENTRY_POINT_NAMES].sort((a, b) => b.length - a.length).join('|')})\\s*\\(`);

/** Whether the text can hold a call of an entry point (a cheap test before parsing or walking). */
export function mentionsEntryPoint(text: string): boolean {
  return MENTION.test(text);
}
