// Which files `pinsight scan PATH...` looks at: a file as given, or every .c and .h file under a
// directory (hidden entries and symbolic links are skipped, as ripgrep does: the links in a kernel
// tree duplicate files that are scanned anyway), sorted. server/scan/walk.ts lists the same files.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { classifyRoots, MissingPathError, SOURCE_FILE } from '../scan/walk.js';
import { UsageError } from './usage-error.js';

/** Root checks are shared with the fast walk (server/scan/walk.ts); the walk itself is kept apart as the plain path. */
export function listSourceFiles(paths: readonly string[], cwd: string): string[] {
  let roots;
  try {
    roots = classifyRoots(paths, cwd);
  } catch (error) {
    if (error instanceof MissingPathError) throw new UsageError(error.message);
    throw error;
  }
  const out = new Set<string>(roots.files);
  for (const dir of roots.dirs) walk(dir, out);
  return [...out].sort();
}

function walk(dir: string, out: Set<string>): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // unreadable directory: nothing to scan there
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile() && SOURCE_FILE.test(entry.name)) out.add(path);
  }
}
