// GUP/PUP entry points: signature, what each adds and rejects, and where it is defined, per
// kernel version. Read in mm/gup.c and include/linux/mm.h of Debian's 6.1 and 6.12 trees.
import { in61, in612 } from './refs.js';
import type { Change, Era, SymbolDoc } from './types.js';

function entry(name: string, summary: string, eras: Era[], changes: Change[] = []): SymbolDoc {
  return { name, kind: 'entry-point', summary, eras, changes };
}

const VMAS_REMOVED: Change = {
  version: '6.5',
  text: 'The `vmas` argument was removed from the get_user_pages*/pin_user_pages* family; the flags argument moved one place for the 7- and 5-argument forms.',
  verified: false,
};
const ARGS_CENTRALISED: Change = {
  version: '6.3',
  text: 'Argument checks moved into `is_valid_gup_args()`: internal flags (FOLL_PIN, FOLL_TOUCH, FOLL_REMOTE, ...) passed by a caller are rejected with a WARN.',
  verified: false,
};
const RELIABLE_RO: Change = {
  version: '6.2',
  text: 'A read-only FOLL_LONGTERM pin unshares non-anonymous pages (zeropage, huge zeropage, page cache, hugetlb) in COW mappings first: reliable without FOLL_FORCE|FOLL_WRITE.',
  verified: true,
};
const RELIABLE_RO_FAST: Change = {
  ...RELIABLE_RO,
  text: `${RELIABLE_RO.text} GUP-fast sees no vma, so \`gup_must_unshare(NULL, ...)\` says yes and the page is left to the slow path.`,
};

/** One function defined in mm/gup.c of both trees, with different text per tree. */
function gupC(fn: string, text61: string, text612: string): Era[] {
  return [
    { until: '6.2', text: text61, refs: [in61('mm/gup.c', `${fn}()`), in61('include/linux/mm.h', `${fn}()`)] },
    { from: '6.2', text: text612, refs: [in612('mm/gup.c', `${fn}()`), in612('include/linux/mm.h', `${fn}()`)] },
  ];
}

