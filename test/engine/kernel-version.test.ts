import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareKernel, detectKernelVersion, normalizeKernel } from '../../server/engine/index.js';

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
