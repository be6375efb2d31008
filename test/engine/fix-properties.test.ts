// Properties of the engine on generated kernel-style functions: it never throws, a preferred fix
// never adds a parse error, FOLL_FORCE never survives foll-force-misuse's fix on a kernel where
// read-only long-term pins are reliable, fixing twice changes nothing the second time, and on older
// kernels a fix never leaves a warning the text before it did not have.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadCParser, type CParser } from '../../server/engine/parser.js';
import { analyzeTree, applyEdits } from '../../server/engine/index.js';
import type { FileAnalysis } from '../../server/engine/types.js';

const FLAGS = ['FOLL_WRITE', 'FOLL_FORCE', 'FOLL_LONGTERM', 'FOLL_NOFAULT', '0'];
const flagExpr = fc.array(fc.constantFrom(...FLAGS), { minLength: 1, maxLength: 3 }).map((fs) => fs.join(' | '));
const cond = fc.constantFrom('writable', '!writable', 'dir == DMA_FROM_DEVICE', 'umem->writable', '!(flags & MY_RO)');
const stmt = fc.oneof(
  flagExpr.map((e) => `\tgup_flags |= ${e};`),
  flagExpr.map((e) => `\tgup_flags = ${e};`),
  fc.tuple(cond, flagExpr).map(([c, e]) => `\tif (${c})\n\t\tgup_flags |= ${e};`),
  fc.tuple(cond, flagExpr, flagExpr).map(([c, a, b]) => `\tif (${c})\n\t\tgup_flags = ${a};\n\telse\n\t\tgup_flags = ${b};`),
  fc.tuple(cond, flagExpr).map(([c, e]) => `\tgup_flags |= (${c}) ? ${e} : 0;`),
  fc.constant('\tgup_flags &= ~FOLL_NOFAULT;'),
  cond.map((c) => `\tif (${c})\n\t\treturn -EINVAL;`),
);
const callee = fc.constantFrom('pin_user_pages_fast(start, n, ARG, pages)', 'pin_user_pages(start, n, ARG, pages, NULL)', 'pin_user_pages_unlocked(start, n, pages, ARG)', 'get_user_pages_fast(start, n, ARG, pages)');
const fn = fc.tuple(flagExpr, fc.array(stmt, { maxLength: 5 }), callee, fc.constantFrom('gup_flags', 'gup_flags | FOLL_LONGTERM', 'FOLL_FORCE | gup_flags'))
  .map(([init, body, call, arg]) => `int f(struct my_umem *umem, unsigned long start, int n, bool writable, int dir, struct page **pages)\n{\n\tunsigned int gup_flags = ${init};\n\n${body.join('\n')}\n\treturn ${call.replace('ARG', arg)};\n}\n`);

function analyse(parser: CParser, text: string, kernel = '6.12'): { analysis: FileAnalysis; errors: number } {
  const tree = parser.parse(text);
  try {
    const errors = tree.rootNode.descendantsOfType('ERROR').length + (tree.rootNode.toString().match(/MISSING/g)?.length ?? 0);
    return { analysis: analyzeTree(text, tree, { kernel }), errors };
  } finally {
    tree.delete();
  }
}

function fixAll(parser: CParser, text: string, kernel = '6.12'): string {
  const { analysis } = analyse(parser, text, kernel);
  const edits = [];
  for (const f of analysis.findings) {
    const fix = f.fixes.find((x) => x.preferred);
    if (fix) edits.push(...fix.edits);
  }
  try {
    return applyEdits(text, edits);
  } catch {
    return text; // overlapping fixes of two findings: the CLI applies them one pass at a time
  }
}

test('generated callers on 6.12: no throw, fixes parse, FOLL_FORCE goes, a second fix changes nothing', async () => {
  const parser = await loadCParser();
  fc.assert(
    fc.property(fn, (text) => {
      const before = analyse(parser, text);
      for (const call of before.analysis.calls) for (const s of call.flagSets) for (const f of s.flags) assert.match(f, /^FOLL_[A-Z_]+$/);
      let fixed = text;
      for (let pass = 0; pass < 4; pass++) fixed = fixAll(parser, fixed);
      const after = analyse(parser, fixed);
      assert.ok(after.errors <= before.errors, `new parse error:\n${fixed}`);
      const misuse = after.analysis.findings.filter((f) => f.code === 'foll-force-misuse');
      assert.deepEqual(misuse.map((f) => f.message), [], `FOLL_FORCE survived:\n${fixed}`);
      assert.equal(fixAll(parser, fixed), fixed, `not idempotent:\n${fixed}`);
    }),
    { numRuns: 150 },
  );
});

/**
 * Warnings and errors per finding code. A fix may rename the callee (get_user_pages* -> pin_user_pages*)
 * or a path, so the invariant compares how many of each code there are, not their text.
 */
function warningCounts(analysis: FileAnalysis): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of analysis.findings) if (f.severity === 'error' || f.severity === 'warning') counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
  return counts;
}

for (const kernel of ['5.10', '6.1']) {
  test(`generated callers on ${kernel}: a fix never leaves a warning the code did not have, and FOLL_FORCE stays only as a note`, async () => {
    const parser = await loadCParser();
    let kept = 0;
    fc.assert(
      fc.property(fn, (text) => {
        const before = analyse(parser, text, kernel);
        let fixed = text;
        for (let pass = 0; pass < 4; pass++) fixed = fixAll(parser, fixed, kernel);
        const after = analyse(parser, fixed, kernel);
        const had = warningCounts(before.analysis);
        for (const [code, n] of warningCounts(after.analysis)) {
          assert.ok(n <= (had.get(code) ?? 0), `${n} ${code} after the fix, ${had.get(code) ?? 0} before:\n${text}\n->\n${fixed}`);
        }
        const misuse = after.analysis.findings.filter((f) => f.code === 'foll-force-misuse');
        for (const f of misuse) assert.equal(f.severity, 'information', `${f.message}\n${fixed}`);
        kept += misuse.length;
        assert.equal(fixAll(parser, fixed, kernel), fixed, `not idempotent:\n${fixed}`);
      }),
      { numRuns: 150 },
    );
    assert.ok(kept > 0, 'no generated caller kept the idiom: the property did not reach its case');
  });
}
