// Every message over the example driver and the fixtures opens with its verdict in one short
// sentence (rule.ts FIRST_SENTENCE_MAX), on every kernel pinsight is held to; the detail (memory
// kinds, per-kernel advice, what a read-only buffer gets) is in the related information. The rule
// tests hold every case of their tables to the same limit (rule-tester.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FIRST_SENTENCE_MAX, firstSentence } from '../../server/engine/rules/rule.js';
import { analyze } from './helpers.js';
import { MESSAGE_KERNELS, longFirstSentences } from './rule-tester.js';

const root = join(__dirname, '../..');
const DIRS = ['examples', 'test/fixtures/flag-flow', 'test/lsp/fixtures'];

function* cFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* cFiles(path);
    else if (/\.[ch]$/.test(entry.name)) yield path;
  }
}

test('firstSentence ends at the first full stop before a space, not inside a version or a name', () => {
  assert.equal(firstSentence('Pin is not reliable on Linux 6.1: a write replaces it. Pass FOLL_WRITE.'), 'Pin is not reliable on Linux 6.1: a write replaces it.');
  assert.equal(firstSentence('Use unpin_user_page*() on 6.12'), 'Use unpin_user_page*() on 6.12');
});

for (const kernel of MESSAGE_KERNELS) {
  test(`every message over examples/ and the fixtures opens with a verdict of at most ${FIRST_SENTENCE_MAX} characters on ${kernel}`, async () => {
    const codes = new Set<string>();
    for (const dir of DIRS) {
      for (const file of cFiles(join(root, dir))) {
        const { findings } = await analyze(readFileSync(file, 'utf8'), kernel);
        for (const f of findings) codes.add(f.code);
        assert.deepEqual(longFirstSentences(findings), [], relative(root, file));
      }
    }
    // The examples exercise most rules: a test that reads no message holds nothing.
    assert.ok(codes.size >= 5, `codes seen: ${[...codes].join(', ')}`);
  });
}
