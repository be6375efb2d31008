// Kernel versions as the engine uses them: "6.1", "6.12" (the release series; the sublevel never
// changes GUP semantics within a stable series for what we model). Parsing is sim-core's
// (sim-core/version.ts), so every command and the editor accept and refuse the same versions.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { compareReleases, releaseOf } from '../../sim-core/index.js';

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

/** The kernel's top Makefile above `fileOrDir` and the version it sets, if any. */
export function findKernelMakefile(fileOrDir: string): { version: string; makefile: string } | undefined {
  let dir = resolve(fileOrDir);
  try {
    if (!statSync(dir).isDirectory()) dir = dirname(dir);
  } catch {
    dir = dirname(dir);
  }
  for (;;) {
    const makefile = join(dir, 'Makefile');
    if (existsSync(makefile)) {
      try {
        const version = versionFromMakefile(readFileSync(makefile, 'utf8'));
        if (version) return { version, makefile };
      } catch {
        // unreadable Makefile: keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The kernel version of the tree that holds `fileOrDir`: walks up to the first Makefile that sets
 * VERSION and PATCHLEVEL (the kernel's top Makefile; the Makefiles of subdirectories set neither).
 */
export function detectKernelVersion(fileOrDir: string): string | undefined {
  return findKernelMakefile(fileOrDir)?.version;
}
