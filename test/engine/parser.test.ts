import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadCParser } from '../../server/engine/parser.js';

test('the committed grammar is the one tree-sitter-c ships', () => {
  const require = createRequire(__filename);
  const shipped = readFileSync(require.resolve('tree-sitter-c/tree-sitter-c.wasm'));
  const committed = readFileSync(new URL('../../grammars/tree-sitter-c.wasm', `file://${__filename}`));
  assert.ok(shipped.equals(committed), 'grammars/tree-sitter-c.wasm differs from node_modules/tree-sitter-c');
});

test('parses kernel C and finds calls through the calls query', async () => {
  const parser = await loadCParser();
  const tree = parser.parse('static int f(void) { return pin_user_pages(start, n, FOLL_LONGTERM, pages); }\n');
  const callees = parser.query('calls').captures(tree.rootNode).filter((c) => c.name === 'callee').map((c) => c.node.text);
  assert.deepEqual(callees, ['pin_user_pages']);
  assert.equal(tree.rootNode.hasError, false);
});

test('re-parses incrementally after an edit', async () => {
  const parser = await loadCParser();
  const before = 'int x = FOLL_WRITE;\n';
  const tree = parser.parse(before);
  const after = 'int x = FOLL_WRITE | FOLL_FORCE;\n';
  const at = before.indexOf(';');
  tree.edit({
    startIndex: at, oldEndIndex: at, newEndIndex: at + ' | FOLL_FORCE'.length,
    startPosition: { row: 0, column: at }, oldEndPosition: { row: 0, column: at },
    newEndPosition: { row: 0, column: at + ' | FOLL_FORCE'.length },
  });
  const next = parser.parse(after, tree);
  assert.match(next.rootNode.toString(), /binary_expression/);
  assert.equal(next.rootNode.text, after);
});
