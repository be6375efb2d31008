// Where pinsight keeps its caches, and how a cache file is written. A cache only ever saves time:
// a write that fails is the caller's to ignore.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** $PINSIGHT_CACHE, default ~/.cache/pinsight. */
export function cacheRoot(): string {
  return process.env.PINSIGHT_CACHE ?? join(homedir(), '.cache/pinsight');
}

/**
 * Writes `data` to `file` through a temporary file and a rename: a reader sees the old file or the
 * new one, never half of one. `privately`: a new directory is made 0700 and the file 0600 (a cache
 * that is run as code, server/cli/code-cache.ts). Throws when it cannot.
 */
export function writeCacheFile(file: string, data: string | Uint8Array, privately = false): void {
  mkdirSync(dirname(file), privately ? { recursive: true, mode: 0o700 } : { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data, privately ? { mode: 0o600 } : undefined);
  renameSync(tmp, file);
}
