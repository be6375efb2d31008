// Where pinsight keeps its caches, and how a cache file is checked, written, read and pruned. A cache
// only ever saves time, and may sit in a hostile place ($PINSIGHT_CACHE on a shared path, a cache
// directory restored by CI):
// - a cache directory is used only if no other user can change what is in it: the directory itself
//   is a real directory (not a symbolic link) owned by the user and writable by no one else, and
//   no directory above it can be rewritten by another user (owned by root or the user, and not
//   group/world-writable unless sticky, as /tmp). Otherwise the cache is off, with one warning;
// - a file is written to an unpredictable temporary name created with O_EXCL|O_NOFOLLOW (a
//   symbolic link planted there is never followed) and renamed into place;
// - a file is read only if it is a regular file of bounded size (server/engine/safe-read.ts), and
//   trusted only if it carries the HMAC that the user's key gives it (cache-key.ts): a file
//   written by anything else (a restored cache, another program) is ignored;
// - pruning removes only names pinsight writes, as files, never through a link.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, lstatSync, mkdirSync, openSync, readdirSync, realpathSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** $PINSIGHT_CACHE, default ~/.cache/pinsight. */
export function cacheRoot(): string {
  return process.env.PINSIGHT_CACHE || join(homedir(), '.cache/pinsight');
}

export type CacheDir = { dir: string; refused?: undefined } | { dir?: undefined; refused: string | undefined };

const posixOwners = (): number | undefined => (process.platform === 'win32' ? undefined : process.getuid?.());

/**
 * Makes `dir` (0700) if it is missing and says whether a cache may live in it. `refused` is the
 * reason for a warning, or undefined when the directory simply cannot be made (a read-only home):
 * nothing hostile, the cache is off quietly.
 */
export function prepareCacheDir(dir: string, privateMode = 0o022): CacheDir {
  const path = resolve(dir);
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
  } catch {
    return { refused: undefined };
  }
  const uid = posixOwners();
  if (uid === undefined) return { dir: path }; // no POSIX owners (Windows): nothing to check
  try {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return { refused: `${path} is a symbolic link` };
    if (!stat.isDirectory()) return { refused: `${path} is not a directory` };
    if (stat.uid !== uid) return { refused: `${path} is owned by another user (uid ${stat.uid})` };
    if ((stat.mode & privateMode) !== 0) return { refused: `${path} is writable by other users (mode ${(stat.mode & 0o777).toString(8)})` };
    // The directories above, as named and as they really are (a symbolic link on the way is checked
    // where it sits and where it leads).
    const above = unsafeAbove(dirname(path), uid) ?? unsafeAbove(realpathSync(dirname(path)), uid);
    return above ? { refused: above } : { dir: path };
  } catch (error) {
    return { refused: `${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
}

/** Why another user could replace what is below `path`, if so. */
function unsafeAbove(path: string, uid: number): string | undefined {
  for (let p = path; ; p = dirname(p)) {
    const stat = lstatSync(p);
    if (stat.uid !== 0 && stat.uid !== uid) return `${p} is owned by another user (uid ${stat.uid})`;
    if (!stat.isSymbolicLink() && (stat.mode & 0o022) !== 0 && (stat.mode & 0o1000) === 0) {
      return `${p} is writable by other users (mode ${(stat.mode & 0o777).toString(8)}, not sticky)`;
    }
    if (dirname(p) === p) return undefined;
  }
}

const WARNED = Symbol.for('pinsight.cache-warnings');

/**
 * The line to print for a refused cache, the first time this process sees that reason (the
 * launcher and the CLI are separate bundles in one process: the set lives on globalThis).
 */
export function cacheWarning(reason: string | undefined): string | undefined {
  if (!reason) return undefined;
  const store = globalThis as { [WARNED]?: Set<string> };
  const warned = (store[WARNED] ??= new Set());
  if (warned.has(reason)) return undefined;
  warned.add(reason);
  return `cache off: ${reason}`;
}

/** The temporary names writeCacheFile uses for `name`: `<name>.<16 hex>.tmp`. */
export const TEMP_SUFFIX = /\.[0-9a-f]{16}\.tmp$/;

/**
 * Writes `data` to `file` (in a directory prepareCacheDir accepted), 0600, through a temporary file
 * and a rename: a reader sees the old file or the new one, never half of one. Throws when it cannot.
 */
export function writeCacheFile(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  // O_EXCL: fails on anything already there, a symbolic link included; O_NOFOLLOW for good measure.
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
  } catch (error) {
    closeSync(fd);
    unlinkSync(tmp);
    throw error;
  }
  closeSync(fd);
  renameSync(tmp, file); // rename replaces a link at `file` itself, never its target
}

/**
 * Removes the files of `dir` whose names `ours` accepts and `keep` does not (newest first by
 * mtime: keep(name, rank)), and temporary files of ours older than an hour (a killed run's).
 * Only plain files: a symbolic link or directory under one of our names is left alone.
 */
export function pruneCacheFiles(dir: string, ours: (name: string) => boolean, keep: (name: string, rank: number) => boolean): void {
  const files: { name: string; mtime: number }[] = [];
  const now = Date.now();
  for (const name of readdirSync(dir)) {
    const temp = TEMP_SUFFIX.test(name);
    if (!ours(temp ? name.replace(TEMP_SUFFIX, '') : name)) continue;
    let stat;
    try {
      stat = lstatSync(join(dir, name));
    } catch {
      continue;
    }
    if (!stat.isFile()) continue;
    if (temp) {
      if (now - stat.mtimeMs > 3600_000) unlinkQuietly(join(dir, name));
    } else files.push({ name, mtime: stat.mtimeMs });
  }
  files.sort((a, b) => b.mtime - a.mtime);
  files.forEach((f, rank) => keep(f.name, rank) || unlinkQuietly(join(dir, f.name)));
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // gone meanwhile
  }
}
