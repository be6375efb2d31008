// The CLI loads its own code through V8's code cache (server/cli/code-cache.ts): same module, less
// compiling, and a cache that is missing, damaged, stale or unwritable only ever costs the time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
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
  // The user's cache key (server/scan/cache-key.ts) in the sandbox too: a fresh key per sandbox.
  const config = process.env.XDG_CONFIG_HOME;
  process.env.XDG_CONFIG_HOME = join(dir, 'config');
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
    if (config === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = config;
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
    const killed = join(s.cache, `${mine}.0123456789abcdef.tmp`);
    writeFileSync(killed, 'left by a killed run');
    utimesSync(killed, Date.now() / 1000 - 7200, Date.now() / 1000 - 7200);
    s.rebuild(9);
    s.load().save();
    const after = s.files();
    assert.ok(after.includes(other), 'the other Node\'s cache stays');
    assert.ok(!after.includes(mine!), 'the old build\'s cache goes');
    assert.ok(!after.some((f) => f.endsWith('.tmp')), 'so does a temporary file');
    assert.equal(after.length, 2);
  });
});

test('a cache in a directory others can write is not run: the cache is off, with one warning', (t) => {
  if (process.platform === 'win32') return t.skip('POSIX permissions');
  inSandbox((s) => {
    s.load().save();
    assert.equal(s.load().cache, 'used');
    chmodSync(s.cache, 0o777);
    const shared = s.load();
    assert.equal(shared.cache, 'off', 'anyone could have put that file there');
    assert.match(shared.warning ?? '', /^cache off: .*cache is writable by other users \(mode 777\)$/);
    assert.equal(shared.exports.answer, 42);
    assert.equal(s.load().warning, undefined, 'one warning per process');
    chmodSync(s.cache, 0o700);
    assert.equal(s.load().cache, 'used');
  });
});

test('a cache directory that is a symbolic link, or under a directory others can write, is not used', (t) => {
  if (process.platform === 'win32') return t.skip('POSIX permissions');
  inSandbox((s) => {
    const real = join(s.dir, 'real');
    mkdirSync(real, { mode: 0o700 });
    symlinkSync(real, s.cache);
    const linked = s.load();
    assert.equal(linked.cache, 'off');
    assert.match(linked.warning ?? '', /is a symbolic link/);
    linked.save();
    assert.deepEqual(readdirSync(real), []);
    const open = join(s.dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777); // not sticky: anyone may rename our directory away and put theirs
    const under = requireWithCodeCache<Toy>(s.bundle, join(open, 'cache'), 'tag');
    assert.equal(under.cache, 'off');
    assert.match(under.warning ?? '', /open is writable by other users \(mode 777, not sticky\)/);
  });
});

// Issue 14: a file of the user's own, in the user's own directory, written by something else (a CI
// cache restored from another run, another program): V8 must never run it.
test('a cache file not written with the user\'s key is never given to V8', () => {
  inSandbox((s) => {
    const first = s.load();
    first.save();
    const [name] = s.files();
    const path = join(s.cache, name!);
    const authentic = readFileSync(path);
    // The same V8 data behind a digest that is not the key's HMAC (the format of a plain checksum).
    const data = authentic.subarray(32);
    writeFileSync(path, Buffer.concat([createHash('sha256').update(data).digest(), data]));
    assert.equal(s.load().cache, 'none');
    // The same file sealed with another user's key (a cache restored from elsewhere).
    const other = createHmac('sha256', randomBytes(32)).update(`pinsight code\0${name}\0`).update(data).digest();
    writeFileSync(path, Buffer.concat([other, data]));
    assert.equal(s.load().cache, 'none');
    // Back to what this user's pinsight wrote: used.
    writeFileSync(path, authentic);
    assert.equal(s.load().cache, 'used');
    // A symbolic link to the authentic bytes is not read (O_NOFOLLOW), nor is a FIFO waited on.
    const elsewhere = join(s.dir, 'elsewhere.bin');
    writeFileSync(elsewhere, authentic);
    rmSync(path);
    symlinkSync(elsewhere, path);
    assert.equal(s.load().cache, 'none');
    rmSync(path);
    execFileSync('mkfifo', [path]);
    assert.equal(s.load().cache, 'none');
  });
});

test('a symbolic link planted at a temporary name is never followed: the write goes elsewhere', () => {
  inSandbox((s) => {
    const victim = join(s.dir, 'victim');
    writeFileSync(victim, 'precious');
    s.load().save();
    const [file] = s.files();
    rmSync(join(s.cache, file!));
    // The names an attacker could guess: the old scheme's <name>.<pid>.tmp, and the final name.
    symlinkSync(victim, join(s.cache, `${file}.${process.pid}.tmp`));
    symlinkSync(victim, join(s.cache, file!));
    s.load().save();
    assert.equal(readFileSync(victim, 'utf8'), 'precious');
    assert.ok(lstatSync(join(s.cache, file!)).isFile(), 'the link at the final name was replaced by the file');
  });
});
