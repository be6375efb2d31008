// Symbol hovers cite the tree they were read in; for a target kernel that names or places the
// function otherwise, they add what that release calls it (sim-core's name ledger).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeSymbol, renderSymbolMarkdown } from '../../server/knowledge/index.js';

const sources = (name: string, kernel: string) =>
  renderSymbolMarkdown(describeSymbol(name, kernel)!)
    .split('\n')
    .find((l) => l.startsWith('Kernel source:')) ?? '';

test('gup_must_unshare on 6.2 and 6.3: where that release has it, with the commit', () => {
  assert.match(sources('gup_must_unshare', '6.2'), /`mm\/internal\.h` `gup_must_unshare\(\)` \(6\.12 source\), on 6\.2: include\/linux\/mm\.h gup_must_unshare\(\) \(6\.2, until 63b605128655 in 6\.3: mm\/internal\.h\)/);
  assert.match(sources('gup_must_unshare', '6.3'), /on 6\.3: mm\/gup\.c gup_pte_range\(\) \(6\.3, until 23babe1934d7 in 6\.10: gup_fast_pte_range\(\)\)/);
  assert.doesNotMatch(sources('gup_must_unshare', '6.3'), /on 6\.3: mm\/internal\.h/, 'unchanged since 6.3: nothing added');
});

test('a kernel whose tree the reference was read in gets the reference alone', () => {
  assert.doesNotMatch(sources('gup_must_unshare', '6.12'), /, on 6\.12:/);
  assert.doesNotMatch(sources('gup_must_unshare', '6.1'), /, on 6\.1:/);
});
