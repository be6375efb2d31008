// How `scan --fix` reads a file and writes its fix back without ever corrupting it:
// - the bytes must decode as UTF-8 and encode back to the same bytes: a file with other bytes (a
//   Latin-1 author name in a comment) would have them replaced by U+FFFD when written back, so it
//   is not rewritten;
// - just before writing, the file must still hold the bytes that were read: an editor or a build
//   that changed it meanwhile wins, and the fix is skipped;
// - the write is atomic: a temporary file in the same directory, with the file's mode, then a
//   rename over the file (through a symbolic link, to its target), so a crash or a full disk leaves
//   the old file or the new one, never half of each.
import { chmodSync, chownSync, closeSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface ReadForFix {
  path: string;
  text: string;
  /** The bytes as read, to compare with the file just before writing. */
  bytes: Buffer;
  /** Why the file must not be rewritten whatever the fix, if so. */
  unwritable?: string;
}

export function readForFix(path: string): ReadForFix {
  const bytes = readFileSync(path);
  const text = bytes.toString('utf8');
  const unwritable = Buffer.from(text, 'utf8').equals(bytes) ? undefined : 'not valid UTF-8: not rewritten (its other bytes would be lost)';
  return { path, text, bytes, unwritable };
}

export type WriteOutcome = { written: true } | { written: false; reason: string };

/** Writes `text` over the file read as `read`, atomically, unless the file changed since. */
export function writeFixed(read: ReadForFix, text: string): WriteOutcome {
  if (read.unwritable) return { written: false, reason: read.unwritable };
  let target: string;
  let current: Buffer;
  try {
    target = realpathSync(read.path);
    current = readFileSync(target);
  } catch (error) {
    return { written: false, reason: `cannot read it again: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
  if (!current.equals(read.bytes)) return { written: false, reason: 'changed on disk since it was read: not overwritten' };
  const stat = statSync(target);
  const temp = join(dirname(target), `.${basename(target)}.pinsight-${process.pid}-${Date.now().toString(36)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', stat.mode & 0o7777);
    writeSync(fd, Buffer.from(text, 'utf8'));
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    chmodSync(temp, stat.mode & 0o7777); // openSync's mode is masked by the umask
    if (process.getuid?.() === 0) chownSync(temp, stat.uid, stat.gid);
    renameSync(temp, target);
    return { written: true };
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // never created
    }
    return { written: false, reason: `cannot write it: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
}
