import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadCParser, type SyntaxNode } from '../../server/engine/parser.js';
import { DocumentStore, pathOf } from '../../server/lsp/document-store.js';
import { endOfInsertedText, pointAt } from '../../server/lsp/tree-edit.js';

const KERNEL_SNIPPET = `static int umem_pin(struct ib_umem *umem, unsigned long addr)
{
\tunsigned int gup_flags = FOLL_WRITE;

\tif (!umem->writable)
\t\tgup_flags |= FOLL_FORCE;
\treturn pin_user_pages_fast(addr, 1, gup_flags | FOLL_LONGTERM, umem->pages); /* é 😀 */
}
`;

/** Every node's type and extent, in tree order: equal shapes mean equal trees. */
function shape(node: SyntaxNode): string[] {
  const out: string[] = [];
  const walk = (n: SyntaxNode) => {
    out.push(`${n.type} ${n.startIndex}-${n.endIndex} ${n.startPosition.row}:${n.startPosition.column}`);
    for (const c of n.children) if (c) walk(c);
  };
  walk(node);
  return out;
}

function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

test('incremental edits (one per notification or all in one) leave the same text and the same tree as a fresh parse', async () => {
  const parser = await loadCParser();
  // Edits: replace [from, to) of the current text with an insert drawn from C-ish fragments.
  // No lone \r: TextDocument (like VS Code) then disagrees with itself about line breaks.
  const fragment = fc.constantFrom('', 'x', ' | FOLL_FORCE', ';', '\n', '{', '}', '/*', '*/', 'é', '😀', '\r\n', 'if (a) ', 'FOLL_');
  const edit = fc.record({ a: fc.nat(), b: fc.nat(), text: fragment });
  await fc.assert(
    fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 6 }), fc.boolean(), async (edits, oneNotification) => {
      const store = new DocumentStore(parser);
      let text = KERNEL_SNIPPET;
      store.open('file:///t/umem.c', 'c', 1, text);
      let version = 1;
      const pending: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }[] = [];
      for (const e of edits) {
        // Never split a surrogate pair or a \r\n: no LSP position can point there.
        let from = Math.min(e.a, e.b) % (text.length + 1);
        let to = Math.max(e.a, e.b) % (text.length + 1);
        if (from > to) [from, to] = [to, from];
        const isLow = (i: number) => i > 0 && i < text.length && (/[\uDC00-\uDFFF]/.test(text[i]!) || (text[i - 1] === '\r' && text[i] === '\n'));
        if (isLow(from)) from--;
        if (isLow(to)) to++;
        const range = { start: positionAt(text, from), end: positionAt(text, to) };
        text = text.slice(0, from) + e.text + text.slice(to);
        if (oneNotification) pending.push({ range, text: e.text });
        else store.change('file:///t/umem.c', ++version, [{ range, text: e.text }]);
      }
      if (oneNotification) store.change('file:///t/umem.c', ++version, pending);
      const doc = store.get('file:///t/umem.c')!;
      assert.equal(doc.document.getText(), text);
      const fresh = parser.parse(text);
      assert.deepEqual(shape(doc.tree.rootNode), shape(fresh.rootNode));
      fresh.delete();
      store.dispose();
    }),
    { numRuns: 300 },
  );
});

test('several changes in one didChange are applied in order', async () => {
  const store = new DocumentStore(await loadCParser());
  store.open('file:///t/a.c', 'c', 1, 'int x = FOLL_WRITE;\n');
  store.change('file:///t/a.c', 2, [
    { range: { start: { line: 0, character: 18 }, end: { line: 0, character: 18 } }, text: ' | FOLL_FORCE' },
    { range: { start: { line: 0, character: 4 }, end: { line: 0, character: 5 } }, text: 'flags' },
  ]);
  const doc = store.get('file:///t/a.c')!;
  assert.equal(doc.document.getText(), 'int flags = FOLL_WRITE | FOLL_FORCE;\n');
  assert.equal(doc.document.version, 2);
  assert.match(doc.tree.rootNode.toString(), /binary_expression/);
});

test('a full-text change replaces the document and its tree', async () => {
  const store = new DocumentStore(await loadCParser());
  store.open('file:///t/a.c', 'c', 1, 'int x;\n');
  store.change('file:///t/a.c', 2, [{ text: 'void f(void) { g(); }\n' }]);
  assert.match(store.get('file:///t/a.c')!.tree.rootNode.toString(), /function_definition/);
  assert.equal(store.change('file:///t/unknown.c', 2, [{ text: '' }]), undefined);
  store.close('file:///t/a.c');
  assert.equal(store.get('file:///t/a.c'), undefined);
});

test('tree-sitter points: only \\n ends a row', () => {
  assert.deepEqual(endOfInsertedText({ row: 3, column: 4 }, 'abc'), { row: 3, column: 7 });
  assert.deepEqual(endOfInsertedText({ row: 3, column: 4 }, 'a\nbc'), { row: 4, column: 2 });
  assert.deepEqual(endOfInsertedText({ row: 3, column: 4 }, 'a\r\n\rbc'), { row: 4, column: 3 });
  assert.deepEqual(endOfInsertedText({ row: 0, column: 0 }, '😀\n'), { row: 1, column: 0 });
  assert.deepEqual(pointAt('ab\ncd\r\nef', 8), { row: 2, column: 1 });
  assert.deepEqual(pointAt('ab\rcd', 4), { row: 0, column: 4 });
});

test('file URIs map to paths, other schemes to none', () => {
  assert.equal(pathOf('file:///usr/src/linux/mm/gup%20x.c'), '/usr/src/linux/mm/gup x.c');
  assert.equal(pathOf('untitled:Untitled-1'), undefined);
});
