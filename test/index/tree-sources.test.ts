// The index's search for the files that name its wrappers: ripgrep, when there is one, lists the same
// files as the Node walk, also with more names than fit on a command line (they go to rg on stdin).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { treeSources } from '../../server/index/tree-sources.js';
import { findRipgrep, ripgrepCandidates } from '../../server/scan/ripgrep.js';

test('ripgrep and the walk list the same callers of 60,000 wrapper names', { skip: findRipgrep() ? false : 'no rg on PATH' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-tree-sources-'));
  try {
    mkdirSync(join(dir, 'sub'));
    // 60,000 names of ~50 bytes: 3 MB as `-e` arguments, past what a command line holds (E2BIG).
    const names = Array.from({ length: 60_000 }, (_, i) => `acme_vendor_compat_pin_user_pages_variant_${i}`);
    writeFileSync(join(dir, 'a.c'), `int f(void) { return ${names[59_999]}(1, 2, 0, 0); }\n`);
    writeFileSync(join(dir, 'sub/b.h'), `#define X ${names[7]}\n`);
    writeFileSync(join(dir, 'c.c'), 'int g(void) { return acme_vendor_compat_pin_user_pages_variant_(); }\n');
    writeFileSync(join(dir, 'd.txt'), `${names[1]}\n`); // not C: never listed
    const byRipgrep = await treeSources({ dirs: [dir], files: [], ripgrep: true }).list(names);
    const byWalk = await treeSources({ dirs: [dir], files: [], ripgrep: false }).list(names);
    assert.deepEqual(byWalk, [join(dir, 'a.c'), join(dir, 'sub/b.h')]);
    assert.deepEqual(byRipgrep, byWalk);
    // ripgrep itself ran (the listing falls back to the walk when it cannot).
    const found: string[] = [];
    await ripgrepCandidates(findRipgrep()!, [dir], names, (p) => found.push(p));
    assert.deepEqual(found.sort(), byWalk);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
