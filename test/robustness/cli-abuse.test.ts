// The CLI on hostile or mistaken invocations: bad arguments, paths that are not there, cannot be
// read, loop, never end (a FIFO, /dev/zero), an unknown kernel version: one line on stderr, exit 2,
// no stack trace, no hang. Hostile file contents (binary, invalid UTF-8, 20 MB, 50,000-deep
// nesting): well-formed JSON, exit 0 or 1. Runs dist/cli.js (`npm run build` first).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { cliFor, jsonScanProblem, runCli, usageProblem } from './run-cli.js';

let dir: string;
const GUP_CALL = 'static int f(unsigned long a, struct page **p)\n{\n\treturn pin_user_pages_fast(a, 1, FOLL_WRITE | FOLL_FORCE | FOLL_LONGTERM, p);\n}\n';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'pinsight-cli-abuse-'));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'ok.c'), GUP_CALL);
  symlinkSync('loop-b', join(dir, 'loop-a.c'));
  symlinkSync('loop-a.c', join(dir, 'loop-b'));
  symlinkSync('nowhere.c', join(dir, 'dangling.c'));
  execFileSync('mkfifo', [join(dir, 'fifo.c')]);
  // A directory holding the same traps, plus a link to itself: the walk must skip them all.
  const traps = join(dir, 'traps');
  mkdirSync(traps);
  writeFileSync(join(traps, 'ok.c'), GUP_CALL);
  symlinkSync('.', join(traps, 'self'));
  symlinkSync('..', join(traps, 'up'));
  symlinkSync('loop2.c', join(traps, 'loop1.c'));
  symlinkSync('loop1.c', join(traps, 'loop2.c'));
  execFileSync('mkfifo', [join(traps, 'fifo.c')]);
});

after(() => rmSync(dir, { recursive: true, force: true }));

const BAD_USAGE: [string, () => string[]][] = [
  ['an unknown command', () => ['frobnicate']],
  ['scan without a PATH', () => ['scan']],
  ['scan "" (an empty PATH would scan the current directory)', () => ['scan', '--kernel', '6.1', '']],
  ['an empty PATH among good ones', () => ['scan', '--kernel', '6.1', join(dir, 'ok.c'), '']],
  ['an unknown option', () => ['scan', '--frobnicate', join(dir, 'ok.c')]],
  ['--format without a value', () => ['scan', join(dir, 'ok.c'), '--format']],
  ['an unknown format', () => ['scan', '--format', 'xml', '--kernel', '6.1', join(dir, 'ok.c')]],
  ['--kernel banana', () => ['scan', '--kernel', 'banana', join(dir, 'ok.c')]],
  ['--kernel 6 (no minor)', () => ['scan', '--kernel', '6', join(dir, 'ok.c')]],
  ['--kernel with an empty value', () => ['scan', '--kernel=', join(dir, 'ok.c')]],
  ['--kernel latest', () => ['scan', '--kernel', 'latest', join(dir, 'ok.c')]],
  ['a boolean option with a value', () => ['scan', '--fix=yes', '--kernel', '6.1', join(dir, 'ok.c')]],
  ['a missing path', () => ['scan', '--kernel', '6.1', join(dir, 'missing.c')]],
  ['one missing path among good ones', () => ['scan', '--kernel', '6.1', join(dir, 'ok.c'), join(dir, 'missing.c')]],
  ['a symbolic link loop', () => ['scan', '--kernel', '6.1', join(dir, 'loop-a.c')]],
  ['a dangling symbolic link', () => ['scan', '--kernel', '6.1', join(dir, 'dangling.c')]],
  ['a FIFO (reading it would never end)', () => ['scan', '--kernel', '6.1', join(dir, 'fifo.c')]],
  ['/dev/zero (endless)', () => ['scan', '--kernel', '6.1', '/dev/zero']],
  ['a path outside any kernel tree and no --kernel', () => ['scan', join(dir, 'ok.c')]],
  ['a path with a NUL byte', () => ['scan', '--kernel', '6.1', 'a\u0001b.c']],
  ['a cow-table with a bad kernel', () => ['cow-table', '--kernel', 'banana']],
  ['simulate with no arguments', () => ['simulate', '--bogus']],
];

