// The result cache: a hit is what the analysis would say, and anything that could change the
// answer (the file's bytes, the kernel, the build) makes it a miss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCParser } from '../../server/engine/parser.js';
import { scan } from '../../server/cli/scan.js';
import { listSourceFiles } from '../../server/cli/scan-files.js';
import { scanTree } from '../../server/scan/index.js';
import { bundleBuildId } from '../../server/scan/result-cache.js';

const root = join(__dirname, '../..');

async function withTree(body: (tree: string, cacheDir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-cache-'));
  try {
    const tree = join(dir, 'tree');
    cpSync(join(root, 'examples'), tree, { recursive: true });
    await body(tree, join(dir, 'cache'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const plain = async (tree: string, kernel: string) => {
  const r = scan(await loadCParser(), listSourceFiles([tree], tree), kernel, 'test');
  return { files: r.files, filesScanned: r.filesScanned, errors: r.errors };
};
const shape = (t: Awaited<ReturnType<typeof scanTree>>) => ({ files: t.files, filesScanned: t.filesScanned, errors: t.errors });

test('a second scan answers from the cache, with the same result', async () => {
  await withTree(async (tree, dir) => {
    const cache = { dir, buildId: 'build-a' };
    const first = await scanTree([tree], { kernel: '6.1', prefilter: 'node', workers: 0, cache });
    assert.equal(first.counters.cached, 0);
    assert.ok(first.counters.parsed > 5);
    const second = await scanTree([tree], { kernel: '6.1', prefilter: 'node', workers: 2, poolFrom: 0, cache });
    assert.equal(second.counters.parsed, 0);
    assert.equal(second.counters.cached, first.counters.candidates);
    assert.deepEqual(shape(second), shape(first));
    assert.deepEqual(shape(second), await plain(tree, '6.1'));
  });
});

test('a changed file, another kernel or another build is analysed again', async () => {
  await withTree(async (tree, dir) => {
    const cache = { dir, buildId: 'build-a' };
    await scanTree([tree], { kernel: '6.1', workers: 0, cache });
    // Drop FOLL_FORCE from one driver: its findings must change, the others come from the cache.
    const driver = join(tree, 'drivers/gpu/toy_userptr.c');
    writeFileSync(driver, readFileSync(driver, 'utf8').replaceAll('FOLL_FORCE | ', ''));
    const after = await scanTree([tree], { kernel: '6.1', workers: 0, cache });
    assert.equal(after.counters.parsed, 1);
    assert.deepEqual(shape(after), await plain(tree, '6.1'));
    const otherKernel = await scanTree([tree], { kernel: '6.12', workers: 0, cache });
    assert.equal(otherKernel.counters.cached, 0);
    assert.deepEqual(shape(otherKernel), await plain(tree, '6.12'));
    const otherBuild = await scanTree([tree], { kernel: '6.1', workers: 0, cache: { dir, buildId: 'build-b' } });
    assert.equal(otherBuild.counters.cached, 0);
  });
});

test('a corrupt or unwritable cache is ignored', async () => {
  await withTree(async (tree, dir) => {
    const cache = { dir, buildId: 'build-a' };
    await scanTree([tree], { kernel: '6.1', workers: 0, cache });
    for (const f of readdirSync(dir)) writeFileSync(join(dir, f), '{"buildId": "build-a", "kernel": "6.1", "entries": ');
    const corrupt = await scanTree([tree], { kernel: '6.1', workers: 0, cache });
    assert.equal(corrupt.counters.cached, 0);
    assert.deepEqual(shape(corrupt), await plain(tree, '6.1'));
    // A cache directory under a plain file cannot be created, not even by root.
    const blocker = join(dir, 'blocker');
    writeFileSync(blocker, '');
    const unwritable = await scanTree([tree], { kernel: '6.1', workers: 0, cache: { dir: join(blocker, 'sub'), buildId: 'x' } });
    assert.deepEqual(shape(unwritable), await plain(tree, '6.1'));
  });
});

test('the cache keeps what the last scan saw, and at most 32 files', async () => {
  await withTree(async (tree, dir) => {
    const cache = { dir, buildId: 'build-a' };
    await scanTree([tree], { kernel: '6.1', workers: 0, cache });
    const [file] = readdirSync(dir);
    const entries = () => Object.keys(JSON.parse(readFileSync(join(dir, file!), 'utf8')).entries as object);
    const gone = join(tree, 'drivers/gpu/toy_userptr.c');
    assert.ok(entries().includes(gone));
    rmSync(gone);
    const after = await scanTree([tree], { kernel: '6.1', workers: 0, cache });
    assert.ok(!entries().includes(gone));
    assert.equal(entries().length, after.counters.candidates);
    // Old cache files (other trees, other builds) are pruned, the newest kept.
    for (let i = 0; i < 40; i++) {
      const old = join(dir, `old-${i}.json`);
      writeFileSync(old, '{}');
      utimesSync(old, 1000 + i, 1000 + i);
    }
    writeFileSync(join(tree, 'drivers/new.c'), 'int f(unsigned long a, struct page **p) { return pin_user_pages_fast(a, 1, 0, p); }\n');
    await scanTree([tree], { kernel: '6.1', workers: 0, cache });
    const left = readdirSync(dir);
    assert.equal(left.length, 32);
    assert.ok(left.includes(file!));
  });
});

test('the build id digests the bundles beside the code, and only there', () => {
  assert.equal(bundleBuildId(join(root, 'server/scan')), undefined);
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-build-'));
  try {
    for (const f of ['cli.js', 'scan-worker.js', 'tree-sitter-c.wasm']) writeFileSync(join(dir, f), f);
    const a = bundleBuildId(dir);
    assert.match(a ?? '', /^[0-9a-f]{40}$/);
    writeFileSync(join(dir, 'scan-worker.js'), 'changed');
    assert.notEqual(bundleBuildId(dir), a);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
