// The TAP parser on kselftest output, and on the recorded real-kernel runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { breakdown, parseTap, splitRunLine, TapError } from '../../scripts/kernel-truth/tap.js';
import { loadRecordings } from '../../scripts/kernel-truth/agreement.js';

test('splitRunLine splits "<test> ... with <memory>" the way cow.c prints it', () => {
  assert.deepEqual(splitRunLine('R/O longterm GUP pin ... with memfd hugetlb (2048 kB)'), {
    test: 'R/O longterm GUP pin',
    memory: 'memfd hugetlb (2048 kB)',
  });
  assert.deepEqual(splitRunLine('Basic COW after fork() ... with swapped-out, PTE-mapped THP (64 kB)'), {
    test: 'Basic COW after fork()',
    memory: 'swapped-out, PTE-mapped THP (64 kB)',
  });
  // cow.c's anonymous-THP collapse tests name no memory
  assert.deepEqual(splitRunLine('Basic COW after fork() when collapsing after fork() (fully shared)'), {
    test: 'Basic COW after fork() when collapsing after fork() (fully shared)',
    memory: '',
  });
});

const sample = [
  '# kernel: 6.12.117',
  '# config-sha256: abc',
  '# [INFO] detected hugetlb page size: 2048 KiB',
  'TAP version 13',
  '# [INFO] detected THP size: 16 KiB',
  '# [INFO] detected THP size: 2048 KiB',
  '1..4',
  '# [RUN] vmsplice() + unmap in child ... with hugetlb (2048 kB)',
  'ok 1 # XFAIL Leak from parent into child\r',
  '[   12.345678] some kernel message on the serial console',
  '# [RUN] Non-anonymous memory tests in private mappings',
  '# [RUN] R/O longterm GUP pin ... with memfd',
  'not ok 2 Longterm R/O pin is reliable',
  '# [RUN] Basic COW after fork() when collapsing after fork() (fully shared)',
  'ok 3 # SKIP MADV_COLLAPSE failed: Invalid argument',
  '# [RUN] R/O longterm GUP pin ... with memfd hugetlb (1048576 kB)',
  'ok 4 Longterm R/O pin is reliable',
  '# Totals: pass:1 fail:1 xfail:1 xpass:0 skip:1 error:0',
].join('\n');

test('parseTap names each row after the [RUN] line before it and reads the directives', () => {
  const run = parseTap(sample);
  assert.deepEqual(run.header, { kernel: '6.12.117', 'config-sha256': 'abc' });
  assert.equal(run.plan, 4);
  assert.deepEqual(run.thpSizesKb, [16, 2048]);
  assert.deepEqual(run.hugetlbSizesKb, [2048, 1048576]);
  assert.deepEqual(
    run.rows.map((r) => [r.number, r.test, r.memory, r.result, r.message]),
    [
      [1, 'vmsplice() + unmap in child', 'hugetlb (2048 kB)', 'xfail', 'Leak from parent into child'],
      [2, 'R/O longterm GUP pin', 'memfd', 'not ok', 'Longterm R/O pin is reliable'],
      [3, 'Basic COW after fork() when collapsing after fork() (fully shared)', '', 'skip', 'MADV_COLLAPSE failed: Invalid argument'],
      [4, 'R/O longterm GUP pin', 'memfd hugetlb (1048576 kB)', 'ok', 'Longterm R/O pin is reliable'],
    ],
  );
  assert.deepEqual(breakdown(run.rows), { ok: 1, 'not ok': 1, skip: 1, xfail: 1 });
});

