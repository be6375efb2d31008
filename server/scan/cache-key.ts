// The user's cache key: 32 random bytes that authenticate every cache file pinsight writes (an
// HMAC-SHA256 over the file's purpose, name and contents). It lives outside every cache directory,
// in a private place: $XDG_CONFIG_HOME/pinsight/cache-key, default ~/.config/pinsight/cache-key,
// the directory 0700 and the file 0600, both owned by the user. Whoever can only write a cache
// directory (a shared $PINSIGHT_CACHE, a cache restored by CI) cannot make a file pinsight trusts;
// whoever can read the key can (the user, root). A key that is not private is refused with a
// warning, and the caches are off; a key that cannot be made (read-only home) turns them off quietly.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, constants, linkSync, lstatSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { readRegularFile } from '../engine/safe-read.js';
import { prepareCacheDir } from './cache-files.js';

const KEY_BYTES = 32;
export const MAC_BYTES = 32;

/** Where the key lives (XDG's rule: a relative $XDG_CONFIG_HOME is ignored). */
export function cacheKeyFile(): string {
  const config = process.env.XDG_CONFIG_HOME;
  return join(config && isAbsolute(config) ? config : join(homedir(), '.config'), 'pinsight', 'cache-key');
}

export type CacheKey = { key: Buffer; refused?: undefined } | { key?: undefined; refused: string | undefined };

let memo: { file: string; result: CacheKey } | undefined;

/** The key, made on first use; `refused` as prepareCacheDir's. */
export function cacheKey(): CacheKey {
  const file = cacheKeyFile();
  if (memo?.file !== file) memo = { file, result: loadKey(file) };
  return memo.result;
}

function loadKey(file: string): CacheKey {
  // 0700: nobody else may even read the directory of a key.
  const place = prepareCacheDir(join(file, '..'), 0o077);
  if (!place.dir) return { refused: place.refused && `cache key: ${place.refused}` };
  try {
    lstatSync(file);
  } catch {
    if (!makeKey(file)) return { refused: undefined };
  }
  try {
    const stat = lstatSync(file);
    const uid = process.platform === 'win32' ? undefined : process.getuid?.();
    if (!stat.isFile()) return { refused: `cache key: ${file} is not a regular file` };
    if (uid !== undefined && stat.uid !== uid) return { refused: `cache key: ${file} is owned by another user (uid ${stat.uid})` };
    if (uid !== undefined && (stat.mode & 0o077) !== 0) return { refused: `cache key: ${file} is readable or writable by other users (mode ${(stat.mode & 0o777).toString(8)})` };
    const read = readRegularFile(file, { maxBytes: KEY_BYTES, noFollow: true });
    if (!read.bytes || read.bytes.length !== KEY_BYTES) return { refused: `cache key: ${file} ${read.reason ?? `is not ${KEY_BYTES} bytes`}` };
    return { key: read.bytes };
  } catch (error) {
    return { refused: `cache key: ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
}

/** Writes a new key; link() publishes it only if no other process made one meanwhile. */
function makeKey(file: string): boolean {
  const tmp = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  try {
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
    try {
      writeSync(fd, randomBytes(KEY_BYTES));
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(tmp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return true;
  } catch {
    return false;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // never made
    }
  }
}

/** The MAC of a cache file's contents for `purpose` ("scan-results", "code") and file name. */
export function cacheMac(key: Buffer, purpose: string, name: string, data: Uint8Array | string): Buffer {
  return createHmac('sha256', key).update(`pinsight ${purpose}\0${name}\0`).update(data).digest();
}

/** Whether `mac` is the MAC of the data (constant time). */
export function macMatches(key: Buffer, purpose: string, name: string, data: Uint8Array | string, mac: Uint8Array): boolean {
  const want = cacheMac(key, purpose, name, data);
  return mac.length === want.length && timingSafeEqual(want, mac);
}
