// Regression tests for a tree-sitter crash found by `npm run fuzz` (seed 7, input 4584: step.c
// with a long line of `/* c */`): some 2,400 comments in a row after an ambiguous statement made
// the wasm parser overflow its stack ("RuntimeError: memory access out of bounds") and left the
// module corrupted, so every later parse in the process failed. The parser now sees long comment
// runs thinned (comment-runs.ts); these tests hold that and its "same offsets" promise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadCParser } from '../../server/engine/parser.js';
import { analyzeFile } from '../../server/engine/index.js';
import { MAX_RUN, thinCommentRuns } from '../../server/engine/comment-runs.js';

const CALL = '\treturn pin_user_pages_fast(0, 1, FOLL_WRITE | FOLL_FORCE, p);\n';
const crashers: Record<string, string> = {
  '3,000 line comments after foo(x);': `static int f(struct page **p)\n{\n\tfoo(x);\n${'\t// c\n'.repeat(3000)}${CALL}}\n`,
  '3,000 block comments after a * b;': `static int f(struct page **p)\n{\n\ta * b;\n${'\t/* c */\n'.repeat(3000)}${CALL}}\n`,
  '5,000 block comments on one line': `static int f(struct page **p)\n{\n\tunsigned long x;\n${'/* c */'.repeat(5000)}\n${CALL}}\n`,
};

for (const [name, text] of Object.entries(crashers)) {
  test(`${name}: parsed and analysed, and the parser still works afterwards`, async () => {
    const parser = await loadCParser();
    const analysis = analyzeFile(parser, 'comments.c', text, { kernel: '6.1' });
    assert.equal(analysis.calls.length, 1);
    assert.deepEqual(analysis.findings.map((f) => f.code), ['foll-force-misuse']);
    // The finding sits where the text has it: positions are the text's own.
    const line = text.split('\n')[analysis.findings[0]!.range.start.row]!;
    assert.equal(line.slice(analysis.findings[0]!.range.start.column, analysis.findings[0]!.range.end.column), 'FOLL_FORCE');
    const after = parser.parse('int x;\n');
    assert.equal(after.rootNode.hasError, false);
    after.delete();
  });
}

test('property: thinning changes only comment characters, to spaces, and keeps every line break', () => {
  const piece = fc.constantFrom('/* c */', '// c\n', '/* a\nb */', ' ', '\n', '\t', 'x;', '"//"', "'/'", '"a\\"b"', '\\\n', '/', '*', '#if X\n');
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 200 }), fc.integer({ min: 0, max: 6 }), (pieces, maxRun) => {
      const text = pieces.join('');
      const thin = thinCommentRuns(text, maxRun);
      assert.equal(thin.length, text.length);
      for (let i = 0; i < text.length; i++) {
        if (thin[i] === text[i]) continue;
        assert.equal(thin[i], ' ', `position ${i}`);
        assert.ok(text[i] !== '\n' && text[i] !== '\r', 'a line break was blanked');
      }
      // What is left of comments: no run longer than maxRun (counted on the thinned text).
      assert.equal(thinCommentRuns(thin, maxRun), thin);
    }),
    { numRuns: 500, seed: 23 },
  );
});

test(`a run of up to ${MAX_RUN} comments is left alone; strings with // are not comments`, () => {
  const ok = `int f(void)\n{\n${'\t// c\n'.repeat(MAX_RUN)}}\n`;
  assert.equal(thinCommentRuns(ok), ok);
  const strings = `${'char *s = "// not a comment";\n'.repeat(MAX_RUN * 2)}`;
  assert.equal(thinCommentRuns(strings), strings);
});
