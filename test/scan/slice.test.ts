// The slicer: what it keeps, what it drops, and that rows and columns survive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ENGINE_REACH } from '../../server/scan/engine-reach.js';
import { sliceForAnalysis } from '../../server/scan/slice.js';

const fixtures = join(__dirname, 'fixtures');
const read = (name: string) => readFileSync(join(fixtures, name), 'utf8');
const lines = (text: string) => text.split('\n');

/** The slice has the file's lines: each one either the same or emptied (its line break kept). */
function assertSameLayout(original: string, sliced: string): void {
  const a = lines(original);
  const b = lines(sliced);
  assert.equal(b.length, a.length, 'line count');
  a.forEach((line, i) => {
    if (b[i] !== line) assert.ok(b[i] === '' || (b[i] === '\r' && line.endsWith('\r')), `line ${i + 1} changed: ${JSON.stringify(b[i])}`);
  });
}

/** The 1-based numbers of the non-empty lines of the slice. */
function keptLineNumbers(sliced: string): number[] {
  return lines(sliced).flatMap((l, i) => (l.replace(/\r$/, '') === '' ? [] : [i + 1]));
}

test('every fixture keeps its lines in place: a line is kept whole or emptied', () => {
  for (const name of readdirSync(fixtures).filter((f) => /\.[ch]$/.test(f))) {
    const text = read(name);
    assertSameLayout(text, sliceForAnalysis(text, ENGINE_REACH).text);
  }
});

test('keeps the function with the call, and its callers when asked for, drops the rest', () => {
  const text = read('callers.c');
  const alone = sliceForAnalysis(text, ENGINE_REACH).text;
  const sliced = sliceForAnalysis(text, ENGINE_REACH, ['toy_pin']).text;
  const kept = (needle: string, slice = sliced) => lines(slice).some((l) => l.includes(needle));
  // toy_pin calls pin_user_pages_fast; toy_map_for_device and toy_map_for_cpu call toy_pin.
  assert.ok(kept('return pin_user_pages_fast(addr, npages, gup_flags | FOLL_LONGTERM, pages);', alone));
  assert.ok(!kept('return toy_pin(buf->addr, buf->npages, FOLL_WRITE | FOLL_FORCE, buf->pages);', alone));
  assert.ok(!kept('flags |= FOLL_FORCE;', alone));
  assert.ok(kept('return pin_user_pages_fast(addr, npages, gup_flags | FOLL_LONGTERM, pages);'));
  assert.ok(kept('return toy_pin(buf->addr, buf->npages, FOLL_WRITE | FOLL_FORCE, buf->pages);'));
  assert.ok(kept('flags |= FOLL_FORCE;'));
  // Neither calls an entry point nor toy_pin.
  assert.ok(!kept('sum += data[i]'));
  assert.ok(!kept('return -EINVAL;'));
  // The struct, the string with braces and the #include go.
  assert.ok(!kept('toy { driver } v1'));
  assert.ok(!kept('#include <linux/mm.h>'));
});

test('a closing brace in column 0 inside a comment does not cut a chunk', () => {
  const text = read('callers.c');
  const sliced = sliceForAnalysis(text, ENGINE_REACH).text;
  // The comment before toy_pin ends with a "}" line; it is part of toy_pin's chunk.
  const at = lines(text).findIndex((l) => l.startsWith('/* A closing brace in column 0'));
  assert.equal(lines(sliced)[at], lines(text)[at]);
});

test('names in comments, strings and prototypes keep nothing, nor does what matters only beside a call', () => {
  // mentions-only.c also has `to_toy(buf)->ro`, kept in a file with a call (its base is not a name).
  const text = read('mentions-only.c');
  const slice = sliceForAnalysis(text, ENGINE_REACH);
  assert.deepEqual(keptLineNumbers(slice.text), []);
  assert.equal(slice.calls, 0);
});

test('outside kept functions: conditionals around kept code stay, #defines stay when the kept code uses them, the rest goes', () => {
  const text = read('macros-far.c');
  const sliced = lines(sliceForAnalysis(text, ENGINE_REACH).text);
  const source = lines(text);
  const at = (prefix: string) => source.findIndex((l) => l.startsWith(prefix));
  // Used by the kept toy_pin: kept, with the comment that carries it onto the next line.
  const flags = at('#define TOY_GUP_FLAGS');
  assert.equal(sliced[flags], source[flags]);
  assert.equal(sliced[flags + 1], source[flags + 1]);
  assert.equal(sliced[at('#define TOY_RO_FLAGS')], source[at('#define TOY_RO_FLAGS')]);
  // Used only by the dropped toy_count: gone, continuation lines (and the column-0 brace) too.
  const each = at('#define TOY_FOR_EACH');
  assert.deepEqual(sliced.slice(each, each + 3), ['', '', '']);
  // The conditionals around kept code stay; the group inside the dropped toy_reset and the #include go.
  for (const d of ['#ifdef CONFIG_TOY_LEGACY', '#else', '#endif']) assert.ok(sliced.includes(d), d);
  assert.equal(sliced[at('#ifdef CONFIG_TOY_DEBUG')], '');
  assert.equal(sliced[at('#include')], '');
  assert.ok(!sliced.some((l) => l.includes('dev->npages = 0;')));
});

