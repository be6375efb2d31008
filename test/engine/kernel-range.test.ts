// A project that declares the kernels it supports (`.pinsight.json` "kernels"): every finding of
// the range, each saying where it holds, and no fix that is wrong on a kernel of the range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCParser } from '../../server/engine/parser.js';
import { analyzeTree } from '../../server/engine/index.js';
import { describeHolds, representativeKernels } from '../../server/engine/kernel-range.js';
import { firstReleaseWith } from '../../sim-core/index.js';
import type { FileAnalysis, KernelRange } from '../../server/engine/types.js';

async function analyze(text: string, kernel: string, kernels?: KernelRange): Promise<FileAnalysis> {
  const parser = await loadCParser();
  const tree = parser.parse(text);
  try {
    return analyzeTree(text, tree, { kernel, kernels });
  } finally {
    tree.delete();
  }
}

const RANGE = { from: '6.1', to: '6.12' };
const fn = (body: string) => `int f(unsigned long s, int n, bool writable, struct page **p)\n{\n${body}\n}\n`;
const RO_PIN = fn('\treturn pin_user_pages_fast(s, n, FOLL_LONGTERM, p);');
const RO_IDIOM = fn('\tunsigned int flags = FOLL_LONGTERM | FOLL_WRITE;\n\n\tif (!writable)\n\t\tflags |= FOLL_FORCE;\n\treturn pin_user_pages_fast(s, n, flags, p);');
const UNLOCKED_LONGTERM = fn('\treturn pin_user_pages_unlocked(s, n, p, FOLL_LONGTERM | FOLL_WRITE);');

test('kernel range: one kernel per stretch of releases on which nothing the analysis reads changes', () => {
  const kernels = representativeKernels(RANGE);
  assert.equal(kernels[0], '6.1');
  // Where GUP starts to break COW before a read-only long-term pin: a stretch of its own.
  assert.ok(kernels.includes(firstReleaseWith('unshare-longterm-ro-cow')), kernels.join(' '));
  assert.deepEqual([...kernels].sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1])), kernels);
  assert.ok(kernels.every((k) => k.startsWith('6.') && Number(k.split('.')[1]) <= 12));
});

test('kernel range: where a finding holds, in words', () => {
  const kernels = ['6.1', '6.2', '6.5'];
  assert.equal(describeHolds(kernels, new Set(kernels), RANGE), 'holds on all of them');
  assert.equal(describeHolds(kernels, new Set(['6.1']), RANGE), 'holds before 6.2; not from 6.2');
  assert.equal(describeHolds(kernels, new Set(['6.2', '6.5']), RANGE), 'not before 6.2; holds from 6.2');
  assert.equal(describeHolds(kernels, new Set(['6.2']), RANGE), 'not before 6.2; holds from 6.2 to before 6.5; not from 6.5');
});

test('kernel range: a read-only long-term pin is a warning where it is unreliable and a note from 6.2', async () => {
  const { findings } = await analyze(RO_PIN, '6.1', RANGE);
  const readOnly = findings.filter((f) => f.code === 'longterm-readonly').map((f) => [f.severity, f.onKernels?.holds]);
  assert.deepEqual(readOnly, [
    ['warning', 'holds before 6.2; not from 6.2'],
    ['information', 'not before 6.2; holds from 6.2'],
  ]);
  assert.match(findings[0]!.message, /On this project's kernels \(6\.1\.\.6\.12\): holds before 6\.2; not from 6\.2\.$/);
});

test('kernel range: a driver that still supports 6.1 keeps the FOLL_FORCE idiom, even analysed as 6.12', async () => {
  const alone = (await analyze(RO_IDIOM, '6.12')).findings.find((f) => f.code === 'foll-force-misuse')!;
  assert.equal(alone.severity, 'warning');
  assert.ok(alone.fixes.some((f) => f.preferred), 'on 6.12 alone the idiom goes');
  for (const target of ['6.1', '6.12']) {
    const forced = (await analyze(RO_IDIOM, target, RANGE)).findings.filter((f) => f.code === 'foll-force-misuse');
    assert.deepEqual(forced.map((f) => [f.severity, f.onKernels?.holds, f.fixes.length]), [['information', 'holds on all of them', 0]], target);
    assert.match(forced[0]!.message, /coherent on Linux 6\.1; keep it until/);
  }
});

test('kernel range: a check a later kernel dropped says where it holds; a fix offered on every kernel stays', async () => {
  const { findings } = await analyze(UNLOCKED_LONGTERM, '6.1', RANGE);
  const rejected = findings.find((f) => f.code === 'rejected-flags')!;
  assert.equal(rejected.onKernels?.holds, 'holds before 6.3; not from 6.3');
  const legacy = await analyze(fn('\treturn get_user_pages_fast(s, n, 1, p);'), '6.1', RANGE);
  const write = legacy.findings.find((f) => f.code === 'legacy-write-flag')!;
  assert.equal(write.onKernels?.holds, 'holds on all of them');
  assert.equal(write.fixes.length, 1);
});

test('kernel range: a target outside the range is analysed as itself', async () => {
  const { findings } = await analyze(RO_PIN, '5.10', RANGE);
  assert.ok(findings.every((f) => f.onKernels === undefined));
});
