// The files a scan reads, as `pinsight scan` has always listed them (server/cli/scan-files.ts):
// a file named as a root, whatever its name, and every regular `.c` and `.h` file under a root
// directory. Entries whose name starts with a dot are skipped, and symbolic links inside a
// directory are never followed (as ripgrep does), so a link loop cannot trap the walk. Paths are
// absolute; the same file under two roots is listed once.
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SOURCE_FILE = /\.[ch]$/;

const YIELD_MS = 5;

/** A root that does not exist or cannot be read. */
export class MissingPathError extends Error {
  override name = 'MissingPathError';
  constructor(readonly path: string, why = 'no such file or directory') {
    super(`${why}: ${path}`);
  }
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

export interface Roots {
  /** Root directories, absolute. */
  dirs: string[];
  /** Root files, absolute. */
  files: string[];
}

/** Sorts the roots into directories and files; throws MissingPathError for one that is neither. */
export function classifyRoots(paths: readonly string[], cwd: string): Roots {
  const roots: Roots = { dirs: [], files: [] };
  for (const given of paths) {
    const path = resolve(cwd, given);
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new MissingPathError(given);
    }
    // Reading a FIFO or /dev/zero named as a root would never end; an unreadable root is an error.
    if (!stat.isDirectory() && !stat.isFile()) throw new MissingPathError(given, 'not a regular file or directory');
    if (stat.isFile() && !readable(path)) throw new MissingPathError(given, 'permission denied, cannot read');
    (stat.isDirectory() ? roots.dirs : roots.files).push(path);
  }
  return roots;
}

/**
 * Walks the root directories depth-first, handing the source files found to `onBatch` in batches
 * of `batchSize` as it goes, so readers can start before the walk ends; it yields to the event loop
 * every few milliseconds so the readers' replies are served meanwhile. Resolves to how many files
 * it listed (with those already in `seen`). An unreadable directory is skipped, as the plain scan does.
 */
export async function walkDirectories(
  dirs: readonly string[],
  onBatch: (files: string[]) => void,
  batchSize = 256,
  seen = new Set<string>(),
): Promise<number> {
  let batch: string[] = [];
  const add = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    batch.push(path);
    if (batch.length >= batchSize) {
      onBatch(batch);
      batch = [];
    }
  };
  const stack = [...dirs].reverse();
  let lastYield = performance.now();
  while (stack.length > 0) {
    if (performance.now() - lastYield > YIELD_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
    const dir = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    const subdirs: string[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      // Dirent types come from lstat: a symbolic link is neither a file nor a directory here.
      if (entry.isDirectory()) subdirs.push(join(dir, entry.name));
      else if (entry.isFile() && SOURCE_FILE.test(entry.name)) add(join(dir, entry.name));
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
  }
  if (batch.length > 0) onBatch(batch);
  return seen.size;
}
