// The sim-core subcommands of the pinsight CLI: cow-table, behaviours, simulate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { commands } from '../../server/cli/commands.js';
import { runCli } from '../../server/cli/main.js';
import { parseTap } from '../../scripts/kernel-truth/tap.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(commands, argv, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n'), cwd: process.cwd() });
  return { code, out, err };
}

test('cow-table prints TAP the way cow.c does, and the seed rows per kernel', async () => {
  const old = await cli('cow-table', '--kernel', '6.1');
  assert.equal(old.code, 0, old.err);
  const run = parseTap(old.out);
  assert.equal(run.rows.length, 173);
  assert.equal(run.plan, 173);
  assert.deepEqual(run.thpSizesKb, [2048]);
  const seed = run.rows.filter((r) => r.test.startsWith('R/O longterm GUP'));
  assert.equal(seed.length, 10);
  assert.ok(seed.every((r) => r.result === 'not ok' && r.message === 'Longterm R/O pin is reliable'));
  assert.match(old.out, /^# \[RUN\] R\/O longterm GUP-fast pin \.\.\. with memfd hugetlb \(2048 kB\)\nnot ok \d+ Longterm R\/O pin is reliable$/m);
  assert.match(old.out, /^ok \d+ # XFAIL Leak from parent into child$/m);
  assert.match(old.out, /^# Totals: pass:158 fail:10 xfail:4 xpass:0 skip:1 error:0$/m);
});

for (const version of ['6.1', '6.12']) {
  const recorded = new URL(`../kernel-truth/cow-${version}.tap`, import.meta.url);
  test(`cow-table --kernel ${version} prints, after its header, the same TAP as the recorded real run`, { skip: existsSync(recorded) ? false : 'no recording' }, async () => {
    const tapOf = (text: string) => text.slice(text.indexOf('TAP version')).trimEnd();
    const r = await cli('cow-table', '--kernel', version);
    assert.equal(tapOf(r.out), tapOf(readFileSync(recorded, 'utf8')));
  });
}

test('cow-table --json: kernel and rows with test, memory, result and trace', async () => {
  const r = await cli('cow-table', '--kernel', '6.2', '--json', '--thp-sizes', '2048', '--huge-1g');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as { kernel: string; rows: Array<{ test: string; memory: string; result: string; trace: unknown[] }> };
  assert.equal(j.kernel, '6.2');
  const row = j.rows.find((x) => x.test === 'R/O longterm GUP pin' && x.memory === 'memfd hugetlb (1048576 kB)')!;
  assert.equal(row.result, 'ok');
  assert.ok(Array.isArray(row.trace) && row.trace.length > 0);
});

test('cow-table --without flips the seed rows; --no-trace leaves traces out', async () => {
  const r = await cli('cow-table', '--kernel', '6.2', '--without', 'unshare-longterm-ro-cow', '--json', '--no-trace');
  const j = JSON.parse(r.out) as { rows: Array<{ test: string; result: string; trace?: unknown }> };
  assert.equal(j.rows.filter((x) => x.result === 'not ok').length, 10);
  assert.ok(j.rows.every((x) => x.trace === undefined));
});

test('cow-table defaults its THP sizes to what the kernel offers', async () => {
  const r = await cli('cow-table', '--kernel', '6.12');
  const run = parseTap(r.out);
  assert.deepEqual(run.thpSizesKb, [16, 32, 64, 128, 256, 512, 1024, 2048]);
  assert.equal(run.rows.length, 761);
});

test('behaviours lists the switches, and which are on for a kernel', async () => {
  const all = await cli('behaviours');
  assert.equal(all.code, 0);
  assert.match(all.out, /^unshare-longterm-ro-cow {2}\(since 6\.2\)$/m);
  assert.match(all.out, /mm\/internal\.h gup_must_unshare\(\)/);
  const j = JSON.parse((await cli('behaviours', '--kernel', '6.1', '--json')).out) as { behaviours: Array<{ name: string; on: boolean; commit: string }> };
  assert.equal(j.behaviours.find((b) => b.name === 'unshare-longterm-ro-cow')!.on, false);
  const onIn = async (version: string): Promise<Map<string, boolean>> => {
    const r = JSON.parse((await cli('behaviours', '--kernel', version, '--json')).out) as { behaviours: Array<{ name: string; on: boolean }> };
    return new Map(r.behaviours.map((b) => [b.name, b.on]));
  };
  // 5.10 is the model's baseline: no switch on
  assert.ok([...(await onIn('5.10')).values()].every((on) => !on));
  const k612 = await onIn('6.12');
  for (const n of ['unshare-longterm-ro-cow', 'anon-exclusive', 'wp-never-reuse-large-folio', 'hugetlb-force-write-refused']) assert.equal(k612.get(n), true, n);
  for (const n of ['collapse-ro-anon', 'wp-reuse-large-anon-folio']) assert.equal(k612.get(n), false, n);
  // a behaviour with an `until` is off again from that release on, and says so
  const k73 = await onIn('7.3');
  for (const n of ['wp-never-reuse-large-folio', 'hugetlb-force-write-refused']) assert.equal(k73.get(n), false, n);
  assert.equal([...k73.values()].filter((on) => !on).length, 2);
  assert.match(all.out, /^wp-never-reuse-large-folio {2}\(since 6\.8, until 6\.15\)$/m);
});

test('simulate prints the trace and the verdict', async () => {
  const r = await cli('simulate', '--kernel', '6.12', '--memory', 'shared-zeropage', '--mapping', 'private', '--flags', 'FOLL_LONGTERM', '--path', 'fast', '--then', 'write');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /gup_must_unshare\(\) -> true: non-anon page \(shared zeropage\) in a COW mapping, R\/O FOLL_LONGTERM/);
  assert.match(r.out, /^verdict: coherent$/m);
  const old = await cli('simulate', '--kernel', '6.1', '--memory', 'shared-zeropage', '--flags', 'FOLL_LONGTERM');
  assert.match(old.out, /^verdict: incoherent$/m);
});

test('simulate: MAP_SHARED regular file, FOLL_LONGTERM|FOLL_WRITE: allowed on 6.1, -EFAULT on 6.5', async () => {
  const args = ['--memory', 'pagecache', '--mapping', 'shared', '--flags', 'FOLL_LONGTERM,FOLL_WRITE', '--json'];
  const v61 = JSON.parse((await cli('simulate', '--kernel', '6.1', ...args)).out) as { verdict: string };
  assert.equal(v61.verdict, 'coherent');
  const v65 = JSON.parse((await cli('simulate', '--kernel', '6.5', ...args)).out) as { verdict: string; errno: string };
  assert.equal(v65.verdict, 'refused');
  assert.equal(v65.errno, '-EFAULT');
});

test('unknown names: one line listing the valid ones, exit 2', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['cow-table', '--kernel', '6.2', '--without', 'nope'], /unknown behaviour 'nope' \(valid: unshare-longterm-ro-cow, /],
    [['cow-table'], /--kernel V is required/],
    [['cow-table', '--kernel', 'x.y'], /bad kernel version 'x\.y'/],
    [['cow-table', '--kernel', '6.1', '--thp-sizes', '16,2048'], /needs multi-size THP/],
    [['cow-table', '--kernel', '6.1', '--thp-sizes', 'big'], /--thp-sizes: expected sizes in kB/],
    [['simulate', '--kernel', '6.12', '--memory', 'nope'], /unknown memory kind 'nope' \(valid: anon, /],
    [['simulate', '--kernel', '6.12', '--memory', 'anon', '--flags', 'FOLL_NOPE'], /unknown flag 'FOLL_NOPE' \(valid: FOLL_WRITE, /],
    [['simulate', '--kernel', '6.12', '--memory', 'anon', '--mapping', 'weird'], /unknown mapping 'weird' \(valid: private, shared\)/],
    [['simulate', '--kernel', '6.12', '--memory', 'anon', '--then', 'explode'], /unknown step 'explode' \(valid: write, /],
    [['simulate', '--kernel', '6.12', '--memory', 'anon', '--bogus'], /Unknown option '--bogus'/],
    [['behaviours', '--with', 'anon-mthp'], /--with\/--without need --kernel V/],
  ];
  for (const [argv, want] of cases) {
    const r = await cli(...argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.err, want, argv.join(' '));
    assert.equal(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
  }
});
