// Reading a small file a tree holds (`.pinsight.json`, a baseline) without trusting it: only a
// regular file (not a FIFO that would block, not a device), and no more than `maxBytes`.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export class SafeReadError extends Error {
  override name = 'SafeReadError';
}

export function readSmallFile(path: string, maxBytes: number): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new SafeReadError(`cannot open: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new SafeReadError('not a regular file');
    if (stat.size > maxBytes) throw new SafeReadError(`larger than ${maxBytes} bytes`);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (let n; length <= maxBytes && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0; ) length += n;
    if (length > maxBytes) throw new SafeReadError(`larger than ${maxBytes} bytes`);
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