test('a conditional group stays whole when it holds a kept line, goes whole when not; unmatched ones stay', () => {
  const text = [
    '#ifdef CONFIG_A', // 1: holds toy_pin
    '#if CONFIG_B', // 2: nested, holds no kept code
    'static int toy_b(void)',
    '{',
    '\treturn 1;',
    '}',
    '#else', // 7
    'static int toy_c(void)',
    '{',
    '\treturn 2;',
    '}',
    '#endif', // 12: in toy_pin's chunk, so its group (2, 7) stays too
    'int toy_pin(unsigned long a, struct page **p)',
    '{',
    '\treturn pin_user_pages_fast(a, 1, FOLL_WRITE, p);',
    '}',
    '#elif defined(CONFIG_C)', // 17
    'static int toy_d(void)',
    '{',
    '\treturn 3;',
    '}',
    '#endif', // 22
    '#ifdef CONFIG_D', // 23: holds nothing kept
    '#define TOY_UNUSED 1',
    '#endif', // 25
    '#endif', // 26: matches nothing
    '',
  ].join('\n');
  assert.deepEqual(keptLineNumbers(sliceForAnalysis(text, ENGINE_REACH).text), [1, 2, 7, 12, 13, 14, 15, 16, 17, 22, 26]);
});

test('a #define is kept when a kept #define uses it', () => {
  const text = [
    '#define TOY_BASE\tFOLL_FORCE',
    '#define TOY_ALL\t(TOY_BASE | FOLL_WRITE)',
    '#define TOY_UNUSED\tFOLL_GET',
    'static int toy_other(void)',
    '{',
    '\treturn 0;',
    '}',
    'int toy(unsigned long a, struct page **p)',
    '{',
    '\treturn pin_user_pages_fast(a, 1, TOY_ALL, p);',
    '}',
    '',
  ].join('\n');
  // The #defines sit in toy_other's chunk, which is dropped.
  assert.deepEqual(keptLineNumbers(sliceForAnalysis(text, ENGINE_REACH).text), [1, 2, 8, 9, 10, 11]);
});

test('a comment across a chunk boundary is kept whole with the kept chunk', () => {
  const text = [
    'int toy_pin(unsigned long a, struct page **p)',
    '{',
    '\treturn pin_user_pages_fast(a, 1, FOLL_WRITE, p);',
    '} /* this comment starts on the closing line',
    '     and ends in a chunk that is dropped */',
    'static int toy_other(void)',
    '{',
    '\treturn 0;',
    '}',
    '',
  ].join('\n');
  const sliced = lines(sliceForAnalysis(text, ENGINE_REACH).text);
  assert.equal(sliced[4], '     and ends in a chunk that is dropped */');
  assert.equal(sliced[7], '');
});

test('CRLF line breaks survive, in kept and in emptied lines', () => {
  const text = read('crlf-utf8.c');
  const sliced = sliceForAnalysis(text, ENGINE_REACH).text;
  assert.equal(sliced.split('\r\n').length, text.split('\r\n').length);
  assert.ok(!/[^\r]\n/.test(sliced), 'a bare LF appeared');
});

// Random kernel-ish files made of pieces the lexer must get right: strings and character literals
// with braces and quotes, comments of both kinds, directives with continuations, column-0 braces.
const piece = fc.constantFrom(
  'static int toy_a(void)\n{\n\treturn 0;\n}\n',
  'int toy_pin(unsigned long a, struct page **p)\n{\n\treturn pin_user_pages_fast(a, 1, FOLL_WRITE, p);\n}\n',
  'int toy_call(void)\n{\n\treturn toy_pin(0, NULL);\n}\n',
  '/* } { " \' */\n',
  '/*\n}\n*/\n',
  '// } get_user_pages( \\\n continued }\n',
  'static const char *s = "}\\" {";\n',
  "static const char c = '}', d = '\\'';\n",
  '#define X(a) \\\n\t{ (a); \\\n}\n',
  '#if 0\ndon\'t } parse\n#endif\n',
  'struct toy { int x; };\n',
  '}\n',
  'put_page(p);\n',
  '\r\n',
  'x->ro = 1;\n',
);

