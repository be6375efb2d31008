// descendantsOf() answers from one walk of the whole tree (server/engine/syntax.ts); it must give
// exactly what web-tree-sitter's own walk from the node gives, in the same order, for every node
// the engine may ask about, on well-formed and on broken code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadCParser, type SyntaxNode } from '../../server/engine/parser.js';
import { descendantsOf } from '../../server/engine/syntax.js';

const root = join(__dirname, '../..');
const drivers = readdirSync(join(root, 'examples/drivers'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.c'))
  .map((f) => readFileSync(join(root, 'examples/drivers', f), 'utf8'));

const QUERIES: (string | string[])[] = [
  'call_expression',
  'function_definition',
  'preproc_def',
  'init_declarator',
  'declaration',
  ['assignment_expression', 'init_declarator'],
  ['init_declarator', 'assignment_expression'],
  ['assignment_expression', 'pointer_expression'],
  'parameter_declaration', // not in the one walk: asked of the node itself
  'field_expression',
];

function ids(nodes: readonly (SyntaxNode | null)[]): string[] {
  return nodes.filter((n): n is SyntaxNode => n !== null).map((n) => `${n.id}:${n.type}:${n.startIndex}-${n.endIndex}`);
}

/** Every node of the tree, named or not, in pre-order. */
function everyNode(node: SyntaxNode, out: SyntaxNode[] = []): SyntaxNode[] {
  out.push(node);
  for (const c of node.children) if (c) everyNode(c, out);
  return out;
}

async function checkText(text: string, every = 1): Promise<void> {
  const parser = await loadCParser();
  const tree = parser.parse(text);
  try {
    const nodes = everyNode(tree.rootNode).filter((_, i) => i % every === 0);
    for (const node of nodes) {
      for (const q of QUERIES) {
        assert.deepEqual(ids(descendantsOf(node, q)), ids(node.descendantsOfType(q)), `${String(q)} under ${node.type} at ${node.startIndex}`);
      }
    }
  } finally {
    tree.delete();
  }
}

test('descendantsOf gives web-tree-sitter walk on every node of the examples', async () => {
  assert.ok(drivers.length >= 5);
  for (const text of drivers) await checkText(text, 3);
});

test('descendantsOf on broken code, zero-width and same-span nodes', async () => {
  await checkText('int f(void) { int x = ; y = (z = 1; g(h(i(j( }\n#define A (B | \nint k(int a, int b) { return a = b; }');
  await checkText('void f(void) { x = y = z; (a) = (b); { { c = d; } } }'); // nested assignments, same-span parentheses
  await checkText('int a = b, c = d;\nstruct s t = { .x = 1 };');
});

test('property: descendantsOf matches the walk on cut and spliced driver code', async () => {
  await fc.assert(
    fc.asyncProperty(fc.nat(drivers.length - 1), fc.nat(), fc.nat(), fc.nat(), async (file, a, b, c) => {
      const text = drivers[file]!;
      const cut = a % text.length;
      const end = cut + (b % 400);
      const at = c % text.length;
      // Remove a span and paste it elsewhere: unbalanced braces, half statements.
      const removed = text.slice(0, cut) + text.slice(end);
      const spliced = removed.slice(0, at % (removed.length + 1)) + text.slice(cut, end) + removed.slice(at % (removed.length + 1));
      await checkText(spliced, 7);
    }),
    { numRuns: 25, seed: 6 },
  );
});
