// V8's code cache for the CLI's own code. Each start, V8 compiles dist/cli-main.js (~450 KB) and
// then each function again when it is first called: ~35 ms of CPU in a one-shot scan of a kernel
// tree. V8 can hand back what it compiled (the bytecode of every function run so far) and take it
// at the next start, as Node 22's module.enableCompileCache() does; Node 20 has only vm.Script's
// cachedData, used here.
//
// The cache is pinsight's own code compiled, never anything from a scanned tree:
// $PINSIGHT_CACHE/code/<bundle>-<tag>-node<version>-<digest of code, Node and tag>.bin. V8 checks its
// version, flags and the source's length and rejects a cache that does not fit. It is written
// once, after a run that had none or had one rejected, to a temporary file renamed into place.
// It is run as code, so it is used only from a directory no other user can change (a refused
// directory turns it off with one warning) and only if it starts with the HMAC of the rest under
// the user's key (server/scan/cache-key.ts, kept outside the cache): a file written by anything
// else (a cache restored by CI, another program, damage) is never given to V8. Any failure falls
// back to a plain require(): the cache only ever saves time.
// PINSIGHT_CODE_CACHE=0 turns it off.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { readRegularFile } from '../engine/safe-read.js';
import { cacheWarning, prepareCacheDir, pruneCacheFiles, writeCacheFile } from '../scan/cache-files.js';
import { cacheKey, cacheMac, MAC_BYTES, macMatches } from '../scan/cache-key.js';

export interface LoadedModule<T> {
  exports: T;
  /** What became of the cache: turned off, none (or damaged), used by V8, or rejected by it. */
  cache: 'off' | 'none' | 'used' | 'rejected';
  /** Writes the cache when this run had none (or V8 rejected it): call at the end of the run. */
  save(): void;
  /** Why the cache is off, for one line on stderr (once per process and reason). */
  warning?: string;
}

/**
 * Loads the CommonJS bundle `file` through the code cache in `dir`. `tag` names the V8 flags the
 * process runs with (a cache made under other flags is rejected): runs with different flags keep
 * different caches instead of overwriting each other's.
 */
export function requireWithCodeCache<T>(file: string, dir: string, tag: string): LoadedModule<T> {
  const plain = (warning?: string): LoadedModule<T> => ({ exports: require(file) as T, cache: 'off', save: () => undefined, warning });
  if (process.env.PINSIGHT_CODE_CACHE === '0') return plain();
  const place = prepareCacheDir(dir);
  const key = place.dir ? cacheKey() : undefined;
  if (!place.dir || !key?.key) return plain(cacheWarning(place.refused ?? key?.refused));
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    return plain(); // let require() report it
  }
  const digest = createHash('sha1').update(process.version).update(process.arch).update(tag).update(source).digest('hex');
  // The Node version is in the name too: two Nodes used in turn (nvm) keep a cache each.
  const cacheFile = join(place.dir, `${basename(file, '.js')}-${tag}-node${process.versions.node}-${digest.slice(0, 16)}.bin`);
  const cachedData = readAuthentic(cacheFile, key.key);
  // The wrapper Node's CommonJS loader puts around a module (a shebang line is a comment to it).
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source.replace(/^#!.*/, '')}\n});`;
  const script = new Script(wrapped, { filename: file, cachedData });
  const module = { exports: {} as T };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  const cache = !cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  return { exports: module.exports, cache, save: () => cache !== 'used' && writeCache(script, cacheFile, key.key) };
}

const PURPOSE = 'code';
/** A cache file larger than this is not read (the CLI's is ~0.5 MB). */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * The cached data of `cacheFile` if this user's pinsight wrote it: V8 checks a cache's version,
 * flags and length but (in release builds) not its bytes, and bytecode from anywhere else, damaged
 * or planted, would run as the user.
 */
function readAuthentic(cacheFile: string, key: Buffer): Buffer | undefined {
  const read = readRegularFile(cacheFile, { maxBytes: MAX_CACHE_BYTES, noFollow: true });
  if (!read.bytes || read.bytes.length <= MAC_BYTES) return undefined; // none yet, or not ours to read
  const data = read.bytes.subarray(MAC_BYTES);
  return macMatches(key, PURPOSE, basename(cacheFile), data, read.bytes.subarray(0, MAC_BYTES)) ? data : undefined;
}

function writeCache(script: Script, cacheFile: string, key: Buffer): void {
  try {
    const data = script.createCachedData();
    writeCacheFile(cacheFile, Buffer.concat([cacheMac(key, PURPOSE, basename(cacheFile), data), data]));
    // Caches of earlier builds (other digests) of the same bundle, tag and Node are dead weight, as
    // are temporary files a killed run left.
    const prefix = basename(cacheFile).replace(/[0-9a-f]{16}\.bin$/, '');
    const ours = (name: string) => name.startsWith(prefix) && /^[0-9a-f]{16}\.bin$/.test(name.slice(prefix.length));
    pruneCacheFiles(dirname(cacheFile), ours, (name) => name === basename(cacheFile));
  } catch {
    // read-only home, full disk: the next run compiles as this one did
  }
}
