// Results of earlier scans, so that a file nobody changed is not parsed again. An entry is keyed by
// the file's path and the digest of its bytes, inside a cache file keyed by the pinsight build
// (the digest of the bundles, grammar and queries that analyse), the target kernel and the scan's
// roots: the engine is a pure function of (text, kernel, path), so a hit is the answer the
// analysis would give. Only candidate files (that name an entry point) are cached; the others
// never reach the engine. Each file holds what the last scan of those roots saw, and the
// directory keeps the 32 most recent files.
//
// The CLI uses it (PINSIGHT_SCAN_CACHE=0 turns it off); the cache file lives in
// $PINSIGHT_CACHE/scan-results (default ~/.cache/pinsight). A cache that cannot be read or written
// is ignored: it only ever saves time. What it trusts (cache-files.ts, cache-key.ts): a directory
// only the user can change, and a file whose first line is the HMAC of the rest under the user's
// key, so a file written by anything else (findings hidden, forged paths or messages) is ignored
// and the scan analyses the files again.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readRegularFile } from '../engine/safe-read.js';
import { cacheRoot, cacheWarning, prepareCacheDir, pruneCacheFiles, writeCacheFile } from './cache-files.js';
import { cacheKey, cacheMac, macMatches } from './cache-key.js';
import type { CacheEntries } from './file-result.js';

export interface CacheLocation {
  dir: string;
  /** Changes whenever the code or data that analyse change. */
  buildId: string;
}

/** Cache files kept per directory; the oldest go first (scans of temporary trees, old builds). */
const MAX_FILES = 32;
/** The names this cache writes (and the only ones pruning removes). */
const CACHE_FILE = /^[0-9a-f]{24}\.json$/;
/** A cache file larger than this is not read (the results of a whole 6.12 tree take ~140 KB). */
const MAX_CACHE_BYTES = 256 * 1024 * 1024;
const PURPOSE = 'scan-results';

export class ResultCache {
  private constructor(
    private readonly location: CacheLocation,
    private readonly file: string | undefined,
    private readonly key: Buffer | undefined,
    private readonly kernel: string,
    readonly entries: CacheEntries,
    /** Why the cache is off, for one line on stderr (once per process and reason). */
    readonly warning?: string,
  ) {}

  /** The cache of one set of roots, for one build and kernel: each scan keeps its own file. */
  static open(location: CacheLocation, kernel: string, roots: readonly string[]): ResultCache {
    const place = prepareCacheDir(location.dir);
    const key = place.dir ? cacheKey() : undefined;
    if (!place.dir || !key?.key) return new ResultCache(location, undefined, undefined, kernel, {}, cacheWarning(place.refused ?? key?.refused));
    const scope = createHash('sha1').update(location.buildId).update(kernel).update([...roots].sort().join('\0')).digest('hex');
    const file = join(place.dir, `${scope.slice(0, 24)}.json`);
    return new ResultCache(location, file, key.key, kernel, readEntries(file, key.key, location.buildId, kernel));
  }

  /**
   * Keeps what this scan saw (so files that went away drop out) and writes it when it differs from
   * what was read: atomically, through a temporary file and a rename.
   */
  save(seen: CacheEntries): void {
    if (!this.file || !this.key) return;
    const paths = Object.keys(seen);
    const same = paths.length === Object.keys(this.entries).length && paths.every((p) => this.entries[p]?.digest === seen[p]!.digest);
    if (same) return;
    try {
      const json = JSON.stringify({ buildId: this.location.buildId, kernel: this.kernel, entries: seen });
      writeCacheFile(this.file, `${cacheMac(this.key, PURPOSE, basename(this.file), json).toString('hex')}\n${json}`);
      pruneCacheFiles(join(this.file, '..'), (name) => CACHE_FILE.test(name), (_, rank) => rank < MAX_FILES);
    } catch {
      // read-only home, full disk: the next scan analyses again
    }
  }
}

/** The entries of a cache file this user's pinsight wrote for this build and kernel; else none. */
function readEntries(file: string, key: Buffer, buildId: string, kernel: string): CacheEntries {
  const read = readRegularFile(file, { maxBytes: MAX_CACHE_BYTES, noFollow: true });
  if (!read.bytes) return {}; // none yet, or not a file to read
  const text = read.bytes.toString('utf8');
  const newline = text.indexOf('\n');
  const mac = Buffer.from(text.slice(0, Math.max(newline, 0)), 'hex');
  const json = text.slice(newline + 1);
  if (newline < 0 || !macMatches(key, PURPOSE, basename(file), json, mac)) return {}; // written by something else
  try {
    const parsed = JSON.parse(json) as { buildId?: string; kernel?: string; entries?: CacheEntries };
    if (parsed.buildId === buildId && parsed.kernel === kernel && parsed.entries && typeof parsed.entries === 'object') return parsed.entries;
  } catch {
    // cannot happen for a file with a good MAC, short of a bug: start empty
  }
  return {};
}

/** Where the CLI keeps its result cache. */
export function defaultCacheDir(): string {
  return join(cacheRoot(), 'scan-results');
}

/**
 * The build's identity: a digest of the bundles, grammar and queries beside the running bundle in
 * dist/. Undefined when not running from a bundle (tsx, tests): source files change under it.
 */
export function bundleBuildId(bundleDir: string): string | undefined {
  if (!existsSync(join(bundleDir, 'scan-worker.js')) || !existsSync(join(bundleDir, 'tree-sitter-c.wasm'))) return undefined;
  try {
    const hash = createHash('sha1');
    const files = readdirSync(bundleDir).filter((f) => /\.(js|wasm)$/.test(f)).sort();
    for (const f of files) hash.update(f).update(readFileSync(join(bundleDir, f)));
    const queries = join(bundleDir, 'queries');
    if (existsSync(queries)) for (const f of readdirSync(queries).sort()) hash.update(f).update(readFileSync(join(queries, f)));
    return hash.digest('hex');
  } catch {
    return undefined;
  }
}
