// The call hover opens with a summary of at most 15 lines (server/lsp/hover-summary.ts); the table
// per memory kind and the traces come after it. A short-term call says that a snapshot is all it
// needs before any "incoherent" verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../engine/helpers.js';
import { callHoverMarkdown } from '../../server/lsp/hover-call.js';
import { findingsOnCall } from '../../server/lsp/hover.js';
import { SUMMARY_MAX_LINES } from '../../server/lsp/hover-summary.js';
import { isFastEntryPoint, isPinningEntryPoint, simulatePins } from '../../server/lsp/simulation.js';
import { describeSymbol, renderSymbolMarkdown } from '../../server/knowledge/index.js';

const root = join(__dirname, '../..');

async function hover(text: string, kernel: string, callee: string): Promise<{ summary: string[]; md: string }> {
  const analysis = await analyze(text, kernel);
  const call = analysis.calls.find((c) => c.callee === callee);
  assert.ok(call, `a call of ${callee}()`);
  const md = callHoverMarkdown({
    call,
    kernel,
    kernelNote: `kernel ${kernel} (test)`,
    fast: isFastEntryPoint(callee, kernel),
    pins: isPinningEntryPoint(callee, kernel),
    simulate: simulatePins,
    findings: findingsOnCall(analysis.findings, call),
  });
  const lines = md.split('\n');
  return { summary: lines.slice(0, lines.indexOf('---')), md };
}

const EXEC = [
  'static int get_arg_page(struct linux_binprm *bprm, unsigned long pos, int write, struct page **page)',
  '{',
  '\tunsigned int gup_flags = FOLL_FORCE;',
  '',
  '\tif (write)',
  '\t\tgup_flags |= FOLL_WRITE;',
  '\treturn get_user_pages_remote(bprm->mm, pos, 1, gup_flags, page, NULL, NULL);',
  '}',
  '',
].join('\n');

test('a long-term call: a summary of at most 15 lines with each flag set\'s verdict and the findings; the table and the trace after it', async () => {
  const text = readFileSync(join(root, 'examples/drivers/media/toy_dma_sg.c'), 'utf8');
  const { summary, md } = await hover(text, '6.1', 'pin_user_pages');
  assert.ok(summary.length > 0 && summary.length <= SUMMARY_MAX_LINES, `${summary.length} lines:\n${summary.join('\n')}`);
  const head = summary.join('\n');
  assert.match(head, /target kernel \*\*6\.1\*\*/);
  assert.match(head, /DMA_TO_DEVICE`, `FOLL_FORCE\|FOLL_LONGTERM`: ❌ incoherent on \d+ of \d+ memory kinds \(.*shared zeropage/);
  assert.match(head, /`longterm-readonly`: Read-only long-term pin is not reliable on Linux 6\.1:/);
  assert.doesNotMatch(head, /Short-term/);
  assert.doesNotMatch(head, /\| slow path/);
  assert.doesNotMatch(head, /gup_must_unshare\(\) ->/);
  // The detail is still in the hover, in its second section.
  const rest = md.slice(head.length);
  assert.match(rest, /\| slow path \| memory kinds \|/);
  assert.match(rest, /gup_must_unshare\(\) -> false/);
  assert.match(rest, /mapping of: anon-untouched, shared-zeropage/);
});

test('a short-term call (exec\'s argument copy): the summary says first that a snapshot is all it needs, then the verdicts', async () => {
  const { summary } = await hover(EXEC, '6.1', 'get_user_pages_remote');
  assert.ok(summary.length <= SUMMARY_MAX_LINES, `${summary.length} lines:\n${summary.join('\n')}`);
  const head = summary.join('\n');
  const snapshot = head.indexOf('a snapshot of the pages at call time is all this call needs');
  const incoherent = head.indexOf('❌ incoherent');
  assert.ok(snapshot > 0, head);
  assert.ok(incoherent > snapshot, `the snapshot sentence comes before the first verdict:\n${head}`);
});

test('a call reached by many flag sets still opens with at most 15 lines', async () => {
  const cases = ['FOLL_WRITE', 'FOLL_FORCE', 'FOLL_LONGTERM', 'FOLL_WRITE | FOLL_LONGTERM', 'FOLL_FORCE | FOLL_WRITE | FOLL_LONGTERM', '0'];
  const text = [
    'long f(unsigned long s, unsigned long n, int mode, struct page **p)',
    '{',
    '\tunsigned int flags;',
    '',
    '\tswitch (mode) {',
    ...cases.map((flags, i) => `\tcase ${i}:\n\t\tflags = ${flags};\n\t\tbreak;`),
    '\tdefault:\n\t\tflags = FOLL_LONGTERM | FOLL_FORCE;',
    '\t}',
    '\treturn pin_user_pages(s, n, flags, p, NULL);',
    '}',
    '',
  ].join('\n');
  const { summary, md } = await hover(text, '6.1', 'pin_user_pages');
  assert.ok(summary.length <= SUMMARY_MAX_LINES, `${summary.length} lines:\n${summary.join('\n')}`);
  assert.match(summary.join('\n'), /and \d+ more flag sets below/);
  assert.match(md, /Flag set 7 of 7/);
});

test('a release number not verified in a tree reads as unverified, not as withdrawn', () => {
  const md = renderSymbolMarkdown(describeSymbol('pin_user_pages_fast_only', '6.1')!);
  assert.match(md, /6\.3 \(release from memory, unverified\): Removed\./);
  assert.doesNotMatch(md, /recalled/);
});
