// `scan --fix` never corrupts a file: the write is atomic (temporary file, rename) and keeps the
// file's mode and symbolic links; a file that changed on disk after it was read is not
// overwritten; a file that is not valid UTF-8 is not rewritten; a second run changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readForFix, writeFixed } from '../../server/cli/safe-write.js';
import { cliFor, runCli } from './run-cli.js';

let dir: string;
const DRIVER = [
  'static int demo_pin(unsigned long addr, int npages, struct page **pages, bool writable)',
  '{',
  '\tunsigned int gup_flags = FOLL_WRITE | FOLL_LONGTERM;',
  '',
  '\tif (!writable)',
  '\t\tgup_flags |= FOLL_FORCE;',
  '\treturn pin_user_pages_fast(addr, npages, gup_flags, pages);',
  '}',
  '',
].join('\n');

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'pinsight-safe-write-'));
  chmodSync(dir, 0o755);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const leftovers = (d: string) => readdirSync(d).filter((n) => n.includes('.pinsight-'));

test('writeFixed replaces the file atomically and keeps its mode', () => {
  const file = join(dir, 'mode.c');
  writeFileSync(file, 'int a;\n');
  chmodSync(file, 0o640);
  const read = readForFix(file);
  assert.deepEqual(writeFixed(read, 'int b;\n'), { written: true });
  assert.equal(readFileSync(file, 'utf8'), 'int b;\n');
  assert.equal(statSync(file).mode & 0o777, 0o640);
  assert.deepEqual(leftovers(dir), []);
});

test('writeFixed through a symbolic link rewrites the target and leaves the link a link', () => {
  mkdirSync(join(dir, 'real'));
  const target = join(dir, 'real/t.c');
  const link = join(dir, 'link.c');
  writeFileSync(target, 'int a;\n');
  symlinkSync(target, link);
  assert.deepEqual(writeFixed(readForFix(link), 'int c;\n'), { written: true });
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.equal(realpathSync(link), realpathSync(target));
  assert.equal(readFileSync(target, 'utf8'), 'int c;\n');
});

test('a file changed on disk between reading and writing is not overwritten', () => {
  const file = join(dir, 'raced.c');
  writeFileSync(file, 'int a;\n');
  const read = readForFix(file);
  writeFileSync(file, 'int a; /* edited meanwhile */\n');
  const outcome = writeFixed(read, 'int fixed;\n');
  assert.equal(outcome.written, false);
  assert.match((outcome as { reason: string }).reason, /changed on disk/);
  assert.equal(readFileSync(file, 'utf8'), 'int a; /* edited meanwhile */\n');
  assert.deepEqual(leftovers(dir), []);
});

test('a file removed between reading and writing is not recreated', () => {
  const file = join(dir, 'vanished.c');
  writeFileSync(file, 'int a;\n');
  const read = readForFix(file);
  rmSync(file);
  assert.equal(writeFixed(read, 'int fixed;\n').written, false);
  assert.throws(() => statSync(file));
});

test('a file that is not valid UTF-8 is never rewritten (its Latin-1 bytes would become U+FFFD)', () => {
  const file = join(dir, 'latin1.c');
  const bytes = Buffer.concat([Buffer.from('/* J'), Buffer.from([0xf6]), Buffer.from('rg */\n'), Buffer.from(DRIVER)]);
  writeFileSync(file, bytes);
  const read = readForFix(file);
  assert.match(read.unwritable ?? '', /not valid UTF-8/);
  assert.equal(writeFixed(read, read.text.replace('FOLL_FORCE', '0')).written, false);
  assert.ok(readFileSync(file).equals(bytes));
});

test('a failed write (a directory the user cannot write) leaves the file whole and no temporary file', (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root to run the CLI as another user');
  const locked = join(dir, 'locked');
  mkdirSync(locked);
  const file = join(locked, 'driver.c');
  writeFileSync(file, DRIVER);
  chmodSync(file, 0o666); // writable in place, but the directory takes no temporary file
  chownSync(file, 65534, 65534); // nobody's own file: only the directory stands in the way
  chmodSync(locked, 0o755);
  const nobody = { uid: 65534, gid: 65534 };
  const reach = cliFor(nobody); // a checkout under a private directory is out of nobody's reach
  if ('skip' in reach) return t.skip(reach.skip);
  const run = runCli(['scan', '--fix', '--kernel', '6.12', file], { ...nobody, cli: reach.cli, cwd: dir });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /cannot write it: EACCES/);
  assert.equal(run.stderr.trim().split('\n').length, 1);
  assert.equal(readFileSync(file, 'utf8'), DRIVER);
  assert.deepEqual(leftovers(locked), []);
});

