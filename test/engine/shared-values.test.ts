// What a call keeps grows with what is distinct, not with the calls (issue 14: 330,000 calls kept
// ~2 KB each): calls share their flag lists, callee names and the messages of their findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCParser } from '../../server/engine/parser.js';
import { analyzeTree } from '../../server/engine/index.js';
import { manyCallsSource } from '../../scripts/bench/many-calls.js';

test('the calls of a file share their lists of flags, names and messages; shared lists are frozen', async () => {
  const parser = await loadCParser();
  const text = manyCallsSource(400, 'dense');
  const tree = parser.parse(text);
  try {
    const { calls, findings } = analyzeTree(text, tree, { kernel: '6.12' });
    assert.equal(calls.length, 400);
    const distinct = (values: unknown[]) => new Set(values).size;
    // Four shapes of call: at most four of each list, whatever the number of calls.
    assert.ok(distinct(calls.map((c) => c.impliedFlags)) <= 4);
    assert.ok(distinct(calls.flatMap((c) => c.flagSets.map((s) => s.flags))) <= 4);
    assert.ok(distinct(calls.flatMap((c) => c.flagSets.map((s) => s.unknown))) <= 4);
    // Lists are compared by identity above; strings by value (a Set cannot tell copies apart).
    assert.ok(findings.length >= 100);
    assert.ok(distinct(findings.map((f) => f.message)) <= 4);
    const list = calls[0]!.impliedFlags;
    assert.ok(Object.isFrozen(list));
    assert.throws(() => (list as string[]).push('FOLL_X'), TypeError);
  } finally {
    tree.delete();
  }
});