for (const plain of [false, true]) {
  const env = { ...process.env, PINSIGHT_SCAN: plain ? 'plain' : '' };
  const path = plain ? 'plain path' : 'fast path';
  for (const [name, args] of BAD_USAGE) {
    test(`${path}: ${name}: one line, exit 2, no stack trace`, () => {
      const run = runCli(args(), { env, cwd: dir, timeoutMs: 30_000 });
      assert.equal(usageProblem(run), undefined, `stderr: ${run.stderr}`);
    });
  }

  test(`${path}: a directory of traps (FIFO, link loops, self links) is scanned, traps skipped`, () => {
    const run = runCli(['scan', '--format', 'json', '--kernel', '6.1', join(dir, 'traps')], { env, timeoutMs: 30_000 });
    assert.equal(jsonScanProblem(run), undefined);
    const json = JSON.parse(run.stdout);
    assert.deepEqual([...new Set(json.calls.map((c: { file: string }) => c.file.split('/').pop()))], ['ok.c']);
  });

  test(`${path}: an unreadable file: one line, exit 2`, (t) => {
    const unreadable = join(dir, plain ? 'secret-plain.c' : 'secret-fast.c');
    writeFileSync(unreadable, GUP_CALL);
    chmodSync(unreadable, 0o000);
    if (process.platform === 'win32') return t.skip('no POSIX permissions');
    // root reads anything: run the CLI as nobody then (from where nobody can reach it).
    const nobody = { uid: 65534, gid: 65534 };
    const reach = process.getuid?.() === 0 ? cliFor(nobody) : { cli: undefined };
    if ('skip' in reach) return t.skip(reach.skip);
    const asNobody = process.getuid?.() === 0 ? { ...nobody, cli: reach.cli } : {};
    const run = runCli(['scan', '--kernel', '6.1', unreadable], { env, cwd: dir, timeoutMs: 30_000, ...asNobody });
    assert.equal(usageProblem(run), undefined, `stderr: ${run.stderr}`);
    assert.match(run.stderr, /cannot read/);
  });
}

test('no command at all: the usage, exit 2, no stack trace', () => {
  const run = runCli([], { timeoutMs: 30_000 });
  assert.equal(run.status, 2);
  assert.match(run.stdout + run.stderr, /^usage: pinsight <command>/m);
  assert.doesNotMatch(run.stdout + run.stderr, /^\s+at /m);
});

/** Files whose contents are hostile; each must give well-formed JSON and exit 0 or 1. */
const HOSTILE: [string, () => Buffer | string][] = [
  ['random binary', () => Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 2654435761) >>> 24))],
  ['NUL bytes around a call', () => `\0\0${GUP_CALL}\0${GUP_CALL.replace('FOLL_WRITE', 'FOLL_\0WRITE')}`],
  ['invalid UTF-8 in a call', () => Buffer.concat([Buffer.from(GUP_CALL.slice(0, 40)), Buffer.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80]), Buffer.from(GUP_CALL.slice(40))])],
  ['CRLF and lone CR line ends', () => GUP_CALL.replace(/\n/g, '\r\n') + GUP_CALL.replace(/\n/g, '\r')],
  ['a 1 MB line', () => `${GUP_CALL.trimEnd()} ${'/* x */ '.repeat(131_072)}\n`],
  ['50,000 nested parentheses in the flags', () => `int f(void){ return pin_user_pages_fast(0, 1, ${'('.repeat(50_000)}FOLL_WRITE${')'.repeat(50_000)}, 0); }\n`],
  ['a call under 50,000 nested ifs', () => `int f(int c){\n${'if (c) {\n'.repeat(50_000)}return pin_user_pages_fast(0, 1, FOLL_FORCE, 0);\n${'}\n'.repeat(50_000)}}\n`],
  ['astral characters before the flags', () => GUP_CALL.replace('FOLL_WRITE', '/* 🐧🐧 */ FOLL_WRITE')],
  ['an empty file', () => ''],
];

for (const [name, contents] of HOSTILE) {
  test(`hostile contents, ${name}: well-formed JSON, exit 0 or 1`, () => {
    const file = join(dir, `hostile-${name.replace(/\W+/g, '-')}.c`);
    writeFileSync(file, contents());
    for (const scanPath of ['', 'plain']) {
      const run = runCli(['scan', '--format', 'json', '--kernel', '6.1', file], { env: { ...process.env, PINSIGHT_SCAN: scanPath }, timeoutMs: 120_000 });
      assert.equal(jsonScanProblem(run), undefined, `${scanPath || 'fast'} path`);
    }
  });
}
