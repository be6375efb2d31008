// MADV_PAGEOUT of a THP: split and swapped out when nothing but its mapping references it; kept
// whole, PMD and all, when pinned. 5.10, 6.1, 6.12 and 7.3 mm/madvise.c
// madvise_cold_or_pageout_pte_range() split only what split_folio()/split_huge_page() can split
// (can_split_folio() fails for a pinned folio), and mm/vmscan.c shrink_folio_list() keeps a
// folio_maybe_dma_pinned() anonymous folio before add_to_swap() and try_to_unmap(TTU_SPLIT_HUGE_PMD).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelFor } from '../../sim-core/behaviours.js';
import { gup } from '../../sim-core/gup.js';
import { DEFAULT_MACHINE, Machine } from '../../sim-core/mm.js';
import { PMD_NR } from '../../sim-core/page.js';
import { madvise, memset, mmap } from '../../sim-core/syscalls.js';
import { Tracer } from '../../sim-core/trace.js';

function thp(version: string) {
  const machine = new Machine(kernelFor({ version }), DEFAULT_MACHINE, new Tracer(true));
  const mm = machine.newMm('process');
  const base = mmap(mm, { pages: PMD_NR, prot: { read: true, write: true }, shared: false, file: null, align: PMD_NR });
  assert.equal(madvise(mm, base, PMD_NR, 'MADV_HUGEPAGE'), 0);
  assert.equal(memset(mm, base, 1, 0x5a), 'ok');
  const e = mm.pt.pmd.get(base);
  assert.ok(e && e.folio.anon && e.folio.nr === PMD_NR, `${version}: a PMD-mapped anonymous THP to start with`);
  return { machine, mm, base };
}

for (const version of ['5.10', '6.1', '6.12', '7.3']) {
  test(`${version}: MADV_PAGEOUT keeps a pinned THP mapped by its PMD, and swaps out an unpinned one`, () => {
    for (const pages of [1, PMD_NR]) {
      const { mm, base } = thp(version);
      const out = gup({ api: 'pin_user_pages', mm, start: base, nrPages: 1, flags: ['FOLL_LONGTERM'], holder: 'driver' });
      assert.equal(out.ret, 1);
      assert.equal(madvise(mm, base, pages, 'MADV_PAGEOUT'), 0);
      assert.ok(mm.pt.pmd.get(base), `${version}, ${pages} pages: the PMD stays`);
      assert.equal(mm.pt.pte.size, 0, 'nothing split into PTEs');
    }
    const { mm, base } = thp(version);
    assert.equal(madvise(mm, base, PMD_NR, 'MADV_PAGEOUT'), 0);
    assert.equal(mm.pt.pmd.get(base), undefined, 'an unpinned THP is split');
    assert.equal(mm.pt.pte.get(base)?.type, 'swap', 'and swapped out');
  });
}
