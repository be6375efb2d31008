// cow.c on the model: the seed's rows per kernel, the --without switch, and the shape of the
// whole matrix as the real 6.1 and 6.12 runs printed it (/work/shared/reference/kernel-truth.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type CowRow, SimError, cowTable } from '../../sim-core/index.js';

const NON_ANON = ['shared zeropage', 'memfd', 'tmpfile', 'huge zeropage', 'memfd hugetlb (2048 kB)', 'memfd hugetlb (1048576 kB)'];
const SEED_TESTS = ['R/O longterm GUP pin', 'R/O longterm GUP-fast pin'];
const isSeed = (r: CowRow): boolean => SEED_TESTS.includes(r.test) && NON_ANON.includes(r.memory);
const HUGE = [2048, 1048576];

const run = (version: string, extra: { without?: string[] } = {}) =>
  cowTable({ kernel: { version, ...extra }, hugetlbSizesKb: HUGE, trace: false });

test("the seed's 12 rows: not ok on 6.1, ok on 6.2 and 6.12", () => {
  for (const [version, want] of [['6.1', 'not ok'], ['6.2', 'ok'], ['6.12', 'ok']] as const) {
    const seed = run(version).rows.filter(isSeed);
    assert.equal(seed.length, 12, `${version}: 12 seed rows`);
    for (const r of seed) assert.equal(r.result, want, `${version}: ${r.test} with ${r.memory}`);
  }
});

for (const version of ['6.2', '6.12']) {
  test(`${version} --without unshare-longterm-ro-cow flips exactly the seed's 12 rows`, () => {
    const on = run(version).rows;
    const off = run(version, { without: ['unshare-longterm-ro-cow'] }).rows;
    assert.equal(on.length, off.length);
    const flipped = on.filter((r, i) => r.result !== off[i]!.result);
    assert.deepEqual(
      flipped.map((r) => `${r.test} | ${r.memory}`).sort(),
      on.filter(isSeed).map((r) => `${r.test} | ${r.memory}`).sort(),
    );
    for (const r of off.filter(isSeed)) assert.equal(r.result, 'not ok');
  });
}

test('6.12 with its THP sizes: 761 rows, all ok but the 4 hugetlb vmsplice XFAILs and the fully-shared MADV_COLLAPSE SKIP', () => {
  const t = cowTable({ kernel: { version: '6.12' }, trace: false });
  assert.deepEqual(t.thpSizesKb, [16, 32, 64, 128, 256, 512, 1024, 2048]);
  assert.equal(t.rows.length, 761);
  const notOk = t.rows.filter((r) => r.result !== 'ok');
  assert.deepEqual(
    notOk.map((r) => `${r.result}: ${r.test} | ${r.memory}`),
    [
      'xfail: vmsplice() + unmap in child | hugetlb (2048 kB)',
      'xfail: vmsplice() + unmap in child with mprotect() optimization | hugetlb (2048 kB)',
      'xfail: vmsplice() before fork(), unmap in parent after fork() | hugetlb (2048 kB)',
      'xfail: vmsplice() + unmap in parent after fork() | hugetlb (2048 kB)',
      'skip: Basic COW after fork() when collapsing after fork() (fully shared) | ',
    ],
  );
});

test('6.1: 173 rows (2048 kB THP only); not ok exactly on the seed rows', () => {
  const t = cowTable({ kernel: { version: '6.1' }, trace: false });
  assert.equal(t.rows.length, 173);
  const notOk = t.rows.filter((r) => r.result === 'not ok');
  assert.equal(notOk.length, 10);
  assert.ok(notOk.every(isSeed));
  assert.equal(t.rows.filter((r) => r.result === 'xfail').length, 4);
});

test('1 GiB hugetlb adds 17 rows; its vmsplice rows leak too (XFAIL)', () => {
  const two = cowTable({ kernel: { version: '6.12' }, trace: false }).rows.length;
  const both = cowTable({ kernel: { version: '6.12' }, hugetlbSizesKb: HUGE, trace: false });
  assert.equal(both.rows.length, two + 17);
  assert.equal(both.rows.filter((r) => r.result === 'xfail').length, 8);
});