test('property: any mix of tricky pieces slices without moving a line', () => {
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
      const text = pieces.join('');
      const slice = sliceForAnalysis(text, ENGINE_REACH);
      assertSameLayout(text, slice.text);
      assert.equal(slice.lines, lines(text).length);
    }),
    { numRuns: 300 },
  );
});

/** How the conditional directives of a text pair up: each #if's depth and the order of the kinds. */
function conditionalShape(text: string): string[] {
  const shape: string[] = [];
  let depth = 0;
  for (const line of lines(text)) {
    const kind = /^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b/.exec(line)?.[1];
    if (!kind) continue;
    if (kind.startsWith('if')) depth++;
    shape.push(`${depth}:${kind.startsWith('if') ? 'if' : kind}`);
    if (kind === 'endif') depth--;
  }
  return shape;
}

// Functions under #if, #ifdef ... #else, nested, with column-0 braces that cut chunks inside a group.
const conditionalPiece = fc.constantFrom(
  'static int toy_a(void)\n{\n\treturn 0;\n}\n',
  'int toy_pin(unsigned long a, struct page **p)\n{\n\treturn pin_user_pages_fast(a, 1, FOLL_WRITE, p);\n}\n',
  '#ifdef CONFIG_A\n',
  '#if CONFIG_B > 1\n',
  '#else\n',
  '#elif defined(CONFIG_C)\n',
  '#endif\n',
  '#define TOY 1\n',
);

test('property: the slice keeps conditional groups whole, so they pair up as in the file', () => {
  fc.assert(
    fc.property(fc.array(conditionalPiece, { maxLength: 30 }), (pieces) => {
      const text = pieces.join('');
      const kept = conditionalShape(sliceForAnalysis(text, ENGINE_REACH).text);
      // Every kept #if, #elif, #else and #endif sits at the depth it has in the file.
      const all = conditionalShape(text);
      let at = 0;
      for (const k of kept) {
        while (at < all.length && all[at] !== k) at++;
        assert.ok(at < all.length, `${k} is not where the file has it: ${kept.join(' ')} / ${all.join(' ')}`);
        at++;
      }
      // And a kept group has all its parts: as many #ifs as #endifs at each depth when the file pairs up.
      const balanced = (shape: string[]) => shape.reduce((d, s) => (d < 0 ? d : d + (s.endsWith(':if') ? 1 : s.endsWith(':endif') ? -1 : 0)), 0);
      if (balanced(all) === 0 && !all.some((s) => s.startsWith('0:') || s.startsWith('-'))) assert.equal(balanced(kept), 0, kept.join(' '));
    }),
    { numRuns: 500 },
  );
});

test('a #define or #undef of a name a condition tests is kept: the build\'s -D/-U must not decide a name the file sets', async () => {
  const text = [
    'static int first(void)',
    '{',
    '\treturn 0;',
    '}',
    '#define DRV_LEGACY 1',
    '#undef DRV_FAST',
    '#define DRV_UNUSED 2',
    'static int other(void)',
    '{',
    '\treturn 0;',
    '}',
    '#ifdef DRV_LEGACY',
    'static int f(unsigned long a, struct page **p)',
    '{',
    '\tunsigned int fl = FOLL_LONGTERM | FOLL_WRITE;',
    '#if defined(DRV_FAST)',
    '\tfl |= FOLL_FORCE;',
    '#endif',
    '\treturn pin_user_pages_fast(a, 1, fl, p);',
    '}',
    '#endif',
    '',
  ].join('\n');
  const sliced = sliceForAnalysis(text, ENGINE_REACH).text;
  assert.deepEqual(keptLineNumbers(sliced), [5, 6, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
  // The slice and the whole file give the same answer under the build's facts (-UDRV_LEGACY -DDRV_FAST).
  const { loadCParser } = await import('../../server/engine/parser.js');
  const { SourceAnalyzer } = await import('../../server/scan/analyze-source.js');
  const parser = await loadCParser();
  const macros = { '/d.c': { defined: { DRV_FAST: '1' }, undefined: ['DRV_LEGACY'] } };
  const answer = (slice: boolean) => JSON.stringify(new SourceAnalyzer(parser, '6.1', slice, undefined, undefined, macros).analyzeText('/d.c', text)?.calls.map((c) => c.flagSets.map((s) => s.flags)));
  assert.equal(answer(true), answer(false));
  assert.equal(answer(false), JSON.stringify([[['FOLL_FORCE', 'FOLL_LONGTERM', 'FOLL_WRITE'], ['FOLL_LONGTERM', 'FOLL_WRITE']]]));
});
