// The CLI loads its own code through V8's code cache (server/cli/code-cache.ts): same module, less
// compiling, and a cache that is missing, damaged, stale or unwritable only ever costs the time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireWithCodeCache } from '../../server/cli/code-cache.js';

interface Toy {
  answer: number;
  here: string;
  sibling: string;
}

function sandbox(): { dir: string; bundle: string; cache: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-code-cache-'));
  writeFileSync(join(dir, 'sibling.js'), "module.exports = 'from beside';\n");
  const bundle = join(dir, 'toy.js');
  // A shebang, module.exports replaced, __dirname and a relative require(): what a bundle uses.
  writeFileSync(bundle, "#!/usr/bin/env node\n'use strict';\nfunction answer() { return 6 * 7; }\nmodule.exports = { answer: answer(), here: __dirname, sibling: require('./sibling.js') };\n");
  return { dir, bundle, cache: join(dir, 'cache'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const files = (dir: string) => {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
};

test('a module loads as require() would; the first run writes the cache and the next one uses it', () => {
  const s = sandbox();
  try {
    const first = requireWithCodeCache<Toy>(s.bundle, s.cache, 'tag');
    assert.deepEqual(first.exports, { answer: 42, here: s.dir, sibling: 'from beside' });
    assert.equal(first.cache, 'none');
    first.save();
    assert.equal(files(s.cache).length, 1);
    const second = requireWithCodeCache<Toy>(s.bundle, s.cache, 'tag');
    assert.equal(second.cache, 'used');
    assert.deepEqual(second.exports, first.exports);
    // Another tag (other V8 flags) keeps its own file.
    requireWithCodeCache<Toy>(s.bundle, s.cache, 'other').save();
    assert.equal(files(s.cache).length, 2);
  } finally {
    s.cleanup();
  }
});

test('a damaged cache is not given to V8, and is replaced', () => {
  const s = sandbox();
  try {
    requireWithCodeCache<Toy>(s.bundle, s.cache, 'tag').save();
    const [name] = files(s.cache);
    const path = join(s.cache, name!);
    const bytes = readFileSync(path);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(path, bytes);
    const damaged = requireWithCodeCache<Toy>(s.bundle, s.cache, 'tag');
    assert.equal(damaged.cache, 'none');
    assert.equal(damaged.exports.answer, 42);
    damaged.save();
    assert.equal(requireWithCodeCache<Toy>(s.bundle, s.cache, 'tag').cache, 'used');
  } finally {
    s.cleanup();
  }
});

test('a new build gets a new cache, and the old one goes', () => {
  const s = sandbox();
  try {
    requireWithCodeCache<Toy>(s.bundle, s.cache, 'tag').save();
    const before = files(s.cache);
    writeFileSync(s.bundle, readFileSync(s.bundle, 'utf8').replace('6 * 7', '6 * 8'));
    const rebuilt = requireWithCodeCache<Toy>(s.bundle, s.cache, 'tag');
    assert.equal(rebuilt.cache, 'none');
    assert.equal(rebuilt.exports.answer, 48);
    rebuilt.save();
    const after = files(s.cache);
    assert.equal(after.length, 1);
    assert.notDeepEqual(after, before);
  } finally {
    s.cleanup();
  }
});

test('PINSIGHT_CODE_CACHE=0 loads plainly and writes nothing; a cache that cannot be written is no error', () => {
  const s = sandbox();
  const saved = process.env.PINSIGHT_CODE_CACHE;
  try {
    process.env.PINSIGHT_CODE_CACHE = '0';
    const off = requireWithCodeCache<Toy>(s.bundle, s.cache, 'tag');
    assert.equal(off.cache, 'off');
    assert.equal(off.exports.answer, 42);
    off.save();
    assert.deepEqual(files(s.cache), []);
    delete process.env.PINSIGHT_CODE_CACHE;
    // The cache directory's place is taken by a file: no directory can be made there, even by root.
    writeFileSync(s.cache, 'not a directory');
    const loaded = requireWithCodeCache<Toy>(s.bundle, s.cache, 'tag');
    assert.equal(loaded.exports.answer, 42);
    assert.doesNotThrow(() => loaded.save());
  } finally {
    if (saved === undefined) delete process.env.PINSIGHT_CODE_CACHE;
    else process.env.PINSIGHT_CODE_CACHE = saved;
    s.cleanup();
  }
});

test('another Node version keeps its own cache: a new build replaces only its own Node\'s file', () => {
  const s = sandbox();
  try {
    requireWithCodeCache<Toy>(s.bundle, s.cache, 'tag').save();
    const [mine] = files(s.cache);
    // A cache another Node wrote for an older build of the same bundle.
    const other = mine!.replace(`node${process.versions.node}-`, 'node0.0.1-').replace(/[0-9a-f]{16}\.bin$/, '0123456789abcdef.bin');
    writeFileSync(join(s.cache, other), 'another node');
    writeFileSync(join(s.cache, `${mine}.12345.tmp`), 'left by a killed run');
    writeFileSync(s.bundle, readFileSync(s.bundle, 'utf8').replace('6 * 7', '6 * 9'));
    requireWithCodeCache<Toy>(s.bundle, s.cache, 'tag').save();
    const after = files(s.cache);
    assert.ok(after.includes(other), 'the other Node\'s cache stays');
    assert.ok(!after.includes(mine!), 'the old build\'s cache goes');
    assert.ok(!after.some((f) => f.endsWith('.tmp')), 'so does a temporary file');
    assert.equal(after.length, 2);
  } finally {
    s.cleanup();
  }
});

test('a cache in a directory others can write is not run', (t) => {
  if (process.platform === 'win32') return t.skip('POSIX permissions');
  const s = sandbox();
  try {
    requireWithCodeCache<Toy>(s.bundle, s.cache, 'tag').save();
    assert.equal(requireWithCodeCache<Toy>(s.bundle, s.cache, 'tag').cache, 'used');
    chmodSync(s.cache, 0o777);
    const shared = requireWithCodeCache<Toy>(s.bundle, s.cache, 'tag');
    assert.equal(shared.cache, 'none', 'anyone could have put that file there');
    assert.equal(shared.exports.answer, 42);
    chmodSync(s.cache, 0o700);
    const [name] = files(s.cache);
    chmodSync(join(s.cache, name!), 0o666);
    assert.equal(requireWithCodeCache<Toy>(s.bundle, s.cache, 'tag').cache, 'none', 'nor a file others can write');
  } finally {
    s.cleanup();
  }
});
