// The result cache: a hit is what the analysis would say, and anything that could change the
// answer (the file's bytes, the kernel, the build) makes it a miss.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCParser } from '../../server/engine/parser.js';
import { scan } from '../../server/cli/scan.js';
import { listSourceFiles } from '../../server/cli/scan-files.js';
import { scanTree } from '../../server/scan/index.js';
import { bundleBuildId } from '../../server/scan/result-cache.js';

const root = join(__dirname, '../..');
// The user's cache key (server/scan/cache-key.ts) lives in a directory of this test's own.
const config = mkdtempSync(join(tmpdir(), 'pinsight-config-'));
process.env.XDG_CONFIG_HOME = config;
after(() => rmSync(config, { recursive: true, force: true }));

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
    const entries = () => Object.keys(cacheJson(join(dir, file!)).entries as object);
    const gone = join(tree, 'drivers/gpu/toy_userptr.c');
    assert.ok(entries().includes(gone));
    rmSync(gone);
    const after = await scanTree([tree], { kernel: '6.1', workers: 0, cache });
    assert.ok(!entries().includes(gone));
    assert.equal(entries().length, after.counters.candidates);
    // Old cache files (other trees, other builds) are pruned, the newest kept.
    for (let i = 0; i < 40; i++) {
      const old = join(dir, `${i.toString(16).padStart(24, '0')}.json`);
      writeFileSync(old, '{}');
      utimesSync(old, 1000 + i, 1000 + i);
    }
    // Names pinsight does not write are not its to prune.
    writeFileSync(join(dir, 'notes.json'), '{}');
    utimesSync(join(dir, 'notes.json'), 10, 10);
    writeFileSync(join(tree, 'drivers/new.c'), 'int f(unsigned long a, struct page **p) { return pin_user_pages_fast(a, 1, 0, p); }\n');
    await scanTree([tree], { kernel: '6.1', workers: 0, cache });
    const left = readdirSync(dir);
    assert.equal(left.length, 33);
    assert.ok(left.includes(file!));
    assert.ok(left.includes('notes.json'));
  });
});

/** A cache file's JSON (after its first line, the HMAC). */
function cacheJson(path: string): { entries: object } {
  const text = readFileSync(path, 'utf8');
  return JSON.parse(text.slice(text.indexOf('\n') + 1));
}

// Issue 14: a cache file edited by someone else was trusted: findings hidden, forged paths shown.
test('a cache file not written with the user\'s key is ignored: the scan analyses again', async () => {
  await withTree(async (tree, dir) => {
    const cache = { dir, buildId: 'build-a' };
    const fresh = await scanTree([tree], { kernel: '6.1', workers: 0, cache });
    assert.ok(fresh.files.some((f) => f.findings.length > 0));
    const [file] = readdirSync(dir);
    const path = join(dir, file!);
    const json = cacheJson(path) as { entries: Record<string, { result: unknown }> };
    // Every finding hidden, and one forged path with a terminal escape in it.
    for (const entry of Object.values(json.entries)) entry.result = null;
    const forged = JSON.stringify(json);
    const forgeries = [
      forged, // the old format: no MAC line at all
      `${'0'.repeat(64)}\n${forged}`, // a MAC line that is not the key's
      `${createHmac('sha256', randomBytes(32)).update(`pinsight scan-results\0${file}\0`).update(forged).digest('hex')}\n${forged}`, // another key's
    ];
    for (const forgery of forgeries) {
      writeFileSync(path, forgery);
      const again = await scanTree([tree], { kernel: '6.1', workers: 0, cache });
      assert.equal(again.counters.cached, 0);
      assert.deepEqual(shape(again), shape(fresh));
    }
  });
});

test('a symbolic link planted in the cache directory is never written through', async () => {
  await withTree(async (tree, dir) => {
    const cache = { dir, buildId: 'build-a' };
    await scanTree([tree], { kernel: '6.1', workers: 0, cache });
    const [file] = readdirSync(dir);
    const victim = join(tree, '..', 'victim');
    writeFileSync(victim, 'precious');
    rmSync(join(dir, file!));
    // The old scheme's temporary name (<name>.<pid>.tmp) and the final name.
    symlinkSync(victim, join(dir, `${file}.${process.pid}.tmp`));
    symlinkSync(victim, join(dir, file!));
    const again = await scanTree([tree], { kernel: '6.1', workers: 0, cache });
    assert.equal(again.counters.cached, 0, 'a link is not read as the cache');
    assert.equal(readFileSync(victim, 'utf8'), 'precious');
    assert.ok(lstatSync(join(dir, file!)).isFile());
  });
});

test('a cache directory that is a symbolic link, writable by others or another user\'s is refused with one warning', async (t) => {
  if (process.platform === 'win32') return t.skip('POSIX permissions');
  await withTree(async (tree, dir) => {
    // scan-results pointing at a directory of someone's JSON files: none may be pruned or read.
    const theirs = join(tree, '..', 'theirs');
    mkdirSync(theirs, { mode: 0o700 });
    for (let i = 0; i < 40; i++) writeFileSync(join(theirs, `${i.toString(16).padStart(24, '0')}.json`), '{}');
    symlinkSync(theirs, dir);
    const linked = await scanTree([tree], { kernel: '6.1', workers: 0, cache: { dir, buildId: 'build-a' } });
    assert.deepEqual(linked.warnings, [`cache off: ${dir} is a symbolic link`]);
    assert.equal(readdirSync(theirs).length, 40);
    assert.deepEqual(shape(linked), await plain(tree, '6.1'));
    rmSync(dir);
    mkdirSync(dir);
    chmodSync(dir, 0o775);
    const shared = await scanTree([tree], { kernel: '6.1', workers: 0, cache: { dir, buildId: 'build-a' } });
    assert.deepEqual(shared.warnings, [`cache off: ${dir} is writable by other users (mode 775)`]);
    assert.deepEqual(readdirSync(dir), []);
    const again = await scanTree([tree], { kernel: '6.1', workers: 0, cache: { dir, buildId: 'build-a' } });
    assert.deepEqual(again.warnings, [], 'one warning per process and reason');
    if (process.getuid?.() === 0) {
      chmodSync(dir, 0o700);
      chownSync(dir, 65534, 65534);
      const foreign = await scanTree([tree], { kernel: '6.1', workers: 0, cache: { dir, buildId: 'build-a' } });
      assert.deepEqual(foreign.warnings, [`cache off: ${dir} is owned by another user (uid 65534)`]);
      assert.deepEqual(readdirSync(dir), []);
    }
  });
});

test('a cache key that is not private turns the cache off with one warning', async (t) => {
  if (process.platform === 'win32') return t.skip('POSIX permissions');
  await withTree(async (tree, dir) => {
    const saved = process.env.XDG_CONFIG_HOME;
    const other = mkdtempSync(join(tmpdir(), 'pinsight-config-'));
    try {
      process.env.XDG_CONFIG_HOME = other;
      mkdirSync(join(other, 'pinsight'), { mode: 0o755 });
      chmodSync(join(other, 'pinsight'), 0o755);
      const scan = await scanTree([tree], { kernel: '6.1', workers: 0, cache: { dir, buildId: 'build-a' } });
      assert.deepEqual(scan.warnings, [`cache off: cache key: ${join(other, 'pinsight')} is writable by other users (mode 755)`]);
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      process.env.XDG_CONFIG_HOME = saved;
      rmSync(other, { recursive: true, force: true });
    }
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
