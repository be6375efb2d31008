// Regression test: enclosingFunction() used to walk up with `node.parent`, which web-tree-sitter
// answers by walking down from the root: a walk from depth d cost d², and a mutated bio.c (a
// 600,000-character line of parentheses, nesting under the 500-level guard) took 6 s in
// collectPageRefs alone. It now finds the function by position. This checks it gives the same
// answer as the walk on every call of real and generated files, and never asks for a parent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Node } from 'web-tree-sitter';
import { loadCParser } from '../../server/engine/parser.js';
import { enclosingFunction, type SyntaxNode } from '../../server/engine/syntax.js';

function byWalkingUp(node: SyntaxNode): SyntaxNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'function_definition') return n;
  return undefined;
}

/** Counts `node.parent` lookups while `run` runs. */
function countParentLookups(run: () => void): number {
  const descriptor = Object.getOwnPropertyDescriptor(Node.prototype, 'parent')!;
  let count = 0;
  Object.defineProperty(Node.prototype, 'parent', {
    ...descriptor,
    get(this: Node) {
      count++;
      return descriptor.get!.call(this);
    },
  });
  try {
    run();
  } finally {
    Object.defineProperty(Node.prototype, 'parent', descriptor);
  }
  return count;
}

const FILES = ['test/lsp/fixtures/kernel-6.1/drivers/demo/demo_umem.c', ...['flag-flow/parameter.c', 'flag-flow/kernel-macros.c', 'flag-flow/ifdef.c'].map((f) => `test/fixtures/${f}`)];

test('enclosingFunction agrees with the walk up on every call and identifier of the fixtures', async () => {
  const parser = await loadCParser();
  for (const file of FILES) {
    const tree = parser.parse(readFileSync(join(__dirname, '../..', file), 'utf8'));
    for (const node of tree.rootNode.descendantsOfType(['call_expression', 'identifier', 'function_definition', 'ERROR'])) {
      if (!node) continue;
      assert.equal(enclosingFunction(node)?.id, byWalkingUp(node)?.id, `${file}: ${node.type} at ${node.startPosition.row + 1}`);
    }
    tree.delete();
  }
});

test('property: the same on generated C with nested, broken and GNU nested functions', async () => {
  const parser = await loadCParser();
  const piece = fc.constantFrom('int f(void) {', 'static void g(int a) {', '}', '{', 'x = h(1);', 'if (a) {', 'pin_user_pages(a, 1, 0, p);', '#ifdef X\n', '#endif\n', 'int y = z(', ')', ';', '/*', '*/', '\n');
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => {
      const tree = parser.parse(pieces.join(' '));
      try {
        for (const node of tree.rootNode.descendantsOfType(['call_expression', 'identifier', 'compound_statement', 'function_definition'])) {
          if (node) assert.equal(enclosingFunction(node)?.id, byWalkingUp(node)?.id);
        }
      } finally {
        tree.delete();
      }
    }),
    { numRuns: 300, seed: 5 },
  );
});

test('enclosingFunction on a call under 160 nested ifs asks for no parent', async () => {
  const parser = await loadCParser();
  const text = `int f(int c, struct page **p)\n{\n${'if (c) {\n'.repeat(160)}put_page(p[0]);\n${'}\n'.repeat(160)}}\n`;
  const tree = parser.parse(text);
  const call = tree.rootNode.descendantsOfType('call_expression')[0]!;
  let found: SyntaxNode | undefined;
  assert.equal(countParentLookups(() => (found = enclosingFunction(call))), 0);
  assert.equal(found?.type, 'function_definition');
  assert.equal(found?.startIndex, 0);
  const walked = countParentLookups(() => byWalkingUp(call));
  assert.ok(walked > 300, `the counter sees the walk up (${walked})`);
  tree.delete();
});
