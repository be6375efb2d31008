import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareKernel, detectKernelVersion, normalizeKernel } from '../../server/engine/index.js';
import { MAX_MAKEFILE_BYTES } from '../../server/engine/kernel-version.js';
import { readRegularFile } from '../../server/engine/safe-read.js';

test('kernel versions compare by major and minor', () => {
  assert.ok(compareKernel('6.1', '6.12') < 0);
  assert.ok(compareKernel('6.12.117', '6.2') > 0);
  assert.equal(compareKernel('v6.2', '6.2.0'), 0);
  assert.equal(normalizeKernel('6.12.117'), '6.12');
  assert.throws(() => normalizeKernel('six'), /bad kernel version 'six'/);
  // a `uname -r` and a release candidate name their release series
  assert.equal(normalizeKernel('6.1.0-28-amd64'), '6.1');
  assert.equal(normalizeKernel('6.2-rc3'), '6.2');
});

test('one range of kernels for every command and the editor: 5.6 (pin_user_pages) to one past the newest known tree', () => {
  assert.equal(normalizeKernel('5.6'), '5.6');
  assert.equal(normalizeKernel('7.4'), '7.4');
  for (const [bad, why] of [
    ['4.4', /predates pin_user_pages\*\(\) and FOLL_PIN \(5\.6\)/],
    ['2.6', /predates/],
    ['0.0', /predates/],
    ['6.25', /no Linux 6\.25 release is known/],
    ['5.20', /no Linux 5\.20 release is known/],
    ['7.5', /no Linux 7\.5 release is known/],
    ['99999999999999999999.1', /bad kernel version/],
    ['', /bad kernel version/],
  ] as const) {
    assert.throws(() => normalizeKernel(bad), why, bad);
  }
});

test('detectKernelVersion walks up to the top Makefile, past Makefiles without VERSION', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-kv-'));
  try {
    writeFileSync(join(dir, 'Makefile'), '# SPDX\nVERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 117\n');
    mkdirSync(join(dir, 'drivers/foo'), { recursive: true });
    writeFileSync(join(dir, 'drivers/Makefile'), 'obj-y += foo/\n');
    writeFileSync(join(dir, 'drivers/foo/foo.c'), '');
    assert.equal(detectKernelVersion(join(dir, 'drivers/foo/foo.c')), '6.12');
    assert.equal(detectKernelVersion(join(dir, 'drivers')), '6.12');
    assert.equal(detectKernelVersion(join(dir, 'drivers/foo/missing.c')), '6.12');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const bare = mkdtempSync(join(tmpdir(), 'pinsight-kv-'));
  try {
    assert.equal(detectKernelVersion(bare), undefined);
  } finally {
    rmSync(bare, { recursive: true, force: true });
  }
});

// Issue 14: a tree whose top Makefile is a symbolic link to /dev/zero or a FIFO made `scan` and the
// server's kernel: auto read for ever. Such a Makefile is skipped with one note, and the walk goes
// on to the Makefile above it.
test('a Makefile that is a FIFO, /dev/zero, a link to either or oversized is skipped with a note, never read', (t) => {
  if (process.platform === 'win32') return t.skip('no FIFOs or /dev/zero');
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-kv-'));
  try {
    writeFileSync(join(dir, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 1\n');
    const traps: [string, (path: string) => void, RegExp][] = [
      ['fifo', (p) => execFileSync('mkfifo', [p]), /not a regular file \(a FIFO\)/],
      ['zero', (p) => symlinkSync('/dev/zero', p), /not a regular file \(a character device\)/],
      ['fifo-link', (p) => (execFileSync('mkfifo', [`${p}.fifo`]), symlinkSync(`${p}.fifo`, p)), /not a regular file \(a FIFO\)/],
      // A Makefile with VERSION on its first lines, padded past the cap: declined, not half read.
      ['huge', (p) => writeFileSync(p, `VERSION = 6\nPATCHLEVEL = 12\n${'#'.repeat(MAX_MAKEFILE_BYTES)}\n`), /larger than 1048576 bytes/],
    ];
    for (const [name, plant, why] of traps) {
      mkdirSync(join(dir, name));
      plant(join(dir, name, 'Makefile'));
      const notes: string[] = [];
      const started = Date.now();
      assert.equal(detectKernelVersion(join(dir, name, 'x.c'), (line) => notes.push(line)), '6.1', name);
      assert.ok(Date.now() - started < 2000, `${name}: ${Date.now() - started} ms`);
      assert.equal(notes.length, 1, name);
      assert.match(notes[0]!, why);
      assert.ok(notes[0]!.startsWith(join(dir, name, 'Makefile')), notes[0]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readRegularFile: bytes of a regular file within the cap; a reason for anything else', (t) => {
  if (process.platform === 'win32') return t.skip('no FIFOs or /dev/zero');
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-safe-read-'));
  try {
    const file = join(dir, 'f');
    writeFileSync(file, 'abc');
    assert.equal(readRegularFile(file, { maxBytes: 3 }).bytes?.toString(), 'abc');
    assert.deepEqual(readRegularFile(file, { maxBytes: 2 }), { reason: 'larger than 2 bytes', missing: false });
    assert.equal(readRegularFile(join(dir, 'none'), { maxBytes: 9 }).missing, true);
    symlinkSync(file, join(dir, 'link'));
    assert.equal(readRegularFile(join(dir, 'link'), { maxBytes: 9 }).bytes?.toString(), 'abc');
    assert.deepEqual(readRegularFile(join(dir, 'link'), { maxBytes: 9, noFollow: true }), { reason: 'a symbolic link', missing: false });
    assert.match(readRegularFile('/dev/zero', { maxBytes: 9 }).reason ?? '', /character device/);
    assert.match(readRegularFile(dir, { maxBytes: 9 }).reason ?? '', /a directory/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
