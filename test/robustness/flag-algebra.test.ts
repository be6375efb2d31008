// Properties of the flag algebra (server/engine/flag-flow.ts), against a reference interpreter:
// for generated callers built from `=`, `|=`, `&= ~`, `&`, ternaries and if/else over FOLL_*
// flags, the flag sets the engine reports for the call are exactly the sets the reference gets by
// running every path (each if and each ternary an independent choice, as the engine treats them).
// And the preferred fixes of those callers touch only FOLL_FORCE and FOLL_WRITE on every path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadCParser, type CParser } from '../../server/engine/parser.js';
import { analyzeTree, applyEdits } from '../../server/engine/index.js';
import type { FileAnalysis } from '../../server/engine/types.js';

const FLAGS = ['FOLL_WRITE', 'FOLL_FORCE', 'FOLL_LONGTERM', 'FOLL_NOWAIT'] as const;
type Flags = ReadonlySet<string>;

/** An expression over flags, with its C text and its values (one per path through its ternaries). */
interface Expr {
  c: string;
  values: Flags[];
}

const flag = fc.constantFrom(...FLAGS).map((f): Expr => ({ c: f, values: [new Set([f])] }));
const zero: fc.Arbitrary<Expr> = fc.constant({ c: '0', values: [new Set()] });

const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    flag,
    zero,
    tie('e').map((a) => ({ c: `(${a.c})`, values: a.values })),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => ({ c: `${a.c} | ${b.c}`, values: product(a.values, b.values, union) })),
    fc.tuple(fc.constantFrom('c0', 'c1', '!c2'), tie('e'), tie('e')).map(([k, a, b]) => ({ c: `(${k} ? ${a.c} : ${b.c})`, values: [...a.values, ...b.values] })),
  ),
})).e.filter((e) => e.values.length <= 8);

function union(a: Flags, b: Flags): Flags {
  return new Set([...a, ...b]);
}

function product(xs: Flags[], ys: Flags[], f: (a: Flags, b: Flags) => Flags): Flags[] {
  return xs.flatMap((x) => ys.map((y) => f(x, y)));
}

/** A statement on `flags`, as C and as a function from the values before to the values after. */
interface Stmt {
  c: string;
  run(before: Flags[]): Flags[];
}

const stmt: fc.Arbitrary<Stmt> = fc.letrec<{ s: Stmt }>((tie) => ({
  s: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    expr.map((e) => ({ c: `flags = ${e.c};`, run: () => e.values })),
    expr.map((e) => ({ c: `flags |= ${e.c};`, run: (before: Flags[]) => product(before, e.values, union) })),
    fc.subarray([...FLAGS], { minLength: 1 }).map((fs) => ({
      c: `flags &= ~${fs.length === 1 ? fs[0] : `(${fs.join(' | ')})`};`,
      run: (before: Flags[]) => before.map((b) => new Set([...b].filter((f) => !fs.includes(f as (typeof FLAGS)[number])))),
    })),
    fc.tuple(fc.constantFrom('c0', 'c1', '!c2', 'n > 1'), tie('s')).map(([k, s]) => ({ c: `if (${k}) {\n\t\t${s.c}\n\t}`, run: (before: Flags[]) => [...s.run(before), ...before] })),
    fc.tuple(fc.constantFrom('c0', 'c1', 'dir == 2'), tie('s'), tie('s')).map(([k, a, b]) => ({
      c: `if (${k}) {\n\t\t${a.c}\n\t} else {\n\t\t${b.c}\n\t}`,
      run: (before: Flags[]) => [...a.run(before), ...b.run(before)],
    })),
  ),
})).s;

const argument = fc.oneof(
  fc.constant({ c: 'flags', apply: (v: Flags) => v }),
  fc.constantFrom(...FLAGS).map((f) => ({ c: `flags | ${f}`, apply: (v: Flags) => union(v, new Set([f])) })),
  fc.constantFrom(...FLAGS).map((f) => ({ c: `flags & ~${f}`, apply: (v: Flags) => new Set([...v].filter((x) => x !== f)) })),
);

const caller = fc.tuple(expr, fc.array(stmt, { maxLength: 4 }), argument).map(([init, body, arg]) => {
  let values = init.values;
  for (const s of body) values = s.run(values);
  const expected = distinct(values.map(arg.apply));
  const c = [
    'static int f(unsigned long start, int n, struct page **pages, bool c0, bool c1, bool c2, int dir)',
    '{',
    `\tunsigned int flags = ${init.c};`,
    '',
    ...body.map((s) => `\t${s.c}`),
    `\treturn pin_user_pages_fast(start, n, ${arg.c}, pages);`,
    '}',
    '',
  ].join('\n');
  return { c, expected };
});

function key(s: Flags): string {
  return [...s].sort().join('|');
}

function distinct(sets: Flags[]): string[] {
  return [...new Set(sets.map(key))].sort();
}

