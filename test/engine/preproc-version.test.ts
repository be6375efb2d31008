// Version-conditional driver code: the arm the target kernel compiles is taken; an arm nothing here
// decides (a configure-test macro) is kept, and the flag set says which arm it came through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './helpers.js';

const COMPAT = [
  'static int get_pages(unsigned long buf, int n, struct page **pages)',
  '{',
  '\tunsigned int flags = FOLL_LONGTERM;',
  '#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)',
  '\tflags |= 0;',
  '#else',
  '\tflags |= FOLL_WRITE | FOLL_FORCE;',
  '#endif',
  '#ifdef DRV_PIN_HAS_WRITE',
  '\tflags |= FOLL_WRITE;',
  '#endif',
  '\treturn pin_user_pages_fast(buf, n, flags, pages);',
  '}',
  '',
  'static int get_one(unsigned long buf, struct page **pages)',
  '{',
  '#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)',
  '\treturn pin_user_pages(buf, 1, FOLL_WRITE, pages, NULL);',
  '#else',
  '\treturn pin_user_pages(buf, 1, FOLL_WRITE, pages);',
  '#endif',
  '}',
  '',
].join('\n');

const sets = (calls: Awaited<ReturnType<typeof analyze>>['calls'], line: number) =>
  calls.filter((c) => c.range.start.row + 1 === line).flatMap((c) => c.flagSets.map((s) => `${s.flags.join('|')} @ ${s.path ?? ''}`)).sort();

test('#if LINUX_VERSION_CODE: the arm the target kernel compiles decides the flags', async () => {
  const on61 = await analyze(COMPAT, '6.1');
  assert.deepEqual(sets(on61.calls, 12).map((s) => s.split(' @ ')[0]), ['FOLL_FORCE|FOLL_LONGTERM|FOLL_WRITE']);
  // On 6.1 the pre-6.2 arm is compiled: FOLL_FORCE is found there, and dropping it says what read-only buffers get.
  const force = on61.findings.find((f) => f.code === 'foll-force-misuse')!;
  assert.equal(force.range.start.row + 1, 7);
  assert.match(force.fixes.find((x) => x.preferred)!.title, /-EFAULT/);
  const on612 = await analyze(COMPAT, '6.12');
  assert.deepEqual(sets(on612.calls, 12), ['FOLL_LONGTERM @ #else of #ifdef DRV_PIN_HAS_WRITE', 'FOLL_LONGTERM|FOLL_WRITE @ #ifdef DRV_PIN_HAS_WRITE']);
  // The FOLL_FORCE of the pre-6.2 arm is not compiled on 6.12: nothing to remove there.
  assert.ok(!on612.findings.some((f) => f.code === 'foll-force-misuse'));
});

test('a call in an arm the target kernel does not compile is not a call on that kernel', async () => {
  const on61 = await analyze(COMPAT, '6.1');
  assert.deepEqual(on61.calls.filter((c) => c.function === 'get_one').map((c) => c.range.start.row + 1), [18]);
  const on612 = await analyze(COMPAT, '6.12');
  assert.deepEqual(on612.calls.filter((c) => c.function === 'get_one').map((c) => c.range.start.row + 1), [20]);
});

test('a sublevel the target does not decide, and configure-test macros, keep both arms', async () => {
  const code = [
    'static int f(unsigned long buf, struct page **pages)',
    '{',
    '\tunsigned int flags = FOLL_LONGTERM;',
    '#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 50) || defined(DRV_BACKPORT)',
    '\tflags |= FOLL_WRITE;',
    '#endif',
    '\treturn pin_user_pages_fast(buf, 1, flags, pages);',
    '}',
    '',
  ].join('\n');
  assert.deepEqual(sets((await analyze(code, '6.1')).calls, 7).map((s) => s.split(' @ ')[0]), ['FOLL_LONGTERM', 'FOLL_LONGTERM|FOLL_WRITE']);
  // 6.2 and later compile the arm whatever the sublevel.
  assert.deepEqual(sets((await analyze(code, '6.12')).calls, 7).map((s) => s.split(' @ ')[0]), ['FOLL_LONGTERM|FOLL_WRITE']);
  // 5.10 does not: the arm stays for DRV_BACKPORT.
  assert.deepEqual(sets((await analyze(code, '5.10')).calls, 7).map((s) => s.split(' @ ')[0]), ['FOLL_LONGTERM', 'FOLL_LONGTERM|FOLL_WRITE']);
});
