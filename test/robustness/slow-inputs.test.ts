// Regression tests for inputs that took minutes (found by `npm run fuzz`), each with its minimal
// shape. No timing is asserted: each test has a time limit far above the fixed cost (milliseconds)
// and far below the old one (minutes), so a return of the old behaviour fails it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sliceForAnalysis } from '../../server/scan/slice.js';
import { ENGINE_REACH } from '../../server/scan/engine-reach.js';

test('slice: a 300,000-character word (in a comment, before a function body) is scanned once', { timeout: 30_000 }, () => {
  // definedNames() searched /([A-Za-z_]\w*)\s*\(/ from every position inside the word: quadratic,
  // about 150 s for this input (seed 7, input 3001: ptrace32.c with a long line of x).
  const text = `/* ${'x'.repeat(300_000)} */\nstatic int f(struct page **p)\n{\n\treturn pin_user_pages_fast(0, 1, FOLL_WRITE, p);\n}\n`;
  const slice = sliceForAnalysis(text, ENGINE_REACH);
  assert.ok(slice.text.includes('pin_user_pages_fast'));
});
