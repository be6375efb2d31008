// server/project: `.pinsight.json` (reading, the walk up, the schema editors validate it with),
// its globs and kernel ranges, the policy, and the safe small-file read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { FINDING_RULES } from '../../server/engine/index.js';
import type { Finding } from '../../server/engine/types.js';
import { globToRegExp } from '../../server/project/glob.js';
import { applyPolicy, failsRun } from '../../server/project/policy.js';
import { isIgnored, MAX_PROJECT_FILE_BYTES, parseKernelRange, ProjectFiles, readProjectFile } from '../../server/project/project-file.js';
import { readSmallFile } from '../../server/project/safe-read.js';

const root = join(__dirname, '../..');
const CODES = FINDING_RULES.map((r) => r.code);

function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-project-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('globs: * within a name, ** across directories, bare names at any depth, directories whole', () => {
  const table: [string, string, boolean][] = [
    ['vendor/**', 'vendor/a/b.c', true],
    ['vendor/**', 'src/vendor/b.c', false],
    ['gen_*.c', 'gen_table.c', true],
    ['gen_*.c', 'deep/dir/gen_table.c', true],
    ['gen_*.c', 'gen_/x.c', false],
    ['drivers/staging', 'drivers/staging/foo/bar.c', true],
    ['drivers/staging/', 'drivers/stagingfoo.c', false],
    ['**/test_?.c', 'a/b/test_1.c', true],
    ['**/test_?.c', 'test_1.c', true],
    ['**/test_?.c', 'a/test_12.c', false],
    ['a.c', 'a_c', false],
  ];
  for (const [glob, path, want] of table) assert.equal(globToRegExp(glob).test(path), want, `${glob} ~ ${path}`);
});

test('kernel ranges: "6.1..6.12", both ends included, in order', () => {
  assert.deepEqual(parseKernelRange('6.1..6.12'), { from: '6.1', to: '6.12' });
  assert.deepEqual(parseKernelRange(' v5.15 .. 6.1 '), { from: '5.15', to: '6.1' });
  assert.equal(parseKernelRange('6.12..6.1'), undefined);
  assert.equal(parseKernelRange('6.1'), undefined);
  assert.equal(parseKernelRange('6.1..later'), undefined);
  assert.equal(parseKernelRange(61), undefined);
});

test('readProjectFile: every field, and each bad one named in a single warning', () => {
  withDir((dir) => {
    const path = join(dir, '.pinsight.json');
    writeFileSync(path, JSON.stringify({ kernel: 'v6.1', kernels: '6.1..6.12', disable: ['longterm-readonly'], severity: { 'foll-force-misuse': 'note' }, ignore: ['gen/**'], include: ['drivers/'] }));
    const good = readProjectFile(path, CODES);
    assert.equal(good.warning, undefined);
    assert.deepEqual({ ...good.config }, { path, dir, kernel: '6.1', kernels: { from: '6.1', to: '6.12' }, disable: ['longterm-readonly'], severity: { 'foll-force-misuse': 'information' }, ignore: ['gen/**'], include: ['drivers/'] });
    assert.equal(isIgnored(good.config, join(dir, 'gen/x.c')), true);
    assert.equal(isIgnored(good.config, join(dir, 'src/x.c')), false);
    assert.equal(isIgnored(good.config, join(dir, '..', 'gen/x.c')), false, 'outside the project');

    writeFileSync(path, JSON.stringify({ disable: ['longterm-readonly', 'nope'], severity: { nope: 'error', 'rejected-flags': 'loud' } }));
    const bad = readProjectFile(path, CODES);
    assert.deepEqual(bad.config.disable, ['longterm-readonly'], 'the good codes stay');
    assert.deepEqual(bad.config.severity, {});
    assert.match(bad.warning!, /unknown finding code\(s\) nope.*unknown finding code nope.*"loud" is not error/);
  });
});

test('ProjectFiles: the nearest file above a path, once per directory, and none up to the root', () => {
  withDir((dir) => {
    mkdirSync(join(dir, 'tree/drivers/x'), { recursive: true });
    writeFileSync(join(dir, 'tree/.pinsight.json'), '{"kernel": "6.1"}');
    writeFileSync(join(dir, 'tree/drivers/.pinsight.json'), '{"kernel": "6.12"}');
    const warnings: string[] = [];
    const projects = new ProjectFiles(CODES, (w) => warnings.push(w));
    assert.equal(projects.forPath(join(dir, 'tree/drivers/x/a.c'))!.kernel, '6.12');
    assert.equal(projects.forPath(join(dir, 'tree/b.c'))!.kernel, '6.1');
    assert.equal(projects.forPath(join(dir, 'tree'), true)!.kernel, '6.1');
    assert.equal(projects.forPath(join(dir, 'c.c')), undefined);
    // Cached for good in the CLI (maxAge Infinity): a new file is not seen...
    writeFileSync(join(dir, '.pinsight.json'), '{"kernel": "5.15"}');
    assert.equal(projects.forPath(join(dir, 'c.c')), undefined);
    // ...until the cache is cleared (the server: settings changed, or the answer aged).
    projects.clear();
    assert.equal(projects.forPath(join(dir, 'c.c'))!.kernel, '5.15');
    assert.deepEqual(warnings, []);
  });
});

