// The document's tree is re-parsed only when something reads it, and the analysis reads it only
// when the code calls an entry point: typing in a file like mm/gup.c (which defines the entry
// points and calls none) costs no parse (issue 6's edit -> diagnostics goal).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCParser, type CParser } from '../../server/engine/parser.js';
import { Analyzer } from '../../server/lsp/analysis.js';
import { DocumentStore } from '../../server/lsp/document-store.js';

async function countingParser(): Promise<{ parser: CParser; parses: () => number }> {
  const real = await loadCParser();
  let count = 0;
  const parser: CParser = {
    language: real.language,
    query: (name) => real.query(name),
    parse: (text, old) => {
      count++;
      return real.parse(text, old);
    },
  };
  return { parser, parses: () => count };
}

// Defines entry points and mentions one in a comment, calls none (as 6.12's mm/gup.c).
const DEFINES = `/* callers use pin_user_pages(addr, n, FOLL_LONGTERM, pages) */
long pin_user_pages(unsigned long start, unsigned long nr_pages,
\t\t    unsigned int gup_flags, struct page **pages)
{
\treturn __gup_longterm_locked(current->mm, start, nr_pages, pages, gup_flags | FOLL_PIN);
}
`;

const CALLS = `static int pin(unsigned long addr, struct page **pages)
{
\treturn pin_user_pages_fast(addr, 1, FOLL_FORCE | FOLL_LONGTERM, pages);
}
`;

const at = (line: number, character: number) => ({ start: { line, character }, end: { line, character } });

test('typing in a file that calls no entry point publishes its (empty) analysis without a parse', async () => {
  const { parser, parses } = await countingParser();
  const store = new DocumentStore(parser);
  const analyzer = new Analyzer(() => []);
  const doc = store.open('file:///t/gup.c', 'c', 1, DEFINES);
  assert.deepEqual(analyzer.analyze(doc).calls, []);
  for (let v = 2; v < 12; v++) {
    store.change(doc.uri, v, [{ range: at(4, 1), text: v % 2 ? ' ' : '\n' }]);
    assert.deepEqual(analyzer.analyze(store.get(doc.uri)!).findings, []);
  }
  assert.equal(parses(), 0);
  // The tree is still there, and current, once something asks for it.
  assert.match(store.get(doc.uri)!.tree.rootNode.toString(), /function_definition/);
  assert.equal(parses(), 1);
  store.dispose();
});

test('a file that calls one: several changes, then one incremental re-parse when the analysis needs the tree', async () => {
  const { parser, parses } = await countingParser();
  const store = new DocumentStore(parser);
  const analyzer = new Analyzer(() => []);
  const doc = store.open('file:///t/drv.c', 'c', 1, CALLS);
  assert.equal(analyzer.analyze(doc).findings.filter((f) => f.code === 'foll-force-misuse').length, 1);
  assert.equal(parses(), 1);
  store.change(doc.uri, 2, [{ range: { start: { line: 2, character: 38 }, end: { line: 2, character: 51 } }, text: '' }]);
  store.change(doc.uri, 3, [{ range: at(2, 1), text: ' ' }]);
  assert.equal(parses(), 1, 'changes alone parse nothing');
  const after = analyzer.analyze(store.get(doc.uri)!);
  assert.equal(parses(), 2);
  assert.equal(after.findings.filter((f) => f.code === 'foll-force-misuse').length, 0);
  assert.deepEqual(after.calls[0]?.flagSets.map((s) => s.flags), [['FOLL_LONGTERM']]);
  // The same version and text again: the cached analysis, no parse.
  assert.equal(analyzer.analyze(store.get(doc.uri)!), after);
  assert.equal(parses(), 2);
  store.dispose();
});
