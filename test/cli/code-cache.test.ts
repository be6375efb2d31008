// The CLI loads its own code through V8's code cache (server/cli/code-cache.ts): same module, less
// compiling, and a cache that is missing, damaged, stale or unwritable only ever costs the time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireWithCodeCache, type LoadedModule } from '../../server/cli/code-cache.js';

interface Toy {
  answer: number;
  here: string;
  sibling: string;
}

interface Sandbox {
  dir: string;
  bundle: string;
  cache: string;
  /** The toy bundle through the code cache, with `tag`. */
  load(tag?: string): LoadedModule<Toy>;
  /** The cache directory's files, sorted. */
  files(): string[];
  /** A new build of the toy: its answer becomes 6 * `factor`. */
  rebuild(factor: number): void;
}

/** Runs `body` on a fresh toy bundle and cache directory, removed afterwards. */
function inSandbox(body: (s: Sandbox) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-code-cache-'));
  writeFileSync(join(dir, 'sibling.js'), "module.exports = 'from beside';\n");
  const bundle = join(dir, 'toy.js');
  // A shebang, module.exports replaced, __dirname and a relative require(): what a bundle uses.
  writeFileSync(bundle, "#!/usr/bin/env node\n'use strict';\nfunction answer() { return 6 * 7; }\nmodule.exports = { answer: answer(), here: __dirname, sibling: require('./sibling.js') };\n");
  const cache = join(dir, 'cache');
  try {
    body({
      dir,
      bundle,
      cache,
      load: (tag = 'tag') => requireWithCodeCache<Toy>(bundle, cache, tag),
      files: () => {
        try {
          return readdirSync(cache).sort();
        } catch {
          return [];
        }
      },
      rebuild: (factor) => writeFileSync(bundle, readFileSync(bundle, 'utf8').replace(/6 \* \d+/, `6 * ${factor}`)),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a module loads as require() would; the first run writes the cache and the next one uses it', () => {
  inSandbox((s) => {
    const first = s.load();
    assert.deepEqual(first.exports, { answer: 42, here: s.dir, sibling: 'from beside' });
    assert.equal(first.cache, 'none');
    first.save();
    assert.equal(s.files().length, 1);
    const second = s.load();
    assert.equal(second.cache, 'used');
    assert.deepEqual(second.exports, first.exports);
    // Another tag (other V8 flags) keeps its own file.
    s.load('other').save();
    assert.equal(s.files().length, 2);
  });
});

test('a damaged cache is not given to V8, and is replaced', () => {
  inSandbox((s) => {
    s.load().save();
    const [name] = s.files();
    const path = join(s.cache, name!);
    const bytes = readFileSync(path);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(path, bytes);
    const damaged = s.load();
    assert.equal(damaged.cache, 'none');
    assert.equal(damaged.exports.answer, 42);
    damaged.save();
    assert.equal(s.load().cache, 'used');
  });
});

test('a new build gets a new cache, and the old one goes', () => {
  inSandbox((s) => {
    s.load().save();
    const before = s.files();
    s.rebuild(8);
    const rebuilt = s.load();
    assert.equal(rebuilt.cache, 'none');
    assert.equal(rebuilt.exports.answer, 48);
    rebuilt.save();
    const after = s.files();
    assert.equal(after.length, 1);
    assert.notDeepEqual(after, before);
  });
});

test('PINSIGHT_CODE_CACHE=0 loads plainly and writes nothing; a cache that cannot be written is no error', () => {
  const saved = process.env.PINSIGHT_CODE_CACHE;
  try {
    inSandbox((s) => {
      process.env.PINSIGHT_CODE_CACHE = '0';
      const off = s.load();
      assert.equal(off.cache, 'off');
      assert.equal(off.exports.answer, 42);
      off.save();
      assert.deepEqual(s.files(), []);
      delete process.env.PINSIGHT_CODE_CACHE;
      // The cache directory's place is taken by a file: no directory can be made there, even by root.
      writeFileSync(s.cache, 'not a directory');
      const loaded = s.load();
      assert.equal(loaded.exports.answer, 42);
      assert.doesNotThrow(() => loaded.save());
    });
  } finally {
    if (saved === undefined) delete process.env.PINSIGHT_CODE_CACHE;
    else process.env.PINSIGHT_CODE_CACHE = saved;
  }
});

test('another Node version keeps its own cache: a new build replaces only its own Node\'s file', () => {
  inSandbox((s) => {
    s.load().save();
    const [mine] = s.files();
    // A cache another Node wrote for an older build of the same bundle.
    const other = mine!.replace(`node${process.versions.node}-`, 'node0.0.1-').replace(/[0-9a-f]{16}\.bin$/, '0123456789abcdef.bin');
    writeFileSync(join(s.cache, other), 'another node');
    writeFileSync(join(s.cache, `${mine}.12345.tmp`), 'left by a killed run');
    s.rebuild(9);
    s.load().save();
    const after = s.files();
    assert.ok(after.includes(other), 'the other Node\'s cache stays');
    assert.ok(!after.includes(mine!), 'the old build\'s cache goes');
    assert.ok(!after.some((f) => f.endsWith('.tmp')), 'so does a temporary file');
    assert.equal(after.length, 2);
  });
});

test('a cache in a directory others can write is not run', (t) => {
  if (process.platform === 'win32') return t.skip('POSIX permissions');
  inSandbox((s) => {
    s.load().save();
    assert.equal(s.load().cache, 'used');
    chmodSync(s.cache, 0o777);
    const shared = s.load();
    assert.equal(shared.cache, 'none', 'anyone could have put that file there');
    assert.equal(shared.exports.answer, 42);
    chmodSync(s.cache, 0o700);
    const [name] = s.files();
    chmodSync(join(s.cache, name!), 0o666);
    assert.equal(s.load().cache, 'none', 'nor a file others can write');
  });
});