// 7.x (selftests/mm/vm_util.h log_test_start()/log_test_result()): the result line repeats the
// [RUN] name; a reason is printed as a comment of its own before it.
const sample7 = [
  '# kernel: 7.3.4',
  'TAP version 13',
  '# [INFO] detected THP size: 2048 KiB',
  '1..4',
  '# [RUN] Basic COW after fork() ... with base page',
  'ok 1 Basic COW after fork() ... with base page',
  '# [RUN] vmsplice() + unmap in child ... with hugetlb (2048 kB)',
  '# Leak from parent into child',
  'ok 2 # XFAIL vmsplice() + unmap in child ... with hugetlb (2048 kB)',
  '# [RUN] R/O longterm GUP pin ... with memfd',
  '# Longterm R/O pin is not reliable',
  'not ok 3 R/O longterm GUP pin ... with memfd',
  '# [RUN] Basic COW after fork() when collapsing after fork() (fully shared)',
  '# MADV_COLLAPSE failed: Invalid argument',
  'ok 4 # SKIP Basic COW after fork() when collapsing after fork() (fully shared)',
  '# Totals: pass:1 fail:1 xfail:1 xpass:0 skip:1 error:0',
].join('\n');

test('parseTap reads 7.x result lines that carry the test name, with the reason from the comment before', () => {
  const run = parseTap(sample7);
  assert.equal(run.plan, 4);
  assert.deepEqual(run.hugetlbSizesKb, [2048]);
  assert.deepEqual(
    run.rows.map((r) => [r.number, r.test, r.memory, r.result, r.message]),
    [
      [1, 'Basic COW after fork()', 'base page', 'ok', ''],
      [2, 'vmsplice() + unmap in child', 'hugetlb (2048 kB)', 'xfail', 'Leak from parent into child'],
      [3, 'R/O longterm GUP pin', 'memfd', 'not ok', 'Longterm R/O pin is not reliable'],
      [4, 'Basic COW after fork() when collapsing after fork() (fully shared)', '', 'skip', 'MADV_COLLAPSE failed: Invalid argument'],
    ],
  );
  // a name that is not the [RUN] line's stays the message (6.x), so the two formats cannot be mixed up
  assert.equal(parseTap('TAP version 13\n# [RUN] a ... with b\n# note\nok 1 a ... with c\n').rows[0]!.message, 'a ... with c');
});

test('parseTap refuses a garbled capture', () => {
  assert.throws(() => parseTap('TAP version 13\n# [RUN] a ... with b\nok 1 x\nok 3 y\n'), TapError);
  assert.throws(() => parseTap('TAP version 13\nok 1 x\n'), TapError);
});

// The recordings are measurements: each must be a complete run whose rows add up to the totals
// kselftest printed at its end.
for (const rec of loadRecordings()) {
  test(`${rec.file}: complete run, rows match the plan and kselftest's totals`, () => {
    const { run } = rec;
    // kselftest ends a run with failures by "Bail out! N out of M tests failed" (ksft_exit_fail_msg):
    // any other bail-out means the selftest gave up part-way. scenarios.c's `not ok` rows are
    // observations (the pin does not see the process's page): it never bails out.
    if (rec.selftest === 'scenarios') assert.equal(run.bailOut, undefined, run.bailOut);
    else {
      const bail = /^Bail out! (\d+) out of (\d+) tests failed$/.exec(run.bailOut ?? 'Bail out! 0 out of 0 tests failed');
      assert.ok(bail, run.bailOut);
      assert.equal(Number(bail[1]), breakdown(run.rows)['not ok']);
    }
    assert.ok(run.plan !== undefined && run.plan > 0, 'no plan line');
    assert.equal(run.rows.length, run.plan);
    const totals = /pass:(\d+) fail:(\d+) xfail:(\d+) xpass:(\d+) skip:(\d+) error:(\d+)/.exec(run.totals ?? '');
    assert.ok(totals, 'no "# Totals:" line');
    const b = breakdown(run.rows);
    assert.deepEqual(
      { ok: b.ok, 'not ok': b['not ok'], xfail: b.xfail, skip: b.skip },
      { ok: Number(totals[1]), 'not ok': Number(totals[2]) + Number(totals[6]), xfail: Number(totals[3]), skip: Number(totals[5]) },
    );
    for (const field of ['kernel', 'config-sha256', rec.selftest === 'scenarios' ? 'program' : 'selftest', 'date']) assert.ok(run.header[field], `header lacks ${field}`);
    for (const row of run.rows) assert.ok(row.test.length > 0 && !row.test.includes(' ... with '), `row ${row.number} badly named`);
  });
}