// 6.12: the kernel where every FOLL_FORCE fix applies (before 6.2 the read-only idiom stays; see
// test/engine/fix-properties.test.ts for the invariant there).
function analyse(parser: CParser, text: string): FileAnalysis {
  const tree = parser.parse(text);
  try {
    return analyzeTree(text, tree, { kernel: '6.12' });
  } finally {
    tree.delete();
  }
}

/** The engine keeps at most 64 states per call (MAX_STATES in flag-flow.ts): stay below it. */
const withinStateLimit = (x: { expected: string[] }) => x.expected.length <= 16;

test('property: the engine\'s flag sets are exactly the reference interpreter\'s', async () => {
  const parser = await loadCParser();
  fc.assert(
    fc.property(caller.filter(withinStateLimit), ({ c, expected }) => {
      const analysis = analyse(parser, c);
      assert.equal(analysis.calls.length, 1, c);
      const call = analysis.calls[0]!;
      for (const set of call.flagSets) assert.deepEqual(set.unknown, [], `unknown parts in\n${c}`);
      const got = [...new Set(call.flagSets.map((s) => s.flags.join('|')))].sort();
      assert.deepEqual(got, expected, c);
    }),
    { numRuns: 400, seed: 0x6a1 },
  );
});

test('property: a preferred fix changes FOLL_FORCE and FOLL_WRITE only, and leaves no FOLL_FORCE', async () => {
  const parser = await loadCParser();
  const other = (sets: string[]) => [...new Set(sets.map((s) => s.split('|').filter((f) => f && f !== 'FOLL_FORCE' && f !== 'FOLL_WRITE').join('|')))].sort();
  let fixedSome = 0;
  fc.assert(
    fc.property(caller.filter(withinStateLimit), ({ c, expected }) => {
      if (!analyse(parser, c).findings.some((f) => f.code === 'foll-force-misuse' && f.fixes.some((x) => x.preferred))) return;
      // As scan --fix does: passes until nothing is left to fix (a pass can miss a FOLL_FORCE
      // token whose path duplicates another's flag set; the next pass takes it).
      let fixed = c;
      for (let pass = 0; pass < 5; pass++) {
        const findings = analyse(parser, fixed).findings.filter((f) => f.code === 'foll-force-misuse');
        const passEdits = findings.flatMap((f) => f.fixes.find((x) => x.preferred)?.edits ?? []);
        if (passEdits.length === 0) break;
        let next: string;
        try {
          next = applyEdits(fixed, passEdits);
        } catch {
          return; // two findings whose fixes overlap: scan --fix applies them one at a time
        }
        // Only the intended lines change: every line outside the edits' ranges is still there.
        const touched = new Set(passEdits.flatMap((e) => Array.from({ length: e.range.end.row - e.range.start.row + 1 }, (_, i) => e.range.start.row + i)));
        const nextLines = next.split('\n');
        for (const [row, line] of fixed.split('\n').entries()) {
          if (!touched.has(row)) assert.ok(nextLines.includes(line), `line ${row + 1} changed though no edit covers it: ${JSON.stringify(line)}\n${next}`);
        }
        fixed = next;
      }
      fixedSome++;
      const after = analyse(parser, fixed).calls[0]!;
      const sets = after.flagSets.map((s) => s.flags.join('|'));
      assert.ok(sets.every((s) => !s.includes('FOLL_FORCE')), `FOLL_FORCE left:\n${fixed}`);
      assert.deepEqual(other(sets), other(expected), `flags other than FOLL_FORCE/FOLL_WRITE changed:\n${c}\n--- fixed ---\n${fixed}`);
    }),
    { numRuns: 400, seed: 0x6a2 },
  );
  assert.ok(fixedSome > 20, `only ${fixedSome} generated callers had a fix`);
});

// Regression (found by the property above): both arms of an if/else assigning the same value used
// to be taken for "no change", so the paths before the if survived it: a FOLL_FORCE overwritten on
// every path was still reported (a false foll-force-misuse).
test('regression: an if/else whose arms both overwrite the flags collapses the paths before it', async () => {
  const parser = await loadCParser();
  const text = [
    'static int f(unsigned long a, struct page **p, bool ro, bool big)',
    '{',
    '\tunsigned int flags = FOLL_WRITE;',
    '',
    '\tif (ro)',
    '\t\tflags |= FOLL_FORCE;',
    '\tif (big)',
    '\t\tflags = FOLL_WRITE;',
    '\telse',
    '\t\tflags = FOLL_WRITE;',
    '\treturn pin_user_pages_fast(a, 1, flags, p);',
    '}',
    '',
  ].join('\n');
  const analysis = analyse(parser, text);
  assert.deepEqual(analysis.calls[0]!.flagSets.map((s) => s.flags), [['FOLL_WRITE']]);
  assert.deepEqual(analysis.findings.map((f) => f.code), []);
});
