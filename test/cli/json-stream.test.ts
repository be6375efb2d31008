// writeJson (server/cli/json-stream.ts) writes JSON.stringify's bytes in parts: the scan's JSON
// report of a huge file is written as it is made (issue 14), and must read the same as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { writeJson } from '../../server/cli/json-stream.js';
import { escapeRawInJson, printableJson } from '../../server/cli/printable.js';

function written(value: unknown, indent: number, options: Parameters<typeof writeJson>[3] = {}): { text: string; parts: number } {
  const parts: string[] = [];
  writeJson(value, indent, (p) => parts.push(p), options);
  return { text: parts.join(''), parts: parts.length };
}

const report = {
  kernel: '6.12',
  kernelNotes: ['note one'],
  calls: [
    { file: 'a.c', line: 1, flagSets: [['FOLL_WRITE'], []], impliedFlags: [], path: null, missing: undefined },
    { file: 'b\n"c.c', line: 2, nested: { deep: { deeper: [1, { x: 'y' }] } }, empty: {} },
  ],
  findings: [],
  fn: () => 1,
};

test('writeJson gives JSON.stringify\'s bytes, at every depth and indent', () => {
  for (const indent of [0, 2, 4]) {
    for (const depth of [0, 1, 2, 5]) {
      assert.equal(written(report, indent, { depth }).text, JSON.stringify(report, null, indent), `indent ${indent}, depth ${depth}`);
    }
  }
  for (const value of [[], {}, [undefined, () => 0, null], 'text', 3, null, [[[]]], { a: { toJSON: () => 'J' } }]) {
    assert.equal(written(value, 2).text, JSON.stringify(value, null, 2));
  }
});

test('writeJson reads an iterator as an array, made as it is read', () => {
  let made = 0;
  const lazy = (function* () {
    for (let i = 0; i < 3; i++) {
      made++;
      yield { i, name: `call ${i}` };
    }
  })();
  const out = written({ calls: lazy, findings: [] }, 2).text;
  assert.equal(made, 3);
  assert.equal(out, JSON.stringify({ calls: [0, 1, 2].map((i) => ({ i, name: `call ${i}` })), findings: [] }, null, 2));
});

test('writeJson writes in parts of about partSize, each escaped as the whole would be', () => {
  const big = { calls: Array.from({ length: 500 }, (_, i) => ({ i, text: `line ${i}\u2028\u202e` })) };
  const { text, parts } = written(big, 2, { partSize: 1000, escape: escapeRawInJson });
  assert.ok(parts > 10, `${parts} parts`);
  assert.equal(text, printableJson(big, 2));
});

test('writeJson matches JSON.stringify on arbitrary JSON values', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 4 }), (value, indent, depth) => {
      assert.equal(written(value, indent, { depth, partSize: 7 }).text, JSON.stringify(value, null, indent));
    }),
    { numRuns: 300 },
  );
});

test('scan --format json gives the same bytes written in parts as printed whole', async () => {
  const { runCli } = await import('../../server/cli/main.js');
  const { commands } = await import('../../server/cli/commands.js');
  const { join } = await import('node:path');
  const root = join(__dirname, '../..');
  const argv = ['scan', '--format', 'json', '--kernel', '6.1', 'examples', 'test/scan/fixtures'];
  let whole = '';
  const wholeCode = await runCli(commands, argv, { out: (t) => (whole += t + '\n'), err: () => undefined, cwd: root });
  const parts: string[] = [];
  let waited = 0;
  const partsCode = await runCli(commands, argv, {
    out: () => assert.fail('out() used for JSON'),
    // Every other part asks the scan to wait, as a pipe that is behind does.
    write: (p) => {
      parts.push(p);
      return parts.length % 2 === 0 ? new Promise<void>((resolve) => setImmediate(() => (waited++, resolve()))) : undefined;
    },
    err: () => undefined,
    cwd: root,
  });
  assert.equal(partsCode, wholeCode);
  assert.ok((JSON.parse(whole) as { calls: unknown[] }).calls.length > 10);
  assert.equal(parts.join(''), whole);
  assert.ok(waited > 0);
});
