// The byte pre-filter: it may let through a file that holds no call, never reject one that does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ENTRY_NAMES, NeedleSearch, coarseNeedles, exactNeedles } from '../../server/scan/needles.js';

test('every entry point contains an exact needle and a coarse one', () => {
  const search = new NeedleSearch();
  assert.ok(ENTRY_NAMES.length > 10);
  for (const name of ENTRY_NAMES) {
    assert.ok(search.exact.some((n) => name.includes(n)), `${name}: no exact needle`);
    assert.ok(search.coarse.some((n) => name.includes(n)), `${name}: no coarse needle`);
  }
  // Fewer passes over each file than names: the point of the coarse step.
  assert.ok(search.coarse.length < search.exact.length);
});

test('exact needles drop names that contain another name', () => {
  assert.deepEqual(exactNeedles(['get_user_pages', 'get_user_pages_fast', 'pin_user_pages', 'get_user_pages']), ['get_user_pages', 'pin_user_pages']);
  assert.deepEqual(coarseNeedles(['get_user_pages_fast', 'pin_user_pages', 'memfd_pin_folios'], ['user_page']), ['memfd_pin_folios', 'user_page']);
});

test('a file naming any entry point passes; one naming none, or only a near miss, does not', () => {
  const search = new NeedleSearch();
  for (const name of ENTRY_NAMES) assert.ok(search.matches(Buffer.from(`\tret = ${name}(a, b, c);\n`)), name);
  assert.ok(!search.matches(Buffer.from('static int f(void) { return copy_from_user(a, b, c); }\n')));
  assert.ok(!search.matches(Buffer.from('/* user_pages, access_ok(), get_user_pagez */\n')));
});

test('property: the search agrees with "contains one of the names" on any text', () => {
  const search = new NeedleSearch();
  const word = fc.constantFrom(...ENTRY_NAMES, 'user_page', 'access_', 'pin_', 'get_user', '_vm', 'folios', ' ', '\n', '(', 'x');
  fc.assert(
    fc.property(fc.array(word, { maxLength: 12 }), (words) => {
      const text = words.join('');
      assert.equal(search.matches(Buffer.from(text)), ENTRY_NAMES.some((n) => text.includes(n)));
    }),
    { numRuns: 500 },
  );
});

test('property: with a project index\'s thousands of names the search still agrees with "contains one of them"', () => {
  const names = Array.from({ length: 5000 }, (_, i) => `drv_pin_${i}_x`);
  const search = new NeedleSearch(names);
  const word = fc.constantFrom('drv_pin_', '17', '4999', '_x', '5000', ' ', '(', 'drv_pin_12_x', 'drv_pin_4999_x');
  fc.assert(
    fc.property(fc.array(word, { maxLength: 10 }), (words) => {
      const text = words.join('');
      assert.equal(search.matches(Buffer.from(text)), names.some((n) => text.includes(n)));
    }),
    { numRuns: 300 },
  );
});
