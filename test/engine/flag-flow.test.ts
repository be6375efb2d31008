// One fixture per flag-flow pattern (test/fixtures/flag-flow/*): each file says, in `// expect`
// lines, the flag sets the call must receive, optionally with the path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCParser } from '../../server/engine/parser.js';
import { analyze, describeSet } from './helpers.js';

const dir = join(__dirname, '../fixtures/flag-flow');

for (const name of readdirSync(dir).sort()) {
  const text = readFileSync(join(dir, name), 'utf8');
  const expects = [...text.matchAll(/^\/\/ expect (\w+): (.*)$/gm)].map((m) => ({ callee: m[1]!, set: m[2]!.trim() }));
  test(`flag flow: ${name}`, async () => {
    assert.ok(expects.length > 0, 'fixture has no expect line');
    const analysis = await analyze(text);
    const callees = [...new Set(expects.map((e) => e.callee))];
    for (const callee of callees) {
      const call = analysis.calls.find((c) => c.callee === callee);
      assert.ok(call, `no call of ${callee} found`);
      const wanted = expects.filter((e) => e.callee === callee).map((e) => e.set);
      const withPath = wanted.some((w) => w.includes(' @ '));
      const got = call.flagSets.map((s) => describeSet(s, withPath));
      assert.deepEqual([...got].sort(), [...wanted].sort());
    }
  });
}

test('flag flow: the kernel-macros fixture really has ERROR nodes in the caller', async () => {
  const parser = await loadCParser();
  const tree = parser.parse(readFileSync(join(dir, 'kernel-macros.c'), 'utf8'));
  const fn = tree.rootNode.descendantsOfType('function_definition')[0]!;
  assert.ok(fn.descendantsOfType('ERROR').length > 0);
  tree.delete();
});

test('flag flow: origins point at the tokens that set each flag', async () => {
  const text = readFileSync(join(dir, 'or-assign.c'), 'utf8');
  const [call] = (await analyze(text)).calls;
  const write = call!.flagSets[0]!.origins.find((o) => o.flag === 'FOLL_WRITE')!;
  assert.equal(write.text, 'flags |= FOLL_WRITE;');
  const line = text.split('\n')[write.range.start.row]!;
  assert.equal(line.slice(write.range.start.column, write.range.end.column), 'FOLL_WRITE');
});

test('flag flow: flags the entry point adds are kept apart from the caller\'s', async () => {
  const text = readFileSync(join(dir, 'literal.c'), 'utf8');
  const [call] = (await analyze(text, '6.12')).calls;
  assert.deepEqual(call!.flagSets.map((s) => s.flags), [['FOLL_LONGTERM', 'FOLL_WRITE']]);
  assert.deepEqual(call!.impliedFlags, ['FOLL_PIN']);
  const remote = (await analyze('long f(struct mm_struct *mm, struct page **p) { return get_user_pages_remote(mm, 0, 1, 0, p, NULL); }', '6.12')).calls[0]!;
  assert.deepEqual(remote.impliedFlags, ['FOLL_GET', 'FOLL_REMOTE', 'FOLL_TOUCH']);
  const noPages = (await analyze('long f(struct mm_struct *mm) { return get_user_pages_remote(mm, 0, 1, 0, NULL, NULL); }', '6.12')).calls[0]!;
  assert.deepEqual(noPages.impliedFlags, ['FOLL_REMOTE', 'FOLL_TOUCH']);
});

test('the pre-4.9 `int write`: a literal 1 is FOLL_WRITE, a boolean expression FOLL_WRITE or nothing, with no unknown part', async () => {
  const one = (await analyze('int f(unsigned long a, struct page **p)\n{\n\treturn get_user_pages_fast(a, 1, 1, p);\n}\n', '6.12')).calls[0]!;
  assert.deepEqual(one.flagSets.map((s) => [s.flags, s.unknown]), [[['FOLL_WRITE'], []]]);
  const dir = (await analyze('int f(unsigned long a, int d, struct page **p)\n{\n\treturn get_user_pages_fast(a, 1, d != DMA_TO_DEVICE, p);\n}\n', '6.12')).calls[0]!;
  assert.deepEqual(dir.flagSets.map((s) => s.flags.join('|')).sort(), ['', 'FOLL_WRITE']);
  assert.ok(dir.flagSets.every((s) => s.unknown.length === 0));
  // Any other number is a different flag set on different kernels: unknown, said so.
  const three = (await analyze('int f(unsigned long a, struct page **p)\n{\n\treturn get_user_pages_fast(a, 1, 3, p);\n}\n', '6.12')).calls[0]!;
  assert.match(three.flagSets[0]!.unknown.join(), /3/);
});