export const ENTRY_POINT_DOCS: SymbolDoc[] = [
  entry(
    'get_user_pages',
    'Take plain references (FOLL_GET) on pages of the current process; the caller holds the mmap lock.',
    gupC(
      'get_user_pages',
      '`get_user_pages(start, nr_pages, gup_flags, pages, vmas)` (5 args). Adds FOLL_TOUCH (and FOLL_GET when `pages`); rejects FOLL_PIN and FOLL_LONGTERM (WARN, -EINVAL, `is_valid_gup_flags()`). Never unshares: R/O references see a snapshot.',
      '`get_user_pages(start, nr_pages, gup_flags, pages)` (4 args from 6.5). Adds FOLL_TOUCH; `is_valid_gup_args()` rejects internal flags and FOLL_LONGTERM (needs FOLL_PIN) with -EINVAL.',
    ),
    [ARGS_CENTRALISED, VMAS_REMOVED],
  ),
  entry(
    'get_user_pages_remote',
    'Take plain references on pages of another mm (ptrace, /proc/pid/mem, uprobes, exec arguments).',
    gupC(
      'get_user_pages_remote',
      '`get_user_pages_remote(mm, start, nr_pages, gup_flags, pages, vmas, locked)` (7 args). Adds FOLL_TOUCH|FOLL_REMOTE (+FOLL_GET); rejects FOLL_PIN and FOLL_LONGTERM (`is_valid_gup_flags()`).',
      '`get_user_pages_remote(mm, start, nr_pages, gup_flags, pages, locked)` (6 args from 6.5). Adds FOLL_TOUCH|FOLL_REMOTE; rejects internal flags and FOLL_LONGTERM (-EINVAL).',
    ),
    [ARGS_CENTRALISED, VMAS_REMOVED],
  ),
  entry(
    'get_user_pages_unlocked',
    'get_user_pages() that takes the mmap lock itself. Note the argument order: `pages` before `gup_flags`.',
    gupC(
      'get_user_pages_unlocked',
      '`get_user_pages_unlocked(start, nr_pages, pages, gup_flags)`. Adds FOLL_TOUCH; rejects FOLL_LONGTERM (WARN, -EINVAL).',
      '`get_user_pages_unlocked(start, nr_pages, pages, gup_flags)`. Adds FOLL_TOUCH|FOLL_UNLOCKABLE; rejects internal flags and FOLL_LONGTERM (-EINVAL).',
    ),
    [ARGS_CENTRALISED],
  ),
  entry(
    'get_user_pages_fast',
    'Lockless GUP-fast walk of the current process\'s page tables with FOLL_GET, falling back to the slow path for what it cannot take.',
    gupC(
      'get_user_pages_fast',
      '`get_user_pages_fast(start, nr_pages, gup_flags, pages)`. Adds FOLL_GET; `internal_get_user_pages_fast()` allows only FOLL_WRITE, FOLL_LONGTERM, FOLL_FORCE, FOLL_PIN, FOLL_GET, FOLL_FAST_ONLY, FOLL_NOFAULT.',
      'Same signature. Adds FOLL_GET; `gup_fast_fallback()` allows only FOLL_WRITE, FOLL_LONGTERM, FOLL_FORCE, FOLL_PIN, FOLL_GET, FOLL_FAST_ONLY, FOLL_NOFAULT, FOLL_PCI_P2PDMA, FOLL_HONOR_NUMA_FAULT.',
    ),
  ),
  entry(
    'get_user_pages_fast_only',
    'GUP-fast with FOLL_GET and no slow-path fallback (may take fewer pages, never sleeps).',
    gupC(
      'get_user_pages_fast_only',
      '`get_user_pages_fast_only(start, nr_pages, gup_flags, pages)`. Adds FOLL_GET|FOLL_FAST_ONLY; negative results clamped to 0.',
      'Same signature. Adds FOLL_GET|FOLL_FAST_ONLY.',
    ),
  ),
  entry(
    'get_user_page_fast_only',
    'Single-page wrapper around get_user_pages_fast_only(): returns true when the page was taken.',
    [
      { until: '6.2', text: '`get_user_page_fast_only(addr, gup_flags, pagep)` (static inline).', refs: [in61('include/linux/mm.h', 'get_user_page_fast_only()')] },
      { from: '6.2', text: '`get_user_page_fast_only(addr, gup_flags, pagep)` (static inline).', refs: [in612('include/linux/mm.h', 'get_user_page_fast_only()')] },
    ],
  ),
  entry(
    'pin_user_pages',
    'Pin (FOLL_PIN) pages of the current process; the caller holds the mmap lock. Release with unpin_user_pages().',
    gupC(
      'pin_user_pages',
      '`pin_user_pages(start, nr_pages, gup_flags, pages, vmas)` (5 args). Adds FOLL_PIN (not FOLL_TOUCH); rejects FOLL_GET and NULL `pages` (WARN, -EINVAL). Goes through `__gup_longterm_locked()`. A R/O FOLL_LONGTERM pin of the zeropage or page cache in a private mapping is **not** unshared on 6.1.',
      '`pin_user_pages(start, nr_pages, gup_flags, pages)` (4 args from 6.5). Adds FOLL_PIN; invalid arguments return 0 (not an errno). A R/O FOLL_LONGTERM pin unshares non-anonymous pages in COW mappings.',
    ),
    [RELIABLE_RO, ARGS_CENTRALISED, VMAS_REMOVED],
  ),
  entry(
    'pin_user_pages_remote',
    'Pin pages of another mm.',
    gupC(
      'pin_user_pages_remote',
      '`pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages, vmas, locked)` (7 args). Adds FOLL_PIN|FOLL_TOUCH|FOLL_REMOTE; rejects FOLL_GET, NULL `pages`, and FOLL_LONGTERM with a non-NULL `locked` (WARN, -EINVAL).',
      '`pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages, locked)` (6 args from 6.5). Adds FOLL_PIN|FOLL_TOUCH|FOLL_REMOTE; accepts FOLL_LONGTERM with `locked`; invalid arguments return 0.',
    ),
    [RELIABLE_RO, ARGS_CENTRALISED, VMAS_REMOVED],
  ),
  entry(
    'pin_user_pages_unlocked',
    'pin_user_pages() that takes the mmap lock itself. Argument order: `pages` before `gup_flags`.',
    gupC(
      'pin_user_pages_unlocked',
      '`pin_user_pages_unlocked(start, nr_pages, pages, gup_flags)`. Adds FOLL_PIN|FOLL_TOUCH; FOLL_LONGTERM is rejected (it goes through `get_user_pages_unlocked()`).',
      'Same signature. Adds FOLL_PIN|FOLL_TOUCH|FOLL_UNLOCKABLE; accepts FOLL_LONGTERM; invalid arguments return 0.',
    ),
    [RELIABLE_RO, ARGS_CENTRALISED],
  ),
  entry(
    'pin_user_pages_fast',
    'Pin pages of the current process through the lockless GUP-fast walk, falling back to the slow path. The usual driver entry point for long-term DMA pins (RDMA umem, VFIO, io_uring).',
    gupC(
      'pin_user_pages_fast',
      '`pin_user_pages_fast(start, nr_pages, gup_flags, pages)`. Adds FOLL_PIN; rejects FOLL_GET and NULL `pages` (WARN, -EINVAL). GUP-fast pins page cache and the huge zeropage directly (`gup_must_unshare(flags, page)` is false for non-anonymous pages); the shared zeropage is a special PTE, so it is pinned by the slow path, again without unsharing.',
      'Same signature. Adds FOLL_PIN. For a R/O FOLL_LONGTERM pin GUP-fast bails on every non-anonymous page (`gup_must_unshare(NULL, ...)` is true) and the slow path unshares it in COW mappings.',
    ),
    [RELIABLE_RO_FAST, ARGS_CENTRALISED],
  ),
  entry(
    'pin_user_pages_fast_only',
    'GUP-fast pin with no slow-path fallback.',
    [
      { until: '6.3', text: '`pin_user_pages_fast_only(start, nr_pages, gup_flags, pages)`. Adds FOLL_PIN|FOLL_FAST_ONLY; FOLL_GET or NULL `pages` → WARN, returns 0.', refs: [in61('mm/gup.c', 'pin_user_pages_fast_only()')] },
      { from: '6.3', absent: true, text: 'Removed (absent from 6.12).', refs: [] },
    ],
    [{ version: '6.3', text: 'Removed.', verified: false }],
  ),
  entry(
    'get_user_page_vma_remote',
    'One page and its vma from another mm; replaced the `vmas` argument.',
    [
      { until: '6.5', absent: true, text: 'Does not exist; callers pass a `vmas` array to get_user_pages_remote().', refs: [] },
      { from: '6.5', text: '`get_user_page_vma_remote(mm, addr, gup_flags, &vma)` returns the page or an ERR_PTR; rejects FOLL_NOWAIT (WARN, -EINVAL).', refs: [in612('include/linux/mm.h', 'get_user_page_vma_remote()')] },
    ],
    [VMAS_REMOVED],
  ),
  entry(
    'memfd_pin_folios',
    'Long-term pin of shmem/hugetlbfs memfd folios by file offset: no page tables, so no COW and no unsharing.',
    [
      { until: '6.11', absent: true, text: 'Does not exist.', refs: [] },
      { from: '6.11', text: '`memfd_pin_folios(memfd, start, end, folios, max_folios, &offset)`; shmem or hugetlbfs memfds only (else -EINVAL); pins page-cache folios, migrating unpinnable ones.', refs: [in612('mm/gup.c', 'memfd_pin_folios()')] },
    ],
    [{ version: '6.11', text: 'Added (udmabuf).', verified: false }],
  ),
  entry(
    'get_dump_page',
    'One page for a core dump: FOLL_FORCE|FOLL_DUMP|FOLL_GET; holes and zeropages come back as NULL.',
    gupC('get_dump_page', '`get_dump_page(addr)`.', '`get_dump_page(addr)`.'),
  ),
  entry(
    'access_remote_vm',
    'Debugger-style copy to or from another mm, page by page, through get_user_pages_remote() (or get_user_page_vma_remote()).',
    [
      { until: '6.2', text: '`access_remote_vm(mm, addr, buf, len, gup_flags)`; `__access_remote_vm()` calls get_user_pages_remote() with the caller\'s flags (FOLL_FORCE from ptrace and /proc/pid/mem).', refs: [in61('mm/memory.c', '__access_remote_vm()')] },
      { from: '6.2', text: 'Same signature; `__access_remote_vm()` uses get_user_page_vma_remote() from 6.5.', refs: [in612('mm/memory.c', '__access_remote_vm()')] },
    ],
  ),
  entry(
    'access_process_vm',
    'access_remote_vm() for a task: takes the task\'s mm and copies through GUP with the given flags.',
    [
      { until: '6.2', text: '`access_process_vm(tsk, addr, buf, len, gup_flags)`.', refs: [in61('mm/memory.c', 'access_process_vm()')] },
      { from: '6.2', text: '`access_process_vm(tsk, addr, buf, len, gup_flags)`.', refs: [in612('mm/memory.c', 'access_process_vm()')] },
    ],
  ),
  entry(
    'ptrace_access_vm',
    'ptrace\'s access_remote_vm() after the ptrace permission checks; PEEK/POKE pass FOLL_FORCE.',
    [
      { until: '6.2', text: '`ptrace_access_vm(tsk, addr, buf, len, gup_flags)`.', refs: [in61('kernel/ptrace.c', 'ptrace_access_vm()')] },
      { from: '6.2', text: '`ptrace_access_vm(tsk, addr, buf, len, gup_flags)`.', refs: [in612('kernel/ptrace.c', 'ptrace_access_vm()')] },
    ],
  ),
  entry(
    'iov_iter_get_pages2',
    'References (FOLL_GET through get_user_pages_fast()) on the user pages behind an iov_iter; used by vmsplice().',
    [
      { until: '6.2', text: '`iov_iter_get_pages2(i, pages, maxsize, maxpages, &start)`.', refs: [in61('lib/iov_iter.c', 'iov_iter_get_pages2()')] },
      { from: '6.2', text: 'Same.', refs: [in612('lib/iov_iter.c', 'iov_iter_get_pages2()')] },
    ],
  ),
  entry(
    'iov_iter_extract_pages',
    'Pins (FOLL_PIN through pin_user_pages_fast()) the user pages behind an iov_iter for direct I/O; never FOLL_LONGTERM.',
    [
      { until: '6.3', absent: true, text: 'Does not exist.', refs: [] },
      { from: '6.3', text: '`iov_iter_extract_pages(i, &pages, maxsize, maxpages, extraction_flags, &offset0)`: FOLL_WRITE iff the iterator is a destination.', refs: [in612('lib/iov_iter.c', 'iov_iter_extract_pages()')] },
    ],
    [{ version: '6.3', text: 'Added.', verified: false }],
  ),
];
