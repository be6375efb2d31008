// The build's macro facts (-D/-U, autoconf.h's CONFIG_*, version.h) decide #ifdef / #if defined() /
// IS_ENABLED() arms exactly as cpp would; a name the facts do not cover, or one the file itself
// #defines, keeps both arms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCParser } from '../../server/engine/parser.js';
import { analyzeTree } from '../../server/engine/index.js';
import type { MacroFacts } from '../../server/engine/macro-facts.js';
import type { FileAnalysis } from '../../server/engine/types.js';

async function analyze(text: string, macros?: MacroFacts, kernel = '6.1'): Promise<FileAnalysis> {
  const parser = await loadCParser();
  const tree = parser.parse(text);
  try {
    return analyzeTree(text, tree, { kernel, macros });
  } finally {
    tree.delete();
  }
}

const sets = (a: FileAnalysis) => a.calls.flatMap((c) => c.flagSets.map((s) => `${s.flags.join('|')}${s.path ? ` @ ${s.path}` : ''}`)).sort();

const DRIVER = [
  'static int get_pages(unsigned long buf, int n, struct page **pages)',
  '{',
  '\tunsigned int flags = FOLL_LONGTERM;',
  '#ifdef CONFIG_DRV_WRITABLE',
  '\tflags |= FOLL_WRITE;',
  '#endif',
  '#if defined(HAVE_PIN_FORCE) && !defined(DRV_NO_FORCE)',
  '\tflags |= FOLL_FORCE;',
  '#elif IS_ENABLED(CONFIG_DRV_DEBUG)',
  '\tflags |= FOLL_NOFAULT;',
  '#endif',
  '\treturn pin_user_pages_fast(buf, n, flags, pages);',
  '}',
  '',
].join('\n');

test('without build facts, #ifdef and defined() keep both arms (as before)', async () => {
  const a = await analyze(DRIVER);
  assert.equal(sets(a).length, 6);
  assert.ok(sets(a).every((s) => s.includes('@')));
});

test('-D, -U and autoconf.h decide every arm: one flag set, no path', async () => {
  const config = { CONFIG_DRV_WRITABLE: '1', CONFIG_DRV_DEBUG_MODULE: '1' };
  const a = await analyze(DRIVER, { defined: { HAVE_PIN_FORCE: '1' }, undefined: ['DRV_NO_FORCE'], config });
  assert.deepEqual(sets(a), ['FOLL_FORCE|FOLL_LONGTERM|FOLL_WRITE']);
  // -UHAVE_PIN_FORCE: the #elif decides; IS_ENABLED holds for a module (=m: CONFIG_X_MODULE).
  const b = await analyze(DRIVER, { defined: {}, undefined: ['HAVE_PIN_FORCE'], config });
  assert.deepEqual(sets(b), ['FOLL_LONGTERM|FOLL_NOFAULT|FOLL_WRITE']);
  // autoconf.h without the options: CONFIG_* absent are undefined, so neither arm adds a flag.
  const c = await analyze(DRIVER, { defined: { DRV_NO_FORCE: '1' }, config: {} });
  assert.deepEqual(sets(c), ['FOLL_LONGTERM']);
});

test('a name the facts do not cover stays undecided: both arms, each named', async () => {
  // HAVE_PIN_FORCE unknown (no -D/-U), CONFIG_* known from autoconf.h.
  const a = await analyze(DRIVER, { defined: {}, config: { CONFIG_DRV_WRITABLE: '1' } });
  assert.deepEqual(sets(a), [
    'FOLL_FORCE|FOLL_LONGTERM|FOLL_WRITE @ #if defined(HAVE_PIN_FORCE) && !defined(DRV_NO_FORCE)',
    'FOLL_LONGTERM|FOLL_WRITE @ #else of #if defined(HAVE_PIN_FORCE) && !defined(DRV_NO_FORCE)',
  ]);
});

test('a macro the file #defines itself is not taken from the command line', async () => {
  const text = ['#define HAVE_PIN_FORCE 1', DRIVER].join('\n');
  const a = await analyze(text, { defined: {}, undefined: ['HAVE_PIN_FORCE', 'DRV_NO_FORCE'], config: {} });
  assert.ok(sets(a).some((s) => s.startsWith('FOLL_FORCE|')), sets(a).join('\n'));
  assert.ok(sets(a).some((s) => !s.includes('FOLL_FORCE')));
  // An #undef in the file: -DHAVE_PIN_FORCE no longer decides it either.
  const undone = await analyze(['#undef HAVE_PIN_FORCE', DRIVER].join('\n'), { defined: { HAVE_PIN_FORCE: '1' }, undefined: ['DRV_NO_FORCE'], config: {} });
  assert.equal(sets(undone).length, 2, sets(undone).join('\n'));
});

test('#ifndef, #if X > n over a value, and a call in an arm the build does not compile', async () => {
  const text = [
    '#ifndef CONFIG_DRV_LEGACY',
    'static int a(unsigned long buf, struct page **p) { return pin_user_pages_fast(buf, 1, FOLL_WRITE, p); }',
    '#endif',
    '#if DRV_API_LEVEL >= 3',
    'static int b(unsigned long buf, struct page **p) { return pin_user_pages_fast(buf, 1, FOLL_LONGTERM, p); }',
    '#endif',
    '',
  ].join('\n');
  const fns = (an: FileAnalysis) => an.calls.map((c) => c.function).sort();
  assert.deepEqual(fns(await analyze(text, { defined: { DRV_API_LEVEL: '2' }, config: {} })), ['a']);
  assert.deepEqual(fns(await analyze(text, { defined: { DRV_API_LEVEL: '0x3' }, config: { CONFIG_DRV_LEGACY: '1' } })), ['b']);
  // DRV_API_LEVEL not given: cpp would read it as 0 only if it is really undefined, which a header may not be.
  assert.deepEqual(fns(await analyze(text, { defined: {}, config: {} })), ['a', 'b']);
});

