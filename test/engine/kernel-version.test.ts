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
  assert.throws(() => normalizeKernel('six'), /not a kernel version/);
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
