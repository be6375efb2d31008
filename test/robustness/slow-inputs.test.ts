// Regression tests for inputs that took minutes (found by `npm run fuzz`), each with its minimal
// shape. No timing is asserted: each test has a time limit far above the fixed cost (milliseconds)
// and far below the old one (minutes), so a return of the old behaviour fails it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadCParser, parseBudgetMs } from '../../server/engine/parser.js';
import { analyzeFile } from '../../server/engine/index.js';
import { SourceAnalyzer } from '../../server/scan/analyze-source.js';
import { sliceForAnalysis } from '../../server/scan/slice.js';
import { LspClient } from '../../scripts/fuzz/lsp-client.js';
import { ENGINE_REACH } from '../../server/scan/engine-reach.js';

test('slice: a 300,000-character word (in a comment, before a function body) is scanned once', { timeout: 30_000 }, () => {
  // definedNames() searched /([A-Za-z_]\w*)\s*\(/ from every position inside the word: quadratic,
  // about 150 s for this input (seed 7, input 3001: ptrace32.c with a long line of x).
  const text = `/* ${'x'.repeat(300_000)} */\nstatic int f(struct page **p)\n{\n\treturn pin_user_pages_fast(0, 1, FOLL_WRITE, p);\n}\n`;
  const slice = sliceForAnalysis(text, ENGINE_REACH);
  assert.ok(slice.text.includes('pin_user_pages_fast'));
});

// tree-sitter's error recovery is quadratic on some broken inputs: 45,000 `| FOLL_WRITE` in a
// parameter list took 37 s to parse (seed 7, input 633: radeon_ttm.c with a long line), 70,000
// more than 120 s. Parses now have a budget (parseBudgetMs); a text the parser gives up on is
// declined by every path with a reason, instead of hanging the CLI or the language server.
const RECOVERY_BOMB = `void f(struct a${' | FOLL_WRITE'.repeat(45_000)} *x)\n{\n\tpin_user_pages_fast(0, 1, FOLL_FORCE, 0);\n}\n`;

test('a text tree-sitter cannot parse in its budget is declined, with the reason, by analyzeFile and the whole-tree scan', { timeout: 60_000 }, async () => {
  const parser = await loadCParser();
  assert.ok(parseBudgetMs(RECOVERY_BOMB.length) < 5_000);
  const analysis = analyzeFile(parser, 'bomb.c', RECOVERY_BOMB, { kernel: '6.1' });
  assert.deepEqual(analysis.calls, []);
  assert.match(analysis.skipped ?? '', /the C parser gave up/);
  assert.equal(new SourceAnalyzer(parser, '6.1', false).analyzeText('bomb.c', RECOVERY_BOMB), undefined);
  // The parser is usable again at once: the next text parses in full.
  const next = analyzeFile(parser, 'ok.c', 'int f(struct page **p) { return pin_user_pages_fast(0, 1, FOLL_FORCE, p); }\n', { kernel: '6.1' });
  assert.equal(next.calls.length, 1);
  assert.equal(next.skipped, undefined);
});

test('the language server stays responsive on such a document, and recovers once it is edited', { timeout: 120_000 }, async () => {
  const client = new LspClient(process.env.PINSIGHT_LSP_SERVER ?? join(__dirname, '../../dist/server.js'));
  await client.initialize();
  const uri = 'file:///slow/bomb.c';
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: RECOVERY_BOMB } });
  const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 3 } }, 20_000); // the parse alone used to take 37 s
  assert.equal(hover.message.error, undefined);
  // Replace the bomb by a plain parameter: the next parse succeeds and the call is analysed.
  const end = { line: 0, character: RECOVERY_BOMB.indexOf('\n') };
  client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end }, text: 'void f(int *x)' }] });
  const state = await client.request('pinsight/documentText', { textDocument: { uri } });
  assert.equal(state.message.result.treeMatchesText, true);
  const actions = await client.request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 2, character: 0 }, end: { line: 2, character: 40 } }, context: { diagnostics: [] } });
  assert.ok(actions.message.result.length > 0, 'the FOLL_FORCE is found once the file parses');
  await client.stop();
});
