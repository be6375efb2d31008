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
// A cache file another user could have written is not used (ownedAndPrivate). Any failure falls
// back to a plain require(): the cache only ever saves time.
// PINSIGHT_CODE_CACHE=0 turns it off.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { writeCacheFile } from '../scan/cache-files.js';

export interface LoadedModule<T> {
  exports: T;
  /** What became of the cache: turned off, none (or damaged), used by V8, or rejected by it. */
  cache: 'off' | 'none' | 'used' | 'rejected';
  /** Writes the cache when this run had none (or V8 rejected it): call at the end of the run. */
  save(): void;
}

/**
 * Loads the CommonJS bundle `file` through the code cache in `dir`. `tag` names the V8 flags the
 * process runs with (a cache made under other flags is rejected): runs with different flags keep
 * different caches instead of overwriting each other's.
 */
export function requireWithCodeCache<T>(file: string, dir: string, tag: string): LoadedModule<T> {
  const plain = (): LoadedModule<T> => ({ exports: require(file) as T, cache: 'off', save: () => undefined });
  if (process.env.PINSIGHT_CODE_CACHE === '0') return plain();
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    return plain(); // let require() report it
  }
  const key = createHash('sha1').update(process.version).update(process.arch).update(tag).update(source).digest('hex');
  // The Node version is in the name too: two Nodes used in turn (nvm) keep a cache each.
  const cacheFile = join(dir, `${basename(file, '.js')}-${tag}-node${process.versions.node}-${key.slice(0, 16)}.bin`);
  const cachedData = readChecked(cacheFile);
  // The wrapper Node's CommonJS loader puts around a module (a shebang line is a comment to it).
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source.replace(/^#!.*/, '')}\n});`;
  const script = new Script(wrapped, { filename: file, cachedData });
  const module = { exports: {} as T };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  const cache = !cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  return { exports: module.exports, cache, save: () => cache !== 'used' && writeCache(script, cacheFile) };
}

// V8 checks a cache's version, flags and length but (in release builds) not its bytes, and damaged
// bytecode could crash the process: the file starts with a digest of what follows.
const DIGEST = 20;

function readChecked(cacheFile: string): Buffer | undefined {
  try {
    if (!ownedAndPrivate(cacheFile) || !ownedAndPrivate(dirname(cacheFile))) return undefined;
    const file = readFileSync(cacheFile);
    const data = file.subarray(DIGEST);
    return file.length > DIGEST && createHash('sha1').update(data).digest().equals(file.subarray(0, DIGEST)) ? data : undefined;
  } catch {
    return undefined; // none yet
  }
}

/**
 * The cache is run as code: only from a file and directory that no other user could have written
 * ($PINSIGHT_CACHE may point into a shared directory). POSIX only; elsewhere the owner check is void.
 */
function ownedAndPrivate(path: string): boolean {
  const stat = statSync(path);
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return true;
  return stat.uid === process.getuid() && (stat.mode & 0o022) === 0;
}

function writeCache(script: Script, cacheFile: string): void {
  try {
    const data = script.createCachedData();
    writeCacheFile(cacheFile, Buffer.concat([createHash('sha1').update(data).digest(), data]), true);
    const dir = dirname(cacheFile);
    // Caches of earlier builds (other digests) of the same bundle, tag and Node are dead weight, as
    // are temporary files a killed run left.
    const prefix = basename(cacheFile).replace(/[0-9a-f]{16}\.bin$/, '');
    for (const name of readdirSync(dir)) {
      if (name.startsWith(prefix) && join(dir, name) !== cacheFile) rmSync(join(dir, name), { force: true });
    }
  } catch {
    // read-only home, full disk: the next run compiles as this one did
  }
}
