// A fix is checked by re-parsing only what its edits touch (scratchReparse). Its error count must be
// a fresh parse's: the check is what keeps a fix from adding a parse error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { applyOffsetEdits, TextIndex, type OffsetEdit } from '../../server/engine/edits.js';
import { loadCParser } from '../../server/engine/parser.js';
import { countParseErrors, scratchParse, scratchReparse } from '../../server/engine/scratch-parser.js';

const root = join(__dirname, '../..');
const drivers = readdirSync(join(root, 'examples/drivers'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.c'))
  .map((f) => readFileSync(join(root, 'examples/drivers', f), 'utf8'));

/** Non-overlapping edits at FOLL_ tokens and `|` operators, as the fixes make them. */
function fixLikeEdits(text: string, picks: { at: number; kind: number }[]): OffsetEdit[] {
  const tokens = [...text.matchAll(/FOLL_[A-Z_]+|\|/g)];
  const edits: OffsetEdit[] = [];
  const used = new Set<number>();
  for (const { at, kind } of picks) {
    const m = tokens[at % tokens.length]!;
    if (used.has(m.index)) continue;
    used.add(m.index);
    const end = m.index + m[0].length;
    edits.push(
      [
        { start: m.index, end, newText: '' }, // a token removed (can leave `a | | b`: a parse error)
        { start: m.index, end, newText: '0' },
        { start: end, end, newText: ' | FOLL_WRITE' },
        { start: m.index, end, newText: '(writable ? FOLL_WRITE : 0)' },
      ][kind % 4]!,
    );
  }
  return edits.sort((a, b) => a.start - b.start);
}

test('scratchReparse counts the same parse errors as a fresh parse of the fixed text', async () => {
  const parser = await loadCParser();
  await fc.assert(
    fc.property(fc.nat(drivers.length - 1), fc.array(fc.record({ at: fc.nat(), kind: fc.nat() }), { minLength: 1, maxLength: 4 }), (which, picks) => {
      const text = drivers[which]!;
      const edits = fixLikeEdits(text, picks);
      const candidate = applyOffsetEdits(text, edits);
      if (candidate === undefined) return;
      const tree = parser.parse(text);
      const incremental = scratchReparse(tree, new TextIndex(text), candidate, edits)!;
      const fresh = scratchParse(tree.language, candidate)!;
      try {
        assert.equal(countParseErrors(incremental.rootNode), countParseErrors(fresh.rootNode));
        assert.equal(incremental.rootNode.toString(), fresh.rootNode.toString());
      } finally {
        tree.delete();
        incremental.delete();
        fresh.delete();
      }
    }),
    { numRuns: 200, seed: 20221116 },
  );
});

test('a removed token that leaves `| |` is an error the incremental re-parse sees', async () => {
  const parser = await loadCParser();
  const text = 'int f(int w)\n{\n\treturn pin_user_pages_fast(0, 1, FOLL_WRITE | FOLL_FORCE | FOLL_LONGTERM, 0);\n}\n';
  const at = text.indexOf('FOLL_FORCE');
  const edits = [{ start: at, end: at + 'FOLL_FORCE'.length, newText: '' }];
  const tree = parser.parse(text);
  const next = scratchReparse(tree, new TextIndex(text), applyOffsetEdits(text, edits)!, edits)!;
  assert.equal(countParseErrors(tree.rootNode), 0);
  assert.ok(countParseErrors(next.rootNode) > 0);
  tree.delete();
  next.delete();
});
