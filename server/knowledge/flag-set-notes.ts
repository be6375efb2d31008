// Prose about a combination of flags: why a driver passes it and what the target kernel makes of
// it. The verdicts themselves come from sim-core; these notes explain the mechanism behind them.
import { compareKernelVersions } from './version.js';

export interface FlagSetNote {
  /** Stable id, so callers and tests can tell notes apart without matching prose. */
  id: 'force-write-workaround' | 'force-write-obsolete' | 'ro-longterm-before-6.2' | 'ro-longterm-memlock' | 'force-read';
  text: string;
}

/**
 * Notes for one flag set reaching a call. `flags` are all the flags GUP sees: the caller's plus
 * those the entry point adds (FOLL_PIN, FOLL_GET, ...).
 */
export function flagSetNotes(flags: readonly string[], kernel: string): FlagSetNote[] {
  const has = (f: string) => flags.includes(f);
  const before62 = compareKernelVersions(kernel, '6.2') < 0;
  const pinLongterm = has('FOLL_PIN') && has('FOLL_LONGTERM');
  const notes: FlagSetNote[] = [];
  if (pinLongterm && has('FOLL_FORCE') && has('FOLL_WRITE')) {
    notes.push(
      before62
        ? {
            id: 'force-write-workaround',
            text:
              'FOLL_FORCE|FOLL_WRITE on a long-term pin is the pre-6.2 workaround for a *read-only* pin that stays coherent. ' +
              `On ${kernel}, \`gup_must_unshare(flags, page)\` is false for every non-anonymous page, so a plain R/O FOLL_LONGTERM pin takes the page that is mapped: ` +
              'for untouched private anonymous memory that is the **shared zeropage** (a read fault maps it), for a private file mapping the page-cache page. ' +
              'The process\'s next write breaks COW and maps a new page, and the device keeps the old one. ' +
              'FOLL_WRITE breaks COW at pin time instead (a write fault gives an exclusive anonymous page), and FOLL_FORCE lets that write through when the mapping lacks VM_WRITE (`check_vma_flags()`), ' +
              'at the price of treating a read-only buffer as written (dirtied, copied) and of debugger-strength permissions.',
          }
        : {
            id: 'force-write-obsolete',
            text:
              `On ${kernel} a plain R/O FOLL_LONGTERM pin is reliable: \`gup_must_unshare(vma, flags, page)\` unshares non-anonymous pages in COW mappings (\`is_cow_mapping()\`) with FAULT_FLAG_UNSHARE. ` +
              'FOLL_FORCE|FOLL_WRITE for a read-only pin is no longer needed; upstream dropped it in 6.2 ("mm/gup: remove FOLL_FORCE usage from drivers"), setting FOLL_WRITE only when the device writes.',
          },
    );
  }
  if (pinLongterm && !has('FOLL_WRITE')) {
    notes.push(
      before62
        ? {
            id: 'ro-longterm-before-6.2',
            text: `On ${kernel} a R/O long-term pin unshares only anonymous pages that may be shared; the shared zeropage, the huge zeropage, page cache and hugetlb pages in a private mapping are pinned as they are (\`gup_must_unshare()\` ignores non-anonymous pages until 6.2).`,
          }
        : {
            id: 'ro-longterm-memlock',
            text: 'Since 6.2 a R/O long-term pin of untouched private memory no longer pins the shared zeropage: it faults in and unshares anonymous pages, which count against memlock limits (Note 3 of the 6.2 patch).',
          },
    );
  }
  if (has('FOLL_FORCE') && !has('FOLL_WRITE')) {
    notes.push({
      id: 'force-read',
      text: 'FOLL_FORCE without FOLL_WRITE only lets GUP read a mapping without VM_READ (if VM_MAYREAD): debugger access, no effect on coherence.',
    });
  }
  return notes;
}
