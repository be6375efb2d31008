// Reading a file pinsight did not choose to read but found where it looked (a kernel tree's top
// Makefile, a cache file): it may be a FIFO (open() and read() block forever), a device (/dev/zero
// never ends) or huge. Only a regular file is read, opened with O_NONBLOCK (an open never waits for
// a FIFO's writer) and checked again with fstat after the open (it may have been swapped between
// the stat and the open), up to a size cap. Anything else is declined with a reason, never waited on.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

export type SafeRead =
  | { bytes: Buffer; reason?: undefined; missing?: undefined }
  /** `missing`: no such file (nothing worth saying); otherwise `reason` says why it was not read. */
  | { bytes?: undefined; reason: string; missing: boolean };

export interface SafeReadOptions {
  /** Larger files are declined (the reason says so). */
  maxBytes: number;
  /** Refuse a symbolic link as the last component (O_NOFOLLOW): for files pinsight writes itself. */
  noFollow?: boolean;
}

// O_NONBLOCK and O_NOCTTY matter only for what is not a regular file; undefined on Windows.
export const NONBLOCKING_READ = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** "a FIFO", "a character device", ...: what a non-regular file is, for a message. */
export function fileKind(stat: Stats): string {
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  if (stat.isDirectory()) return 'a directory';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/**
 * Opens `path` for reading only if it is a regular file; the caller closes the descriptor.
 * Never blocks: a FIFO, a device or a socket is declined before and after the open.
 */
export function openRegularFile(path: string, noFollow = false): { fd: number; size: number; reason?: undefined } | { fd?: undefined; reason: string; missing: boolean } {
  let fd: number;
  try {
    // stat first: opening a device can itself have effects (a tape rewinds), so it is not opened at all.
    const before = statSync(path);
    if (!before.isFile()) return { reason: `not a regular file (${fileKind(before)})`, missing: false };
    fd = openSync(path, NONBLOCKING_READ | (noFollow ? constants.O_NOFOLLOW ?? 0 : 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' && noFollow) return { reason: 'a symbolic link', missing: false };
    return { reason: `cannot read it (${code ?? String(error)})`, missing: code === 'ENOENT' || code === 'ENOTDIR' };
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    return { reason: `not a regular file (${fileKind(stat)})`, missing: false };
  }
  return { fd, size: stat.size };
}

/** The bytes of `path` if it is a regular file of at most `maxBytes` bytes; else why not. */
export function readRegularFile(path: string, options: SafeReadOptions): SafeRead {
  const opened = openRegularFile(path, options.noFollow);
  if (opened.reason !== undefined) return opened;
  const { fd, size } = opened;
  const tooBig = (): SafeRead => ({ reason: `larger than ${options.maxBytes} bytes`, missing: false });
  try {
    if (size > options.maxBytes) return tooBig();
    // Read one byte past the cap: a file that grows meanwhile is still declined, never read whole.
    const buffer = Buffer.allocUnsafe(Math.min(size, options.maxBytes) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > options.maxBytes) return tooBig();
      if (length === buffer.length) break; // grew past its size but not past the cap: what was there at the stat
    }
    return { bytes: buffer.subarray(0, length) };
  } catch (error) {
    return { reason: `cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`, missing: false };
  } finally {
    closeSync(fd);
  }
}
