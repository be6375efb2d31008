// `pinsight scan` with the build's facts (a compile_commands.json at the root or named by
// .pinsight.json, a module Makefile's KDIR) and in patch mode (--diff REV, --diff -).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runCli } from '../../server/cli/main.js';
import { commands } from '../../server/cli/commands.js';
import { pinsight, type Run } from './scan-helpers.js';
import { parseUnifiedDiff } from '../../server/cli/diff-lines.js';

const MODULE = join(__dirname, '../fixtures/kbuild-module');

const codesAt = (out: string) =>
  out
    .split('\n')
    .filter((l) => /:\d+:\d+: (warning|error|note):/.test(l))
    .map((l) => l.replace(/: (warning|note|error): .*\[/, ': $1: ['));

function copyModule(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-kbuild-'));
  cpSync(MODULE, dir, { recursive: true });
  return dir;
}

for (const mode of ['fast', 'plain'] as const) {
  test(`scan (${mode}): the module's compile_commands.json decides its arms, and its version.h the kernel`, async () => {
    const saved = process.env.PINSIGHT_SCAN;
    process.env.PINSIGHT_SCAN = mode === 'plain' ? 'plain' : 'fast';
    try {
      const run = await pinsight(['scan', '.'], MODULE);
      assert.match(run.out, /^pinsight: Linux 6\.1 \(fake-kbuild\/include\/generated\/uapi\/linux\/version\.h\)/);
      assert.deepEqual(codesAt(run.out), ['pindrv.c:28:15: warning: [foll-force-misuse]']);
      // The calls of the arms the build does not compile (CONFIG_TRANSPARENT_HUGEPAGE unset) are not calls.
      assert.match(run.out, /2 GUP\/PUP call\(s\)/);
    } finally {
      if (saved === undefined) delete process.env.PINSIGHT_SCAN;
      else process.env.PINSIGHT_SCAN = saved;
    }
  });
}

test('scan: a .pinsight.json names the database (compileCommands); a bad one is one warning and the scan goes on', async () => {
  const dir = copyModule();
  try {
    execFileSync('mv', [join(dir, 'compile_commands.json'), join(dir, 'fake-kbuild/compile_commands.json')]);
    // Moved, its relative "directory" would name fake-kbuild/: say where it was run.
    const db = JSON.parse(readFileSync(join(dir, 'fake-kbuild/compile_commands.json'), 'utf8'));
    db[0].directory = dir;
    writeFileSync(join(dir, 'fake-kbuild/compile_commands.json'), JSON.stringify(db));
    const unnamed = await pinsight(['scan', '--kernel', '6.1', '.'], dir);
    assert.equal(codesAt(unnamed.out).length, 4, 'without the database both arms of each #if are kept');
    writeFileSync(join(dir, '.pinsight.json'), JSON.stringify({ compileCommands: 'fake-kbuild/compile_commands.json' }));
    const named = await pinsight(['scan', '.'], dir);
    assert.deepEqual(codesAt(named.out), ['pindrv.c:28:15: warning: [foll-force-misuse]']);
    writeFileSync(join(dir, 'fake-kbuild/compile_commands.json'), '[{"directory": 1}, nonsense');
    const bad = await pinsight(['scan', '--kernel', '6.1', '.'], dir);
    assert.equal(bad.code, 1);
    assert.equal(codesAt(bad.out).length, 4);
    assert.equal(bad.err.match(/compile_commands\.json: not JSON/g)?.length, 1, bad.err);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('scan: a module without a database takes its kernel from the KDIR its Makefile names', async () => {
  const dir = copyModule();
  const saved = process.env.KDIR;
  try {
    rmSync(join(dir, 'compile_commands.json'));
    delete process.env.KDIR;
    writeFileSync(join(dir, 'Makefile'), readFileSync(join(dir, 'Makefile'), 'utf8').replace('KDIR ?= /lib/modules/$(shell uname -r)/build', `KDIR ?= ${join(dir, 'fake-kbuild')}`));
    const run = await pinsight(['scan', '.'], dir);
    assert.match(run.out, /^pinsight: Linux 6\.1 \(.*Makefile: KDIR \?= .*fake-kbuild -> .*fake-kbuild\/include\/generated\/uapi\/linux\/version\.h\)/);
    process.env.KDIR = join(dir, 'nowhere');
    const missing = await pinsight(['scan', '.'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /nowhere has neither include\/generated\/uapi\/linux\/version\.h nor include\/config\/kernel\.release/);
    assert.match(missing.err, /cannot tell the kernel version/);
  } finally {
    if (saved === undefined) delete process.env.KDIR;
    else process.env.KDIR = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- patch mode --------------------------------------------------------------------------------

const BEFORE = [
  'int a(unsigned long s, int n, struct page **p)',
  '{',
  '\treturn pin_user_pages_fast(s, n, FOLL_FORCE | FOLL_WRITE | FOLL_LONGTERM, p);',
  '}',
  '',
  'int b(unsigned long s, int n, struct page **p)',
  '{',
  '\tunsigned int f = FOLL_WRITE;',
  '',
  '\treturn pin_user_pages_fast(s, n, f, p);',
  '}',
  '',
].join('\n');

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-diff-'));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], { cwd: dir });
  git('init', '-q');
  writeFileSync(join(dir, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\n');
  writeFileSync(join(dir, 'drv.c'), BEFORE);
  writeFileSync(join(dir, 'other.c'), BEFORE.replace(/\bint a\(/, 'int c(').replace(/\bint b\(/, 'int d('));
  git('add', '.');
  git('commit', '-qm', 'base');
  return dir;
}

async function withStdin(argv: string[], cwd: string, stdin: string): Promise<Run> {
  let out = '';
  let err = '';
  const code = await runCli(commands, argv, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n'), cwd, stdin: async () => stdin });
  return { code, out, err };
}

test('scan --diff REV: only findings on the lines the change touches', async () => {
  const dir = repo();
  try {
    // The change adds FOLL_FORCE to b()'s flags.
    writeFileSync(join(dir, 'drv.c'), BEFORE.replace('\tunsigned int f = FOLL_WRITE;', '\tunsigned int f = FOLL_WRITE | FOLL_FORCE;'));
    const whole = await pinsight(['scan', '.'], dir);
    assert.deepEqual(codesAt(whole.out), ['drv.c:3:35: warning: [foll-force-misuse]', 'drv.c:8:32: warning: [foll-force-misuse]', 'other.c:3:35: warning: [foll-force-misuse]']);
    const patch = await pinsight(['scan', '--diff', 'HEAD'], dir);
    assert.deepEqual(codesAt(patch.out), ['drv.c:8:32: warning: [foll-force-misuse]']);
    assert.equal(patch.code, 1);
    assert.match(patch.out, /1 file\(s\)/, 'only the changed file is analysed');
    // Nothing touched under the PATH: nothing to report, exit 0.
    const none = await pinsight(['scan', '--diff', 'HEAD', 'other.c'], dir);
    assert.deepEqual([none.code, codesAt(none.out)], [0, []]);
    // A clean change.
    execFileSync('git', ['checkout', '-q', '--', 'drv.c'], { cwd: dir });
    const clean = await pinsight(['scan', '--diff', 'HEAD'], dir);
    assert.deepEqual([clean.code, codesAt(clean.out)], [0, []]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('scan --diff: a finding whose related location the change touches (the call that now receives an old FOLL_FORCE)', async () => {
  const dir = repo();
  try {
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], { cwd: dir });
    writeFileSync(join(dir, 'drv.c'), BEFORE.replace('\tunsigned int f = FOLL_WRITE;', '\tunsigned int f = FOLL_WRITE | FOLL_FORCE;').replace('\treturn pin_user_pages_fast(s, n, f, p);', '\treturn 0;'));
    git('commit', '-qam', 'flags without a call');
    // The patch touches only the return line: the FOLL_FORCE line above it is not part of the patch.
    writeFileSync(join(dir, 'drv.c'), BEFORE.replace('\tunsigned int f = FOLL_WRITE;', '\tunsigned int f = FOLL_WRITE | FOLL_FORCE;'));
    const run = await pinsight(['scan', '--format', 'json', '--diff', 'HEAD'], dir);
    const findings = JSON.parse(run.out).findings as { line: number; code: string }[];
    assert.deepEqual(findings.map((f) => `${f.line} ${f.code}`), ['8 foll-force-misuse']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('scan --diff -: a unified diff on stdin (git\'s a/ b/ paths, or none); usage errors are exit 2', async () => {
  const dir = repo();
  try {
    writeFileSync(join(dir, 'drv.c'), BEFORE.replace('\treturn pin_user_pages_fast(s, n, f, p);', '\treturn pin_user_pages_fast(s, n, f | FOLL_FORCE, p);'));
    const diff = execFileSync('git', ['diff'], { cwd: dir, encoding: 'utf8' });
    const run = await withStdin(['scan', '--diff', '-', '.'], dir, diff);
    assert.deepEqual(codesAt(run.out), ['drv.c:10:39: warning: [foll-force-misuse]']);
    const noPrefix = await withStdin(['scan', '--diff', '-', '.'], dir, diff.replace(/^(\+\+\+|---) [ab]\//gm, '$1 '));
    assert.deepEqual(codesAt(noPrefix.out), codesAt(run.out));
    const json = JSON.parse((await withStdin(['scan', '--format', 'json', '--diff', '-'], dir, diff)).out);
    assert.deepEqual(json.findings.map((f: { line: number }) => f.line), [10]);
    assert.equal((await pinsight(['scan', '--diff', '--fix', '.'], dir)).code, 2);
    assert.equal((await pinsight(['scan', '--diff', 'HEAD', '--fix', '.'], dir)).code, 2);
    const badRev = await pinsight(['scan', '--diff', 'no-such-rev', '.'], dir);
    assert.equal(badRev.code, 2);
    assert.match(badRev.err, /--diff no-such-rev: git diff failed/);
    assert.equal((await pinsight(['scan', '--diff', '--output=/tmp/x', '.'], dir)).code, 2, 'an option is never passed to git as a revision');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unified diff lines: added lines, the lines either side of a removal, several hunks and files', () => {
  const diff = [
    'diff --git a/x.c b/x.c',
    '--- a/x.c',
    '+++ b/x.c',
    '@@ -3,2 +3,3 @@ int f(void)',
    ' ctx',
    '+added',
    ' ctx',
    '@@ -20,2 +21,0 @@',
    '-gone',
    '-gone',
    '--- a/y.c',
    '+++ b/y.c',
    '@@ -1 +1 @@',
    '-old',
    '+new',
    '--- a/z.c',
    '+++ /dev/null',
    '@@ -1 +0,0 @@',
    '-all gone',
    '',
  ].join('\n');
  const touched = parseUnifiedDiff(diff);
  assert.deepEqual([...touched.keys()], ['b/x.c', 'b/y.c']);
  assert.deepEqual([...touched.get('b/x.c')!].sort((a, b) => a - b), [4, 21, 22]);
  assert.deepEqual([...touched.get('b/y.c')!], [1]);
});