test('readSmallFile: a regular file of at most maxBytes; never a FIFO, a directory or more', { skip: process.platform === 'win32' ? 'no FIFOs' : false }, () => {
  withDir((dir) => {
    writeFileSync(join(dir, 'ok.json'), '{}');
    assert.equal(readSmallFile(join(dir, 'ok.json'), 10), '{}');
    writeFileSync(join(dir, 'big.json'), 'x'.repeat(MAX_PROJECT_FILE_BYTES + 1));
    assert.throws(() => readSmallFile(join(dir, 'big.json'), MAX_PROJECT_FILE_BYTES), /larger than 65536 bytes/);
    mkdirSync(join(dir, 'd'));
    assert.throws(() => readSmallFile(join(dir, 'd'), 10), /not a regular file|EISDIR/);
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    // Without O_NONBLOCK the open would wait for a writer and hang the test.
    assert.throws(() => readSmallFile(join(dir, 'fifo'), 10), /not a regular file/);
    assert.throws(() => readSmallFile(join(dir, 'missing'), 10), /ENOENT/);
  });
});

test('the JSON schema editors validate .pinsight.json with agrees with the reader', () => {
  const schema = JSON.parse(readFileSync(join(root, 'schemas/pinsight-project.schema.json'), 'utf8'));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.contributes.jsonValidation, [{ fileMatch: '.pinsight.json', url: './schemas/pinsight-project.schema.json' }]);
  assert.match(readFileSync(join(root, '.vscodeignore'), 'utf8'), /^!schemas\/\*\.json$/m, 'the schema ships in the .vsix');
  assert.deepEqual(schema.properties.disable.items.enum, CODES, 'the schema lists every finding code');
  const validate = new Ajv({ strict: false }).compile(schema);
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const example = /```json\n(\{[\s\S]*?"kernels"[\s\S]*?\})\n```/.exec(readme);
  assert.ok(example, 'README has a .pinsight.json example');
  const cases: unknown[] = [
    JSON.parse(example[1]!),
    { kernel: '6.1' },
    { kernel: 'six' },
    { kernels: '6.1-6.12' },
    { disable: ['nope'] },
    { severity: { 'foll-force-misuse': 'fatal' } },
    { colour: true },
    { ignore: [''] },
  ];
  withDir((dir) => {
    for (const value of cases) {
      writeFileSync(join(dir, '.pinsight.json'), JSON.stringify(value));
      const { warning } = readProjectFile(join(dir, '.pinsight.json'), CODES);
      assert.equal(validate(value), warning === undefined, `${JSON.stringify(value)}: schema ${validate(value)}, reader ${warning ?? 'ok'}`);
    }
  });
});

const finding = (code: string, severity: Finding['severity'], suppressed = false): Finding => ({
  code,
  severity,
  range: { start: { row: 0, column: 0 }, end: { row: 0, column: 1 } },
  message: '',
  link: '',
  related: [],
  fixes: [],
  ...(suppressed ? { suppressed: { kind: 'inline' as const, reason: 'why' } } : {}),
});

test('policy: which findings fail the run at each --fail-on level', () => {
  const table: [Finding['severity'], string, boolean][] = [
    ['hint', 'warning', false],
    ['information', 'warning', false],
    ['information', 'note', true],
    ['hint', 'note', true],
    ['warning', 'warning', true],
    ['warning', 'error', false],
    ['error', 'error', true],
    ['error', 'never', false],
  ];
  for (const [severity, failOn, fails] of table) assert.equal(failsRun(finding('x', severity), failOn as never), fails, `${severity} at --fail-on ${failOn}`);
  assert.equal(failsRun(finding('x', 'error', true), 'note'), false, 'a suppressed finding never fails the run');
  const kept = applyPolicy([finding('a', 'hint'), finding('b', 'warning')], { disabled: new Set(['b']), severity: { a: 'error' } });
  assert.deepEqual(kept.map((f) => [f.code, f.severity]), [['a', 'error']]);
});
