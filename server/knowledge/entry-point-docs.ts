// GUP/PUP entry points: signature, what each adds and rejects, and where it is defined, per
// kernel version. Read in mm/gup.c and include/linux/mm.h of Debian's 6.1 and 6.12 trees.
import { in61, in612 } from './refs.js';
import type { Change, Era, KernelRef, SymbolDoc } from './types.js';

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

/** A function read in both trees: its text on each (the same when one is given) and where it is. */
function inBothTrees(files: string[], fn: string, text61: string, text612 = text61): Era[] {
  return [
    { until: '6.2', text: text61, refs: files.map((file) => in61(file, `${fn}()`)) },
    { from: '6.2', text: text612, refs: files.map((file) => in612(file, `${fn}()`)) },
  ];
}

/** One function defined in mm/gup.c of both trees, with different text per tree. */
function gupC(fn: string, text61: string, text612: string): Era[] {
  return inBothTrees(['mm/gup.c', 'include/linux/mm.h'], fn, text61, text612);
}

/** A function that does not exist before `version`. */
function addedIn(version: string, text: string, ref: KernelRef, absentText = 'Does not exist.'): Era[] {
  return [
    { until: version, absent: true, text: absentText, refs: [] },
    { from: version, text, refs: [ref] },
  ];
}

export const ENTRY_POINT_DOCS: SymbolDoc[] = [
  entry(
    'get_user_pages',
    'Take plain references (FOLL_GET) on pages of the current process; the caller holds the mmap lock.',
    gupC(
      'get_user_pages',
      'FOLL_GET references never unshare: a R/O reference sees a snapshot, and a later COW leaves it behind. Argument checks are ad hoc (`is_valid_gup_flags()`).',
      'FOLL_GET references never unshare, as before. Argument checks in `is_valid_gup_args()`; the `vmas` argument is gone from 6.5.',
    ),
    [ARGS_CENTRALISED, VMAS_REMOVED],
  ),
  entry(
    'get_user_pages_remote',
    'Take plain references on pages of another mm (ptrace, /proc/pid/mem, uprobes, exec arguments).',
    gupC(
      'get_user_pages_remote',
      'The path of ptrace, /proc/pid/mem and uprobes (with FOLL_FORCE): FOLL_GET references, never unshared.',
      'As before; argument checks in `is_valid_gup_args()`; the `vmas` argument is gone from 6.5 (`get_user_page_vma_remote()` returns the vma).',
    ),
    [ARGS_CENTRALISED, VMAS_REMOVED],
  ),
  entry(
    'get_user_pages_unlocked',
    'get_user_pages() that takes the mmap lock itself. Note the argument order: `pages` before `gup_flags`.',
    gupC(
      'get_user_pages_unlocked',
      'Takes mmap_lock itself; pin_user_pages_unlocked() goes through it, which is why 6.1 refuses FOLL_LONGTERM on both.',
      'Takes mmap_lock itself (FOLL_UNLOCKABLE); argument checks in `is_valid_gup_args()`.',
    ),
    [ARGS_CENTRALISED],
  ),
  entry(
    'get_user_pages_fast',
    'Lockless GUP-fast walk of the current process\'s page tables with FOLL_GET, falling back to the slow path for what it cannot take.',
    gupC(
      'get_user_pages_fast',
      'Lockless walk (`internal_get_user_pages_fast()`), falling back to the slow path; FOLL_GET references never unshare.',
      'Lockless walk (`gup_fast_fallback()`), falling back to the slow path; FOLL_GET references never unshare.',
    ),
  ),
  entry(
    'get_user_pages_fast_only',
    'GUP-fast with FOLL_GET and no slow-path fallback (may take fewer pages, never sleeps).',
    gupC(
      'get_user_pages_fast_only',
      'No fallback: negative results are clamped to 0.',
      'No fallback to the slow path.',
    ),
  ),
  entry(
    'get_user_page_fast_only',
    'Single-page wrapper around get_user_pages_fast_only(): returns true when the page was taken.',
    inBothTrees(['include/linux/mm.h'], 'get_user_page_fast_only', '`get_user_page_fast_only(addr, gup_flags, pagep)` (static inline).'),
  ),
  entry(
    'pin_user_pages',
    'Pin (FOLL_PIN) pages of the current process; the caller holds the mmap lock. Release with unpin_user_pages().',
    gupC(
      'pin_user_pages',
      'Goes through `__gup_longterm_locked()`. A R/O FOLL_LONGTERM pin of the shared zeropage or page cache in a private mapping is **not** unshared on this kernel: the next write by the process leaves the pin behind.',
      'Invalid arguments return 0 (not an errno). A R/O FOLL_LONGTERM pin unshares non-anonymous pages in COW mappings first (`gup_must_unshare()`), so it stays coherent.',
    ),
    [RELIABLE_RO, ARGS_CENTRALISED, VMAS_REMOVED],
  ),
  entry(
    'pin_user_pages_remote',
    'Pin pages of another mm.',
    gupC(
      'pin_user_pages_remote',
      'FOLL_LONGTERM with a non-NULL `locked` is refused (WARN, -EINVAL). R/O long-term pins of non-anonymous pages are not unshared on this kernel.',
      'Accepts FOLL_LONGTERM with `locked`; invalid arguments return 0. R/O long-term pins unshare in COW mappings.',
    ),
    [RELIABLE_RO, ARGS_CENTRALISED, VMAS_REMOVED],
  ),
  entry(
    'pin_user_pages_unlocked',
    'pin_user_pages() that takes the mmap lock itself. Argument order: `pages` before `gup_flags`.',
    gupC(
      'pin_user_pages_unlocked',
      'FOLL_LONGTERM is refused: the call goes through `get_user_pages_unlocked()`.',
      'Accepts FOLL_LONGTERM; invalid arguments return 0. R/O long-term pins unshare in COW mappings.',
    ),
    [RELIABLE_RO, ARGS_CENTRALISED],
  ),
  entry(
    'pin_user_pages_fast',
    'Pin pages of the current process through the lockless GUP-fast walk, falling back to the slow path. The usual driver entry point for long-term DMA pins (RDMA umem, VFIO, io_uring).',
    gupC(
      'pin_user_pages_fast',
      'GUP-fast pins page cache and the huge zeropage directly (`gup_must_unshare(flags, page)` is false for non-anonymous pages); the shared zeropage is a special PTE, so the slow path pins it, again without unsharing.',
      'For a R/O FOLL_LONGTERM pin GUP-fast bails on every non-anonymous page (`gup_must_unshare(NULL, ...)` is true) and the slow path unshares it in COW mappings.',
    ),
    [RELIABLE_RO_FAST, ARGS_CENTRALISED],
  ),
  entry(
    'pin_user_pages_fast_only',
    'GUP-fast pin with no slow-path fallback.',
    [
      { until: '6.3', text: 'No fallback: a page GUP-fast cannot take is not pinned. FOLL_GET or NULL `pages` → WARN, returns 0.', refs: [in61('mm/gup.c', 'pin_user_pages_fast_only()')] },
      { from: '6.3', absent: true, text: 'Removed (absent from 6.12).', refs: [] },
    ],
    [{ version: '6.3', text: 'Removed.', verified: false }],
  ),
  entry(
    'get_user_page_vma_remote',
    'One page and its vma from another mm; replaced the `vmas` argument.',
    addedIn(
      '6.5',
      'Returns the page or an ERR_PTR, and the vma through its last argument.',
      in612('include/linux/mm.h', 'get_user_page_vma_remote()'),
      'Does not exist; callers pass a `vmas` array to get_user_pages_remote().',
    ),
    [VMAS_REMOVED],
  ),
  entry(
    'memfd_pin_folios',
    'Long-term pin of shmem/hugetlbfs memfd folios by file offset: no page tables, so no COW and no unsharing.',
    addedIn('6.11', 'Shmem or hugetlbfs memfds only (else -EINVAL); pins page-cache folios, migrating unpinnable ones.', in612('mm/gup.c', 'memfd_pin_folios()')),
    [{ version: '6.11', text: 'Added (udmabuf).', verified: false }],
  ),
  entry(
    'get_dump_page',
    'One page for a core dump: FOLL_FORCE|FOLL_DUMP|FOLL_GET; holes and zeropages come back as NULL.',
    gupC('get_dump_page', 'Used by the ELF core dumper.', 'Used by the ELF core dumper.'),
  ),
  entry(
    'access_remote_vm',
    'Debugger-style copy to or from another mm, page by page, through get_user_pages_remote() (or get_user_page_vma_remote()).',
    inBothTrees(
      ['mm/memory.c'],
      '__access_remote_vm',
      '`__access_remote_vm()` calls get_user_pages_remote() with the caller\'s flags (FOLL_FORCE from ptrace and /proc/pid/mem).',
      '`__access_remote_vm()` uses get_user_page_vma_remote() from 6.5.',
    ),
  ),
  entry(
    'access_process_vm',
    'access_remote_vm() for a task: takes the task\'s mm and copies through GUP with the given flags.',
    inBothTrees(['mm/memory.c'], 'access_process_vm', 'Copies through `__access_remote_vm()`.'),
  ),
  entry(
    'ptrace_access_vm',
    'ptrace\'s access_remote_vm() after the ptrace permission checks; PEEK/POKE pass FOLL_FORCE.',
    inBothTrees(['kernel/ptrace.c'], 'ptrace_access_vm', 'Copies through `__access_remote_vm()` after checking the tracer.'),
  ),
  entry(
    'iov_iter_get_pages2',
    'References (FOLL_GET through get_user_pages_fast()) on the user pages behind an iov_iter; used by vmsplice().',
    inBothTrees(['lib/iov_iter.c'], 'iov_iter_get_pages2', '`iov_iter_get_pages2(i, pages, maxsize, maxpages, &start)`.', 'Same.'),
  ),
  entry(
    'iov_iter_extract_pages',
    'Pins (FOLL_PIN through pin_user_pages_fast()) the user pages behind an iov_iter for direct I/O; never FOLL_LONGTERM.',
    addedIn(
      '6.3',
      '`iov_iter_extract_pages(i, &pages, maxsize, maxpages, extraction_flags, &offset0)`: FOLL_WRITE iff the iterator is a destination.',
      in612('lib/iov_iter.c', 'iov_iter_extract_pages()'),
    ),
    [{ version: '6.3', text: 'Added.', verified: false }],
  ),
];
