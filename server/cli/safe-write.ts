// How `scan --fix` reads a file and writes its fix back without ever corrupting it:
// - the bytes must decode as UTF-8 and encode back to the same bytes: a file with other bytes (a
//   Latin-1 author name in a comment) would have them replaced by U+FFFD when written back, so it
//   is not rewritten;
// - just before writing, the file must still hold the bytes that were read: an editor or a build
//   that changed it meanwhile wins, and the fix is skipped;
// - only a file the user may write is replaced (access(W_OK)), never one without any write
//   permission bit (read-only on purpose, even to root), and never, by a user other than root, a
//   file another user owns: the rename would hand it to the user running pinsight;
// - the write is atomic: a temporary file in the same directory, with the file's mode, then a
//   rename over the file (through a symbolic link, to its target), so a crash or a full disk leaves
//   the old file or the new one, never half of each.
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, chownSync, closeSync, constants, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readRegularFile } from '../engine/safe-read.js';

export interface ReadForFix {
  path: string;
  text: string;
  /** The bytes as read, to compare with the file just before writing. */
  bytes: Buffer;
  /** Why the file must not be rewritten whatever the fix, if so. */
  unwritable?: string;
}

/** Reads a source file whole (a regular file only: never waits on a FIFO put in its place); throws when it cannot. */
function readSource(path: string): Buffer {
  const read = readRegularFile(path, { maxBytes: Number.MAX_SAFE_INTEGER });
  if (read.bytes) return read.bytes;
  throw new Error(read.reason);
}

export function readForFix(path: string): ReadForFix {
  const bytes = readSource(path);
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
    current = readSource(target);
  } catch (error) {
    return { written: false, reason: `cannot read it again: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
  if (!current.equals(read.bytes)) return { written: false, reason: 'changed on disk since it was read: not overwritten' };
  const stat = statSync(target);
  const refused = mayNotReplace(target, stat);
  if (refused) return { written: false, reason: refused };
  // Unpredictable, and created with O_EXCL: nothing planted at the name is followed or reused.
  const temp = join(dirname(target), `.${basename(target)}.pinsight-${randomBytes(8).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', stat.mode & 0o7777);
    writeSync(fd, Buffer.from(text, 'utf8'));
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    chmodSync(temp, stat.mode & 0o7777); // openSync's mode is masked by the umask
    // Owner and group as they were: root may give any; another user only its own uid and its groups
    // (mayNotReplace made sure the uid is its own), else the write fails and the file stays.
    const made = statSync(temp);
    if (made.uid !== stat.uid || made.gid !== stat.gid) chownSync(temp, stat.uid, stat.gid);
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

/** Why `target` must not be replaced by this user, if so (one line for stderr). */
function mayNotReplace(target: string, stat: Stats): string | undefined {
  if ((stat.mode & 0o222) === 0) return 'read-only (no write permission for anyone): not fixed';
  try {
    accessSync(target, constants.W_OK);
  } catch {
    return 'you may not write it: not fixed';
  }
  const uid = process.getuid?.();
  if (uid !== undefined && uid !== 0 && stat.uid !== uid) return `owned by another user (uid ${stat.uid}): replacing it would make it yours; not fixed`;
  return undefined;
}
