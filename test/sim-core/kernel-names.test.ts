// The name ledger: a trace for a release between the trees pinsight reads cites the functions and
// files of that release, with the commit that renamed or moved them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type TraceStep, kernelFor, nameLedger, simulate } from '../../sim-core/index.js';

const refs = (trace: readonly TraceStep[]) => trace.flatMap((s) => (s.kernelRef ? [`${s.fn} | ${s.kernelRef}`] : []));
const run = (version: string, memory: string, path: 'slow' | 'fast') =>
  refs(simulate({ kernel: { version }, memory, mapping: 'private', flags: ['FOLL_LONGTERM'], path, then: ['write'] }).trace);

test('6.3: GUP-fast cites its 6.3 names, and the commit that renamed them in 6.10', () => {
  const r = run('6.3', 'pagecache', 'fast');
  assert.ok(r.includes('gup_pte_range() | mm/gup.c gup_pte_range() (6.3, until 23babe1934d7 in 6.10: gup_fast_pte_range())'), r.join('\n'));
  assert.ok(r.includes('internal_get_user_pages_fast() | mm/gup.c internal_get_user_pages_fast() (6.3, until 23babe1934d7 in 6.10: gup_fast_fallback())'));
  // gup_must_unshare() moved to mm/internal.h in 6.3 itself
  assert.ok(r.includes('gup_must_unshare() | mm/internal.h gup_must_unshare() (6.3, since 63b605128655 in 6.3)'));
  assert.ok(!r.some((l) => /^gup_fast_|\| mm\/gup\.c gup_fast_|\(6\.12/.test(l)), 'no 6.12 name or tag');
  assert.ok(r.includes('check_vma_flags() | mm/gup.c check_vma_flags() (6.3)'), 'an unchanged function is tagged with the release');
});

test('6.2 cites gup_must_unshare() in include/linux/mm.h, where it was before 6.3', () => {
  const r = run('6.2', 'pagecache', 'slow');
  assert.ok(r.includes('gup_must_unshare() | include/linux/mm.h gup_must_unshare() (6.2, until 63b605128655 in 6.3: mm/internal.h)'), r.join('\n'));
});

test('6.8: hugetlb is walked by hugetlb_follow_page_mask() (6.6, 4849807114b8), GUP-fast still has the old names', () => {
  const slow = run('6.8', 'hugetlb-2M', 'slow');
  assert.ok(slow.some((l) => l.startsWith('hugetlb_follow_page_mask() | mm/hugetlb.c hugetlb_follow_page_mask() (6.8, since 4849807114b8 in 6.6, until 9cb28da54643 in 6.10: mm/gup.c follow_huge_pmd())')), slow.join('\n'));
  assert.ok(!slow.some((l) => l.includes('follow_hugetlb_page')), 'retired in 6.6');
  const fast = run('6.8', 'hugetlb-2M', 'fast');
  assert.ok(fast.some((l) => l.startsWith('gup_huge_pmd() | mm/gup.c gup_huge_pmd() (6.8, until 23babe1934d7 in 6.10: gup_fast_pmd_leaf())')), fast.join('\n'));
  const three = run('6.3', 'hugetlb-2M', 'slow');
  assert.ok(three.some((l) => l.startsWith('follow_hugetlb_page() | mm/hugetlb.c follow_hugetlb_page() (6.3, until 4849807114b8 in 6.6: hugetlb_follow_page_mask())')), three.join('\n'));
});

test('6.10 and 6.11 cite the renamed functions with the commit that named them', () => {
  const r = run('6.11', 'anon', 'fast');
  assert.ok(r.some((l) => l.startsWith('gup_fast_pte_range() | mm/gup.c gup_fast_pte_range() (6.11, since 23babe1934d7 in 6.10)')), r.join('\n'));
  const slow = run('6.10', 'hugetlb-1G', 'slow');
  assert.ok(slow.some((l) => l.startsWith('follow_huge_pud() | mm/gup.c follow_huge_pud() (6.10, since 9cb28da54643 in 6.10)')), slow.join('\n'));
});

test('a known tree is cited with its own tag and nothing else', () => {
  for (const [v, fn] of [['6.1', 'gup_pte_range'], ['6.12', 'gup_fast_pte_range'], ['7.2', 'gup_fast_pte_range']] as const) {
    assert.equal(kernelFor({ version: v }).cite('gup_fast_pte_range').ref, `mm/gup.c ${fn}() (${v})`);
  }
  assert.equal(kernelFor({ version: '6.12.117' }).cite('io_pin_pages').ref, 'io_uring/memmap.c io_pin_pages() (6.12)');
  assert.equal(kernelFor({ version: '6.1' }).cite('io_pin_pages').ref, 'io_uring/rsrc.c io_pin_pages() (6.1)');
});

test('io_uring before 6.5 cites io_pin_pages() in io_uring/rsrc.c', () => {
  const r = refs(simulate({ kernel: { version: '6.3' }, memory: 'pagecache', mapping: 'shared', api: 'io_uring_register_buffers', flags: [], then: ['write'] }).trace);
  assert.ok(r.includes('io_pin_pages() | io_uring/rsrc.c io_pin_pages() (6.3, until f15ed8b4d0ce in 6.10: io_uring/memmap.c)'), r.join('\n'));
});

test('the ledger: every change has a release after the one before it, ids are 12 hex digits, unverified ones say so', () => {
  for (const [symbol, eras] of Object.entries(nameLedger())) {
    assert.equal(eras[0]!.by, undefined, symbol);
    let last = '0.0';
    for (const e of eras.slice(1)) {
      const by = e.by!;
      assert.ok(by, `${symbol}: every later era says what changed`);
      const [a, b] = [last, by.release].map((x) => x.split('.').map(Number));
      assert.ok(a![0]! < b![0]! || (a![0] === b![0] && a![1]! < b![1]!), `${symbol}: ${by.release} after ${last}`);
      last = by.release;
      if (by.id) assert.match(by.id, /^[0-9a-f]{12}$/, symbol);
      if (by.checked) assert.ok(by.id && by.subject, `${symbol}: a checked change names its commit`);
    }
  }
  // an unverified change is cited as such, never with an invented id
  assert.match(kernelFor({ version: '5.15' }).cite('hugetlb_wp').ref, /^mm\/hugetlb\.c hugetlb_cow\(\) \(5\.15, until 5\.19 at the latest \(commit not identified\): hugetlb_wp\(\)\)$/);
});

test('Kernel.ref refuses a name the ledger owns: renamed functions are cited through it', () => {
  assert.throws(() => kernelFor({ version: '6.3' }).ref('mm/gup.c', 'gup_fast_pte_range'), /name ledger/);
  assert.throws(() => kernelFor({ version: '6.3' }).ref('mm/gup.c', 'gup_pte_range'), /name ledger/);
  assert.equal(kernelFor({ version: '6.3' }).ref('mm/gup.c', '__get_user_pages'), 'mm/gup.c __get_user_pages() (6.3)');
});
