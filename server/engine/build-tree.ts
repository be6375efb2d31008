// The kernel a prepared build tree is: include/generated/uapi/linux/version.h (LINUX_VERSION_CODE,
// written by the top Makefile's `filechk_version.h`) or include/config/kernel.release (written by
// `filechk_kernel.release`), and the KDIR an out-of-tree module's Makefile names. Every file is read
// through safe-read.ts, so a FIFO or an oversized file is declined with a reason, never waited on.
import { release } from 'node:os';
import { join, resolve } from 'node:path';
import { readRegularFile } from './safe-read.js';

/** version.h and kernel.release are a few hundred bytes; a Makefile ~70 KB. */
const MAX_SMALL = 64 * 1024;
const MAX_MAKEFILE = 1024 * 1024;

export interface TreeVersion {
  /** "6.1" */
  version: string;
  /** LINUX_VERSION_CODE, when version.h gave it. */
  code?: number;
  /** The file it came from. */
  file: string;
}

export type TreeNote = (line: string) => void;

function readSmall(path: string, note: TreeNote | undefined, maxBytes = MAX_SMALL): string | undefined {
  const read = readRegularFile(path, { maxBytes });
  if (read.bytes) return read.bytes.toString('utf8');
  if (!read.missing) note?.(`${path}: ${read.reason}: not read`);
  return undefined;
}

/** LINUX_VERSION_CODE in a version.h text. */
export function versionCodeOf(text: string): number | undefined {
  const m = /^\s*#\s*define\s+LINUX_VERSION_CODE\s+(\d+)\s*$/m.exec(text);
  return m ? Number(m[1]) : undefined;
}

export function seriesOfCode(code: number): string {
  return `${code >> 16}.${(code >> 8) & 0xff}`;
}

/** The version of a version.h file, when it defines LINUX_VERSION_CODE. */
export function versionFromVersionHeader(path: string, note?: TreeNote): TreeVersion | undefined {
  const text = readSmall(path, note);
  const code = text === undefined ? undefined : versionCodeOf(text);
  return code === undefined ? undefined : { version: seriesOfCode(code), code, file: path };
}

/** The version of a kernel.release file ("6.1.176", "6.12.0-rc3+"). */
export function versionFromRelease(path: string, note?: TreeNote): TreeVersion | undefined {
  const text = readSmall(path, note);
  const m = text === undefined ? undefined : /^(\d+)\.(\d+)/.exec(text.trim());
  return m ? { version: `${m[1]}.${m[2]}`, file: path } : undefined;
}

/** A build tree's version (the tree itself or its O= output directory): version.h, then kernel.release. */
export function versionOfBuildTree(dir: string, note?: TreeNote): TreeVersion | undefined {
  return versionFromVersionHeader(join(dir, 'include/generated/uapi/linux/version.h'), note) ?? versionFromRelease(join(dir, 'include/config/kernel.release'), note);
}

/** The kernel build directory an out-of-tree module's Makefile names, and how it was read. */
export interface ModuleKdir {
  makefile: string;
  kdir: string;
  /** "KDIR ?= /lib/modules/$(shell uname -r)/build" as written. */
  line: string;
}

const KDIR_NAMES = 'KDIR|KERNELDIR|KERNEL_DIR|KSRC|KERNEL_SRC|KERNEL_SOURCE';
const ASSIGN = new RegExp(`^\\s*(?:export\\s+|override\\s+)?(${KDIR_NAMES})\\s*(\\?=|:=|::=|=)\\s*(.*?)\\s*(?:#.*)?$`, 'm');

/**
 * Expands what a module Makefile puts in KDIR: `$(shell uname -r)` and `` `uname -r` `` are the
 * running kernel's release (what make would run), `$(PWD)`/`$(CURDIR)`/`$(src)` the module's
 * directory, `$(VAR)` a simple assignment of VAR in the same Makefile. Anything else: undefined.
 */
function expand(value: string, makefileText: string, dir: string, depth = 0): string | undefined {
  if (depth > 4) return undefined;
  let out = value.replace(/\$[({]shell\s+uname\s+-r\s*[)}]|`uname\s+-r`/g, release());
  out = out.replace(/\$[({](PWD|CURDIR|src|M)[)}]/g, dir);
  let failed = false;
  out = out.replace(/\$[({](\w+)[)}]/g, (_, name: string) => {
    const env = process.env[name];
    const m = new RegExp(`^\\s*(?:export\\s+)?${name}\\s*(\\?=|:=|::=|=)\\s*(.*?)\\s*(?:#.*)?$`, 'm').exec(makefileText);
    const inner = m ? expand(m[2]!, makefileText, dir, depth + 1) : env;
    if (inner === undefined) failed = true;
    return inner ?? '';
  });
  if (failed || /\$/.test(out) || out.trim() === '') return undefined;
  return resolve(dir, out.trim());
}

/**
 * The KDIR (or the `/lib/modules/.../build` of a `make -C`) that a module's Makefile or Kbuild file
 * in `dir` names. `KDIR ?= X` with KDIR in the environment is that, as make would take it.
 */
export function moduleKdir(dir: string, note?: TreeNote): ModuleKdir | undefined {
  const makefile = join(dir, 'Makefile');
  const text = readSmall(makefile, note, MAX_MAKEFILE);
  if (text === undefined) return undefined;
  const m = ASSIGN.exec(text);
  if (m) {
    const [line, name, op, value] = [m[0].trim(), m[1]!, m[2]!, m[3]!];
    const fromEnv = op === '?=' ? process.env[name] : undefined;
    const kdir = fromEnv ? resolve(dir, fromEnv) : expand(value, text, dir);
    return kdir ? { makefile, kdir, line: fromEnv ? `${name}=${fromEnv} (environment)` : line } : undefined;
  }
  const build = /(?:-C\s+|=\s*)(\/lib\/modules\/(?:\$[({]shell\s+uname\s+-r\s*[)}]|`uname\s+-r`|[^/\s]+)\/build)\b/.exec(text);
  if (build) {
    const kdir = expand(build[1]!, text, dir);
    if (kdir) return { makefile, kdir, line: build[1]! };
  }
  return undefined;
}

/** The kernel a module directory is built against (its Makefile's KDIR), and how that was found. */
export function moduleKernel(dir: string, note?: TreeNote): { version: string; how: string; file: string } | undefined {
  const named = moduleKdir(dir, note);
  if (!named) return undefined;
  const found = versionOfBuildTree(named.kdir, note);
  if (found) return { version: found.version, file: found.file, how: `${named.makefile}: ${named.line} -> ${found.file}` };
  note?.(`${named.makefile}: ${named.line}: ${named.kdir} has neither include/generated/uapi/linux/version.h nor include/config/kernel.release (not a prepared kernel build)`);
  return undefined;
}
