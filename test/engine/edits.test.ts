import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyEdits, TextIndex } from '../../server/engine/index.js';

test('applyEdits applies by original positions, merges identical edits, refuses overlaps', () => {
  const text = 'a = FOLL_WRITE | FOLL_FORCE;\nb = 1;\n';
  const edit = { range: { start: { row: 0, column: 14 }, end: { row: 0, column: 27 } }, newText: '' };
  assert.equal(applyEdits(text, [edit, edit]), 'a = FOLL_WRITE;\nb = 1;\n');
  const other = { range: { start: { row: 0, column: 20 }, end: { row: 1, column: 0 } }, newText: 'x' };
  assert.throws(() => applyEdits(text, [edit, other]), /overlapping/);
});

test('TextIndex: offsets and positions round-trip (UTF-16 columns)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), fc.nat(), (text, n) => {
      const index = new TextIndex(text);
      const offset = text.length ? n % (text.length + 1) : 0;
      assert.equal(index.offsetAt(index.positionAt(offset)), offset);
    }),
  );
});

test('applyEdits: disjoint edits give the same text in any order', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 60 }), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.string({ maxLength: 5 })), { maxLength: 6 }), (text, raw) => {
      const index = new TextIndex(text);
      // Turn random pairs into sorted, disjoint ranges.
      const cuts = raw.flatMap(([a, b]) => [a % (text.length + 1), b % (text.length + 1)]).sort((x, y) => x - y);
      const edits = [];
      for (let i = 0; i + 1 < cuts.length; i += 2) edits.push({ range: index.range(cuts[i]!, cuts[i + 1]!), newText: raw[i / 2]![2] });
      // Two insertions at one offset have no order to agree on: keep replacements of non-empty ranges.
      const disjoint = edits.filter((e) => index.offsetAt(e.range.start) < index.offsetAt(e.range.end));
      assert.equal(applyEdits(text, disjoint), applyEdits(text, [...disjoint].reverse()));
    }),
  );
});
