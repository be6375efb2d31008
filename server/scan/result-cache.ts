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
// is ignored: it only ever saves time.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FileResult } from './analyze-source.js';
import { cacheRoot, writeCacheFile } from './cache-files.js';

export interface CacheEntry {
  /** sha1 of the file's bytes. */
  digest: string;
  /** What the analysis gave: null for no call and no finding. */
  result: FileResult | null;
}

/** Entries by absolute path. */
export type CacheEntries = Record<string, CacheEntry>;

export interface CacheLocation {
  dir: string;
  /** Changes whenever the code or data that analyse change. */
  buildId: string;
}

export const digestOf = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex');

/** Cache files kept per directory; the oldest go first (scans of temporary trees, old builds). */
const MAX_FILES = 32;

export class ResultCache {
  private constructor(
    private readonly location: CacheLocation,
    private readonly file: string,
    private readonly kernel: string,
    readonly entries: CacheEntries,
  ) {}

  /** The cache of one set of roots, for one build and kernel: each scan keeps its own file. */
  static open(location: CacheLocation, kernel: string, roots: readonly string[]): ResultCache {
    const scope = createHash('sha1').update(location.buildId).update(kernel).update([...roots].sort().join('\0')).digest('hex');
    const file = join(location.dir, `${scope.slice(0, 24)}.json`);
    let entries: CacheEntries = {};
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { buildId?: string; kernel?: string; entries?: CacheEntries };
      if (parsed.buildId === location.buildId && parsed.kernel === kernel && parsed.entries && typeof parsed.entries === 'object') entries = parsed.entries;
    } catch {
      // missing or unreadable: start empty
    }
    return new ResultCache(location, file, kernel, entries);
  }

  /**
   * Keeps what this scan saw (so files that went away drop out) and writes it when it differs from
   * what was read: atomically, through a temporary file and a rename.
   */
  save(seen: CacheEntries): void {
    const paths = Object.keys(seen);
    const same = paths.length === Object.keys(this.entries).length && paths.every((p) => this.entries[p]?.digest === seen[p]!.digest);
    if (same) return;
    try {
      writeCacheFile(this.file, JSON.stringify({ buildId: this.location.buildId, kernel: this.kernel, entries: seen }));
      pruneOldest(this.location.dir);
    } catch {
      // read-only home, full disk: the next scan analyses again
    }
  }
}

function pruneOldest(dir: string): void {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ path: join(dir, f), mtime: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of files.slice(MAX_FILES)) rmSync(old.path, { force: true });
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