test('scan --fix fixes a driver in place; a second run changes nothing', () => {
  const file = join(dir, 'fixme.c');
  writeFileSync(file, DRIVER);
  const first = runCli(['scan', '--fix', '--format', 'json', '--kernel', '6.12', file]);
  assert.ok(first.status === 0 || first.status === 1, first.stderr);
  const fixed = readFileSync(file, 'utf8');
  assert.notEqual(fixed, DRIVER);
  assert.doesNotMatch(fixed, /FOLL_FORCE/);
  // Only the flag lines changed: every other line is as it was.
  const changed = DRIVER.split('\n').filter((l) => !fixed.split('\n').includes(l));
  assert.ok(changed.every((l) => /FOLL_|writable/.test(l)), `changed: ${JSON.stringify(changed)}`);
  const second = runCli(['scan', '--fix', '--format', 'json', '--kernel', '6.12', file]);
  assert.ok(second.status === 0 || second.status === 1, second.stderr);
  assert.equal(readFileSync(file, 'utf8'), fixed);
  assert.deepEqual(leftovers(dir), []);
});

// Issue 14: a file the user may not write, in a directory the user may write, was replaced by the
// rename and became the user's. Now it is named on stderr (one line) and left alone.
test('scan --fix leaves a read-only file alone, even as root, and says so in one line', () => {
  const file = join(dir, 'readonly.c');
  writeFileSync(file, DRIVER);
  chmodSync(file, 0o444);
  const run = runCli(['scan', '--fix', '--kernel', '6.12', file], { cwd: dir });
  assert.equal(run.status, 1, run.stderr); // the finding is still there
  assert.match(run.stderr, /readonly\.c: read-only \(no write permission for anyone\): not fixed/);
  assert.equal(run.stderr.trim().split('\n').length, 1);
  assert.equal(readFileSync(file, 'utf8'), DRIVER);
  assert.equal(statSync(file).mode & 0o777, 0o444);
});

for (const [what, mode, why] of [
  ['a file the user may not write', 0o644, /you may not write it: not fixed/],
  ['a file another user owns that the user may write', 0o666, /owned by another user \(uid 0\): replacing it would make it yours; not fixed/],
] as const) {
  test(`scan --fix as nobody, in a directory nobody may write: ${what} is left alone, owner and mode kept`, (t) => {
    if (process.getuid?.() !== 0) return t.skip('needs root to run the CLI as another user');
    const open = join(dir, `open-${mode.toString(8)}`);
    mkdirSync(open);
    chmodSync(open, 0o777);
    const file = join(open, 'driver.c');
    writeFileSync(file, DRIVER);
    chmodSync(file, mode);
    const run = runCli(['scan', '--fix', '--kernel', '6.12', file], { uid: 65534, gid: 65534, cwd: open });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, why);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.equal(readFileSync(file, 'utf8'), DRIVER);
    const stat = statSync(file);
    assert.deepEqual([stat.uid, stat.gid, stat.mode & 0o777], [0, 0, mode]);
    assert.deepEqual(leftovers(open), []);
  });
}

test('scan --fix by root keeps the owner, group and mode of another user\'s file', (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root to own files as another user');
  const file = join(dir, 'nobodys.c');
  writeFileSync(file, DRIVER);
  chmodSync(file, 0o640);
  chownSync(file, 65534, 65534);
  const run = runCli(['scan', '--fix', '--kernel', '6.12', file], { cwd: dir });
  assert.ok(run.status === 0 || run.status === 1, run.stderr);
  assert.doesNotMatch(readFileSync(file, 'utf8'), /FOLL_FORCE/);
  const stat = statSync(file);
  assert.deepEqual([stat.uid, stat.gid, stat.mode & 0o777], [65534, 65534, 0o640]);
});