test('a #define in an arm the build does not compile is not the macro\'s value', async () => {
  const text = [
    '#ifdef CONFIG_DRV_LONGTERM',
    '#define DRV_PIN_FLAGS (FOLL_WRITE | FOLL_LONGTERM)',
    '#else',
    '#define DRV_PIN_FLAGS FOLL_WRITE',
    '#endif',
    'static int a(unsigned long buf, struct page **p) { return pin_user_pages_fast(buf, 1, DRV_PIN_FLAGS, p); }',
    '',
  ].join('\n');
  assert.deepEqual(sets(await analyze(text, { defined: {}, config: {} })), ['FOLL_WRITE']);
  assert.deepEqual(sets(await analyze(text, { defined: {}, config: { CONFIG_DRV_LONGTERM: '1' } })), ['FOLL_LONGTERM|FOLL_WRITE']);
});

test('LINUX_VERSION_CODE from the build\'s version.h is exact: a sublevel test is decided', async () => {
  const text = [
    'static int a(unsigned long buf, struct page **p)',
    '{',
    '#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 100)',
    '\treturn pin_user_pages_fast(buf, 1, FOLL_WRITE | FOLL_LONGTERM, p);',
    '#else',
    '\treturn pin_user_pages_fast(buf, 1, FOLL_WRITE, p);',
    '#endif',
    '}',
    '',
  ].join('\n');
  assert.equal((await analyze(text)).calls.length, 2, 'the series alone does not decide a sublevel');
  const v = (6 << 16) + (1 << 8) + 176;
  const a = await analyze(text, { defined: { LINUX_VERSION_CODE: String(v) } });
  assert.deepEqual(a.calls.map((c) => c.range.start.row + 1), [4]);
});

test('C conditions the build decides: if (IS_ENABLED(CONFIG_X)) keeps one arm and names no path; a variable never decides', async () => {
  const text = [
    'static int f(unsigned long a, struct page **p, bool writable)',
    '{',
    '\tunsigned int fl = FOLL_LONGTERM;',
    '',
    '\tif (IS_ENABLED(CONFIG_DRV_RW) && !IS_MODULE(CONFIG_DRV_RO))',
    '\t\tfl |= FOLL_WRITE;',
    '\telse',
    '\t\tfl |= FOLL_NOFAULT;',
    '\tif (writable && IS_BUILTIN(CONFIG_DRV_RW))',
    '\t\tfl |= FOLL_FORCE;',
    '\treturn pin_user_pages_fast(a, 1, fl, p);',
    '}',
    '',
  ].join('\n');
  // Without facts: every combination, each named by its condition.
  const none = await analyze(text);
  assert.equal(sets(none).length, 4);
  assert.ok(sets(none).every((s) => s.includes('IS_ENABLED')));
  const rw = await analyze(text, { defined: {}, config: { CONFIG_DRV_RW: '1' } });
  assert.deepEqual(sets(rw), ['FOLL_FORCE|FOLL_LONGTERM|FOLL_WRITE @ writable && IS_BUILTIN(CONFIG_DRV_RW)', 'FOLL_LONGTERM|FOLL_WRITE @ !(writable && IS_BUILTIN(CONFIG_DRV_RW))'].sort());
  // CONFIG_DRV_RO=m: the first test fails (else arm only); the second still depends on `writable`.
  const ro = await analyze(text, { defined: {}, config: { CONFIG_DRV_RW: '1', CONFIG_DRV_RO_MODULE: '1' } });
  assert.deepEqual(sets(ro), ['FOLL_FORCE|FOLL_LONGTERM|FOLL_NOFAULT @ writable && IS_BUILTIN(CONFIG_DRV_RW)', 'FOLL_LONGTERM|FOLL_NOFAULT @ !(writable && IS_BUILTIN(CONFIG_DRV_RW))'].sort());
  const off = await analyze(text, { defined: {}, config: {} });
  assert.deepEqual(sets(off), ['FOLL_LONGTERM|FOLL_NOFAULT']);
});

test('a call in an if arm the build rules out (IS_ENABLED) is no call on that build, as in an #ifdef arm', async () => {
  const text = [
    'static int f(unsigned long a, struct page **p)',
    '{',
    '\tif (!IS_ENABLED(CONFIG_DRV_PIN))',
    '\t\treturn get_user_pages_fast(a, 1, FOLL_WRITE, p);',
    '\telse',
    '\t\treturn pin_user_pages_fast(a, 1, FOLL_WRITE | FOLL_LONGTERM, p);',
    '}',
    '',
  ].join('\n');
  const callees = (an: FileAnalysis) => an.calls.map((c) => c.callee);
  assert.deepEqual(callees(await analyze(text)), ['get_user_pages_fast', 'pin_user_pages_fast']);
  assert.deepEqual(callees(await analyze(text, { defined: {}, config: { CONFIG_DRV_PIN: '1' } })), ['pin_user_pages_fast']);
  assert.deepEqual(callees(await analyze(text, { defined: {}, config: {} })), ['get_user_pages_fast']);
});
