// Which files `pinsight scan PATH...` looks at: a file as given, or every .c and .h file under a
// directory (hidden entries and symbolic links are skipped, as ripgrep does: the links in a kernel
// tree duplicate files that are scanned anyway), sorted. server/scan/walk.ts lists the same files.
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from './usage-error.js';

const SOURCE = /\.[ch]$/;

export function listSourceFiles(paths: readonly string[], cwd: string): string[] {
  const out = new Set<string>();
  for (const given of paths) {
    const path = resolve(cwd, given);
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new UsageError(`no such file or directory: ${given}`);
    }
    if (stat.isDirectory()) walk(path, out);
    else out.add(checkedRootFile(path, given, stat.isFile()));
  }
  return [...out].sort();
}

/** A file named as a root must be a readable regular file: reading a FIFO or /dev/zero never ends. */
function checkedRootFile(path: string, given: string, regular: boolean): string {
  if (!regular) throw new UsageError(`not a regular file or directory: ${given}`);
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new UsageError(`permission denied, cannot read: ${given}`);
  }
  return path;
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
    else if (entry.isFile() && SOURCE.test(entry.name)) out.add(path);
  }
}
