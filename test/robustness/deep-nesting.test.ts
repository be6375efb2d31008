// Regression tests: input nested 50,000 levels deep (and a 50,000-long macro chain) used to throw
// "Maximum call stack size exceeded" from the flag flow, or run for minutes in web-tree-sitter's
// parent lookups (a call under 50,000 nested ifs did not finish in 300 s). The engine now declines
// such files (FileAnalysis.skipped) and stops following macro chains after a bounded depth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadCParser } from '../../server/engine/parser.js';
import { analyzeFile } from '../../server/engine/index.js';
import { MAX_NESTING, nestedDeeperThan } from '../../server/engine/nesting.js';
import type { SyntaxNode } from '../../server/engine/syntax.js';

const N = 50_000;
const LIVENESS = { timeout: 120_000 };

/** Each shape nests the flags argument (or the code before the call) `n` levels deep. */
const SHAPES: Record<string, (n: number) => string> = {
  parentheses: (n) => `int f(void){ return pin_user_pages_fast(0, 1, ${'('.repeat(n)}FOLL_WRITE${')'.repeat(n)}, 0); }\n`,
  'or-chain': (n) => `int f(void){ return pin_user_pages_fast(0, 1, ${Array(n).fill('FOLL_WRITE').join(' | ')}, 0); }\n`,
  'ternary-chain': (n) => `int f(int c){ return pin_user_pages_fast(0, 1, ${'c ? FOLL_WRITE : '.repeat(n)}0, 0); }\n`,
  complements: (n) => `int f(void){ return pin_user_pages_fast(0, 1, ${'~'.repeat(n)}FOLL_WRITE, 0); }\n`,
  'ifs-before-call': (n) =>
    `int f(int c){ unsigned int flags = 0;\n${'if (c) {\n'.repeat(n)}flags |= FOLL_FORCE;\n${'}\n'.repeat(n)}return pin_user_pages_fast(0, 1, flags, 0); }\n`,
  'call-inside-ifs': (n) =>
    `int f(int c){ unsigned int flags = FOLL_WRITE;\n${'if (c) {\n'.repeat(n)}return pin_user_pages_fast(0, 1, flags | FOLL_FORCE, 0);\n${'}\n'.repeat(n)}}\n`,
  braces: (n) => `int f(void){ pin_user_pages(0, 1, FOLL_FORCE, 0); ${'{'.repeat(n)}${'}'.repeat(n)} }\n`,
};

for (const [name, make] of Object.entries(SHAPES)) {
  test(`${name}, ${N} deep: analysed without a crash and declined as too deep`, LIVENESS, async () => {
    const parser = await loadCParser();
    const analysis = analyzeFile(parser, 'deep.c', make(N), { kernel: '6.1' });
    assert.deepEqual(analysis.calls, []);
    assert.deepEqual(analysis.findings, []);
    assert.match(analysis.skipped ?? '', /nested more than \d+ levels/);
  });

  test(`${name}, 5 deep: analysed in full (the guard leaves real code alone)`, async () => {
    const parser = await loadCParser();
    const analysis = analyzeFile(parser, 'shallow.c', make(5), { kernel: '6.1' });
    assert.equal(analysis.skipped, undefined);
    assert.equal(analysis.calls.length, 1);
  });
}

test(`a macro value ${N} deep is not followed; the call is still found`, LIVENESS, async () => {
  const parser = await loadCParser();
  const text = `#define DEEP ${Array(N).fill('FOLL_WRITE').join(' | ')}\nint f(void){ return pin_user_pages_fast(0, 1, DEEP, 0); }\n`;
  const analysis = analyzeFile(parser, 'macro.c', text, { kernel: '6.1' });
  assert.equal(analysis.calls.length, 1);
  assert.deepEqual(analysis.calls[0]!.flagSets.map((s) => s.unknown), [['DEEP']]);
});

test(`a chain of ${N} macros is followed a bounded number of levels, then marked unknown`, LIVENESS, async () => {
  const parser = await loadCParser();
  const chain = (n: number) =>
    Array.from({ length: n }, (_, i) => `#define M${i} ${i === 0 ? 'FOLL_FORCE' : `M${i - 1}`}\n`).join('') +
    `int f(void){ return pin_user_pages_fast(0, 1, M${n - 1}, 0); }\n`;
  const long = analyzeFile(parser, 'chain.c', chain(N), { kernel: '6.1' });
  assert.equal(long.calls.length, 1);
  assert.deepEqual(long.calls[0]!.flagSets[0]!.flags, []);
  assert.equal(long.calls[0]!.flagSets[0]!.unknown.length, 1);
  // A short chain still resolves to the flag at its end.
  const short = analyzeFile(parser, 'chain.c', chain(8), { kernel: '6.1' });
  assert.deepEqual(short.calls[0]!.flagSets[0]!.flags, ['FOLL_FORCE']);
});

/** The exact height of a tree, by a full cursor walk. */
function height(root: SyntaxNode): number {
  const cursor = root.walk();
  let depth = 0;
  let max = 0;
  for (;;) {
    max = Math.max(max, depth);
    if (cursor.gotoFirstChild()) {
      depth++;
      continue;
    }
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        cursor.delete();
        return max;
      }
      depth--;
    }
  }
}

test('property: the fast nesting guard agrees with the exact height on arbitrary C-ish text', async () => {
  const parser = await loadCParser();
  const token = fc.constantFrom('(', ')', '{', '}', '[', ']', '?', ':', '~', '!', '|', ';', ' ', '\n', 'x', 'FOLL_WRITE', 'if (c) ', 'else ', '"', "'", '/*', '*/', '#define A ', '\\\n', '\0');
  await fc.assert(
    fc.asyncProperty(fc.array(token, { maxLength: 400 }), fc.integer({ min: 0, max: 60 }), async (tokens, limit) => {
      const tree = parser.parse(tokens.join(''));
      try {
        const exact = height(tree.rootNode);
        assert.equal(nestedDeeperThan(tree.rootNode, limit), exact > limit, `height ${exact}, limit ${limit}`);
      } finally {
        tree.delete();
      }
    }),
    { numRuns: 300, seed: 7 },
  );
  assert.ok(MAX_NESTING >= 100, 'the default limit leaves room for real code');
});