test('names are cow.c\'s: every memory string appears as printed', () => {
  const t = cowTable({ kernel: { version: '6.12' }, trace: false, filter: (test) => test === 'Basic COW after fork()' });
  assert.deepEqual(t.rows.slice(0, 4).map((r) => r.memory), ['base page', 'swapped out base page', 'PTE-mapped THP (16 kB)', 'swapped-out, PTE-mapped THP (16 kB)']);
  assert.ok(t.rows.some((r) => r.memory === "partially mremap()'ed THP (2048 kB)"));
  assert.ok(t.rows.some((r) => r.memory === 'single PTE of swapped-out THP (1024 kB)'));
  assert.ok(t.rows.some((r) => r.memory === 'swapped-out THP (2048 kB)'));
});

test('a row carries the trace of the decisions that gave its result', () => {
  const seed = (v: string) =>
    cowTable({ kernel: { version: v }, filter: (t, m) => t === 'R/O longterm GUP pin' && m === 'memfd' }).rows[0]!;
  const old = seed('6.1');
  assert.ok(old.trace.some((s) => s.fn === 'gup_must_unshare()' && s.detail.startsWith('-> false')));
  assert.ok(old.trace.some((s) => s.fn === 'wp_page_copy()'), 'the write replaced the pinned pagecache page');
  const now = seed('6.12');
  const must = now.trace.find((s) => s.fn === 'gup_must_unshare()' && s.detail.startsWith('-> true'));
  assert.ok(must, 'gup_must_unshare() said true');
  assert.match(must!.kernelRef!, /mm\/internal\.h gup_must_unshare\(\) \(6\.12\)/);
  assert.ok(now.trace.some((s) => s.fn === 'handle_mm_fault()' && s.detail.includes('FAULT_FLAG_UNSHARE')));
});

test('multi-size THP sizes need the anon-mthp behaviour; bad sizes are refused', () => {
  assert.throws(() => cowTable({ kernel: { version: '6.1' }, thpSizesKb: [16, 2048] }), SimError);
  assert.throws(() => cowTable({ kernel: { version: '6.12' }, thpSizesKb: [48] }), /unknown THP size 48 kB/);
  assert.throws(() => cowTable({ kernel: { version: '6.12' }, hugetlbSizesKb: [4096] }), /unknown hugetlb size/);
  assert.throws(() => cowTable({ kernel: { version: '6.12', without: ['nope'] } }), /unknown behaviour 'nope' \(valid: unshare-longterm-ro-cow/);
  // cow.c's ksft_set_plan(): 14 anon cases x (2 + hugetlb + 6 x THP sizes + 2 for the PMD size) + 4 + 3 x (3 + hugetlb + 1)
  const plan = (thp: number, huge: number) => 14 * (2 + huge + 6 * thp + 2) + 4 + 3 * (3 + huge + 1);
  assert.equal(cowTable({ kernel: { version: '6.1', with: ['anon-mthp'] }, thpSizesKb: [16, 2048], trace: false }).rows.length, plan(2, 1));
});

test('without unshare-any-cow, 6.2 R/O long-term pins of non-anonymous memory would livelock (the two changes belong together)', () => {
  const rows = cowTable({ kernel: { version: '6.2', without: ['unshare-any-cow'] }, filter: (t) => t === 'R/O longterm GUP pin', trace: false }).rows;
  const memfd = rows.find((r) => r.memory === 'memfd')!;
  assert.equal(memfd.result, 'not ok');
  assert.match(memfd.message, /livelock/);
});

test('every cow.c case leaves the model consistent: counts add up, nothing pinned or mapped is leaked', async () => {
  const { cowCases, runCase } = await import('../../sim-core/cow-tests.js');
  const { kernelFor } = await import('../../sim-core/behaviours.js');
  const { DEFAULT_MACHINE } = await import('../../sim-core/mm.js');
  const { checkInvariants } = await import('../../sim-core/invariants.js');
  for (const version of ['6.1', '6.12']) {
    const kernel = kernelFor({ version });
    const thp = version === '6.1' ? [2048] : [16, 64, 2048];
    for (const c of cowCases(thp, [2048])) {
      runCase(kernel, { ...DEFAULT_MACHINE, thpSizesKb: thp }, c, false, (m) => {
        assert.deepEqual(checkInvariants(m), [], `${version}: ${c.test} with ${c.memory}`);
        assert.equal(m.pins.filter((p) => !p.released).length, 0, `${version}: ${c.test} with ${c.memory}: pins left behind`);
      });
    }
  }
});
