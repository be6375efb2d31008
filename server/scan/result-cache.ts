// Results of earlier scans, so that a file nobody changed is not parsed again. An entry is keyed by
// the file's path and the digest of its bytes, inside a cache file keyed by the pinsight build
// (the digest of the bundles, grammar and queries that analyse) and the target kernel: the engine
// is a pure function of (text, kernel, path), so a hit is the answer the analysis would give.
// Only candidate files (that name an entry point) are cached; the others never reach the engine.
//
// The CLI uses it (PINSIGHT_SCAN_CACHE=0 turns it off); the cache file lives in
// $PINSIGHT_CACHE/scan-results (default ~/.cache/pinsight). A cache that cannot be read or written
// is ignored: it only ever saves time.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FileResult } from './analyze-source.js';

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

export class ResultCache {
  /** New or changed entries since the cache was read. */
  private changed = 0;

  private constructor(
    private readonly file: string,
    private readonly buildId: string,
    private readonly kernel: string,
    readonly entries: CacheEntries,
  ) {}

  static open(location: CacheLocation, kernel: string): ResultCache {
    const file = join(location.dir, `${location.buildId.slice(0, 16)}-${kernel}.json`);
    let entries: CacheEntries = {};
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { buildId?: string; kernel?: string; entries?: CacheEntries };
      if (parsed.buildId === location.buildId && parsed.kernel === kernel && parsed.entries && typeof parsed.entries === 'object') entries = parsed.entries;
    } catch {
      // missing or unreadable: start empty
    }
    return new ResultCache(file, location.buildId, kernel, entries);
  }

  /** Takes in what the analysers recorded. */
  merge(fresh: CacheEntries): void {
    for (const [path, entry] of Object.entries(fresh)) {
      this.entries[path] = entry;
      this.changed++;
    }
  }

  /** Writes the cache if anything changed (atomically: a temporary file, then a rename). */
  save(): void {
    if (this.changed === 0) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ buildId: this.buildId, kernel: this.kernel, entries: this.entries }));
      renameSync(tmp, this.file);
      this.changed = 0;
    } catch {
      // read-only home, full disk: the next scan analyses again
    }
  }
}

/** Where the CLI keeps its cache. */
export function defaultCacheDir(): string {
  return join(process.env.PINSIGHT_CACHE ?? join(homedir(), '.cache/pinsight'), 'scan-results');
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
