// A huge file is analysed in pieces (server/scan/slice.ts SlicePlan.pieces, analyze-source.ts):
// the answer must be the one analysis of the whole slice gives, and no parse may hold more than
// about a piece (issue 14: 330,000 calls in 20 MB parsed whole took 4 GB). The piece size is a
// parameter, so small files are cut here as a huge one would be.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadCParser, type CParser } from '../../server/engine/parser.js';
import { SourceAnalyzer } from '../../server/scan/analyze-source.js';
import { manyCallsSource } from '../../scripts/bench/many-calls.js';

const root = join(__dirname, '../..');
const FIXTURE_DIRS = ['examples', 'test/fixtures', 'test/scan/fixtures'].map((d) => join(root, d));

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.[ch]$/.test(entry.name)) yield path;
  }
}

/** The parser, counting the code (lines not emptied by the slicer) of each text it parses. */
function counting(parser: CParser): { parser: CParser; parsedCode: number[] } {
  const parsedCode: number[] = [];
  return {
    parsedCode,
    parser: {
      language: parser.language,
      query: (name) => parser.query(name),
      parse(text, old) {
        parsedCode.push(text.replace(/\n/g, '').length);
        return parser.parse(text, old);
      },
    },
  };
}

test('every fixture cut into the smallest pieces gives the answer of its whole slice', async () => {
  const parser = await loadCParser();
  let cut = 0;
  for (const path of FIXTURE_DIRS.flatMap((d) => [...sourceFiles(d)])) {
    const text = readFileSync(path, 'utf8');
    for (const kernel of ['6.1', '6.12']) {
      const whole = new SourceAnalyzer(parser, kernel).analyzeText(path, text);
      const pieces = new SourceAnalyzer(parser, kernel, true, undefined, undefined, undefined, 1);
      assert.deepEqual(pieces.analyzeText(path, text), whole, `${path} on ${kernel}`);
      if (pieces.counters.parsed > 2) cut++;
    }
  }
  assert.ok(cut >= 4, `only ${cut} fixture analyses were cut into pieces`);
});

test('functions the engine reads together stay in one piece; the rest are cut apart', async () => {
  const { parser, parsedCode } = counting(await loadCParser());
  const path = join(root, 'test/scan/fixtures/pieces.c');
  const text = readFileSync(path, 'utf8');
  for (const kernel of ['6.1', '6.12']) {
    const whole = new SourceAnalyzer(parser, kernel).analyzeText(path, text)!;
    parsedCode.length = 0;
    const analyzer = new SourceAnalyzer(parser, kernel, true, undefined, undefined, undefined, 1);
    const cut = analyzer.analyzeText(path, text)!;
    assert.deepEqual(cut, whole, kernel);
    // toy_pin + toy_release, toy_peek, toy_get + toy_fill, each toy_twice, toy_mark + toy_userptr_pin, toy_old/new.
    assert.ok(parsedCode.length >= 6, `${parsedCode.length} parses`);
    const fingerprints = cut.findings.map((f) => f.fingerprint);
    assert.equal(new Set(fingerprints).size, fingerprints.length, 'the two toy_twice findings keep distinct fingerprints');
    const mismatch = cut.findings.find((f) => f.code === 'pin-release-mismatch');
    assert.ok(mismatch, 'put_page() of pinned pages is found across functions');
  }
});

test('a file of many calls is parsed a piece at a time, with the answer of the whole', async () => {
  const { parser, parsedCode } = counting(await loadCParser());
  const text = manyCallsSource(2000, 'dense');
  const whole = new SourceAnalyzer(parser, '6.12').analyzeText('many.c', text)!;
  assert.equal(whole.calls.length, 2000);
  const pieceBytes = 16 * 1024;
  parsedCode.length = 0;
  const cut = new SourceAnalyzer(parser, '6.12', true, undefined, undefined, undefined, pieceBytes).analyzeText('many.c', text)!;
  assert.deepEqual(cut, whole);
  // Each parse holds about a piece of code (plus the directives), never the file (~120 KB).
  const largest = Math.max(...parsedCode);
  assert.ok(largest < pieceBytes + 1024, `a parse of ${largest} characters of code`);
  assert.ok(parsedCode.length >= text.length / (2 * pieceBytes), `${parsedCode.length} parses`);
});

test('a compat macro that two pieces use (and keep) is one wrapper of the file, as in its whole slice', async () => {
  const parser = await loadCParser();
  const text = [
    '#define DRV_PIN(start, nr, flags, pages) pin_user_pages_fast(start, nr, (flags) | FOLL_LONGTERM, pages)',
    'int a(unsigned long s, struct page **p)',
    '{',
    '\treturn DRV_PIN(s, 1, FOLL_WRITE, p) + get_user_pages_fast(s, 1, 0, p);',
    '}',
    'int b(unsigned long s, struct page **p)',
    '{',
    '\treturn DRV_PIN(s, 1, 0, p) + pin_user_pages_fast(s, 1, FOLL_LONGTERM, p);',
    '}',
    '',
  ].join('\n');
  const whole = new SourceAnalyzer(parser, '6.12').analyzeText('drv.c', text)!;
  const pieces = new SourceAnalyzer(parser, '6.12', true, undefined, undefined, undefined, 1);
  const cut = pieces.analyzeText('drv.c', text)!;
  assert.ok(pieces.counters.parsed > 2, 'the file was cut into pieces');
  assert.deepEqual(whole.wrappers?.map((w) => w.name), ['DRV_PIN']);
  assert.deepEqual(cut, whole);
});
