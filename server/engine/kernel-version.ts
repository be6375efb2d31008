// Kernel versions as the engine uses them: "6.1", "6.12" (the release series; the sublevel never
// changes GUP semantics within a stable series for what we model). Parsing is sim-core's
// (sim-core/version.ts), so every command and the editor accept and refuse the same versions.
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
// sim-core/version.ts itself, not sim-core's index: the CLI launcher parses --kernel before loading the rest.
import { compareReleases, releaseOf } from '../../sim-core/version.js';
import { readRegularFile } from './safe-read.js';
import { moduleKernel } from './build-tree.js';

export interface KernelVersion {
  major: number;
  minor: number;
}

/** "6.1", "6.12.117", "v6.2" -> {6, 1}; undefined when it is not a version pinsight answers for. */
export function parseKernelVersion(text: string): KernelVersion | undefined {
  try {
    const [major, minor] = releaseOf(text).split('.').map(Number);
    return { major: major!, minor: minor! };
  } catch {
    return undefined;
  }
}

// compareKernel runs for every entry point, flag and sim-core switch an analysis looks at.
const compared = new Map<string, number>();

/** Negative when a < b, 0 when equal, positive when a > b (release series only). */
export function compareKernel(a: string, b: string): number {
  const key = `${a}|${b}`;
  let c = compared.get(key);
  if (c === undefined) {
    if (compared.size >= 4096) compared.clear(); // versions come from settings too: keep it small
    compared.set(key, (c = compareReleases(a, b)));
  }
  return c;
}

export function kernelAtLeast(version: string, since: string): boolean {
  return compareKernel(version, since) >= 0;
}

/** Normalises "6.12.117" to "6.12"; throws a one-line message on anything else. */
export function normalizeKernel(text: string): string {
  return releaseOf(text);
}

/** Reads VERSION and PATCHLEVEL from a kernel top Makefile's text. */
export function versionFromMakefile(text: string): string | undefined {
  const version = /^VERSION\s*=\s*(\d+)\s*$/m.exec(text);
  const patchlevel = /^PATCHLEVEL\s*=\s*(\d+)\s*$/m.exec(text);
  if (!version || !patchlevel) return undefined;
  return `${version[1]}.${patchlevel[1]}`;
}

/**
 * A kernel's top Makefile is ~70 KB; VERSION and PATCHLEVEL are its first lines. A Makefile far
 * larger than that is not one to read (it could be anything a cloned tree put there).
 */
export const MAX_MAKEFILE_BYTES = 1024 * 1024;

/**
 * Says why a Makefile on the way up was not read (a FIFO, a device, a symbolic link to either,
 * oversized, unreadable), one line each; the walk goes on above it.
 */
export type MakefileNote = (line: string) => void;

/**
 * The kernel's top Makefile above `fileOrDir` and the version it sets; else, with no kernel tree
 * above it, the nearest out-of-tree module Makefile whose KDIR names a prepared kernel build
 * (build-tree.ts: its version.h or kernel.release; `how` then says which line and file). A tree's
 * own Makefile wins over a KDIR inside it (tools/testing/nvdimm/Makefile names one): pinsight reads
 * a kernel tree as that kernel.
 */
export function findKernelMakefile(fileOrDir: string, note?: MakefileNote): { version: string; makefile: string; how?: string } | undefined {
  let dir = resolve(fileOrDir);
  try {
    if (!statSync(dir).isDirectory()) dir = dirname(dir);
  } catch {
    dir = dirname(dir);
  }
  let module: string | undefined; // the nearest directory whose Makefile is not a kernel's top one
  for (;;) {
    const makefile = join(dir, 'Makefile');
    // A FIFO or /dev/zero planted as Makefile would block or never end: only a regular file of
    // bounded size is read (safe-read.ts).
    const read = readRegularFile(makefile, { maxBytes: MAX_MAKEFILE_BYTES });
    if (read.bytes) {
      const version = versionFromMakefile(read.bytes.toString('utf8'));
      if (version) return { version, makefile };
      module ??= dir;
    } else if (!read.missing) {
      note?.(`${makefile}: ${read.reason}: not read for the kernel version`);
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // No kernel tree above: the first Makefile on the way up that names a KDIR.
  for (let d = module; d !== undefined; ) {
    const found = moduleKernel(d, note);
    if (found) return { version: found.version, makefile: join(d, 'Makefile'), how: found.how };
    const parent = dirname(d);
    d = parent === d ? undefined : parent;
  }
  return undefined;
}

/**
 * The kernel version of the tree that holds `fileOrDir`: walks up to the first Makefile that sets
 * VERSION and PATCHLEVEL (the kernel's top Makefile; the Makefiles of subdirectories set neither).
 */
export function detectKernelVersion(fileOrDir: string, note?: MakefileNote): string | undefined {
  return findKernelMakefile(fileOrDir, note)?.version;
}
