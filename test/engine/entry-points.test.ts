import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entryPointAt, ENTRY_POINTS } from '../../server/engine/index.js';

test('entry points: the vmas argument is gone from 6.5 on', () => {
  assert.deepEqual(entryPointAt('get_user_pages_remote', '6.1')!.params, ['mm', 'start', 'nr_pages', 'gup_flags', 'pages', 'vmas', 'locked']);
  assert.deepEqual(entryPointAt('get_user_pages_remote', '6.12')!.params, ['mm', 'start', 'nr_pages', 'gup_flags', 'pages', 'locked']);
  assert.equal(entryPointAt('pin_user_pages', '6.4')!.params.length, 5);
  assert.equal(entryPointAt('pin_user_pages', '6.5')!.params.length, 4);
  assert.equal(entryPointAt('pin_user_pages_unlocked', '6.12')!.flagsArg, 3);
  assert.equal(entryPointAt('pin_user_pages_unlocked', '6.12')!.pagesArg, 2);
});

test('entry points: what each adds and rejects depends on the kernel', () => {
  assert.deepEqual(entryPointAt('pin_user_pages', '6.1')!.adds, ['FOLL_PIN']);
  assert.deepEqual(entryPointAt('pin_user_pages_unlocked', '6.1')!.adds, ['FOLL_PIN', 'FOLL_TOUCH']);
  assert.deepEqual(entryPointAt('pin_user_pages_unlocked', '6.12')!.adds, ['FOLL_PIN', 'FOLL_TOUCH', 'FOLL_UNLOCKABLE']);
  const rejects = (name: string, kernel: string) => entryPointAt(name, kernel)!.rejects.map((r) => r.flag);
  assert.ok(rejects('pin_user_pages_unlocked', '6.1').includes('FOLL_LONGTERM'));
  assert.ok(!rejects('pin_user_pages_unlocked', '6.12').includes('FOLL_LONGTERM'));
  assert.ok(!rejects('get_user_pages', '6.1').includes('FOLL_TOUCH'));
  assert.ok(rejects('get_user_pages', '6.12').includes('FOLL_TOUCH'));
  assert.ok(rejects('get_user_pages_fast', '6.12').includes('FOLL_LONGTERM'));
  assert.ok(!entryPointAt('get_user_pages_fast', '6.12')!.fastAllowed!.includes('FOLL_NOWAIT'));
});

test('entry points: existence by version, families, and no entry for other names', () => {
  assert.equal(entryPointAt('pin_user_pages_fast_only', '6.1')!.exists, true);
  assert.equal(entryPointAt('pin_user_pages_fast_only', '6.12')!.exists, false);
  assert.equal(entryPointAt('memfd_pin_folios', '6.1')!.exists, false);
  assert.equal(entryPointAt('memfd_pin_folios', '6.12')!.exists, true);
  assert.equal(entryPointAt('memfd_pin_folios', '6.12')!.flagsArg, undefined);
  assert.equal(entryPointAt('copy_from_user', '6.1'), undefined);
  for (const e of ENTRY_POINTS) {
    assert.equal(e.pins, e.family === 'pup', e.name);
    if (e.pinCounterpart) assert.equal(entryPointAt(e.pinCounterpart, '6.1')!.family, 'pup');
  }
});
