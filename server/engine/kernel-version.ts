// Kernel versions as the engine uses them: "6.1", "6.12" (major.minor; the sublevel never changes
// GUP semantics within a stable series for what we model).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface KernelVersion {
  major: number;
  minor: number;
}

/** "6.1", "6.12.117", "v6.2" -> {6, 1}; undefined when it is not a version. */
export function parseKernelVersion(text: string): KernelVersion | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+~].*)?$/.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]) };
}

// compareKernel runs for every entry point, flag and sim-core switch an analysis looks at.
const parsed = new Map<string, KernelVersion | undefined>();

function parseCached(text: string): KernelVersion | undefined {
  if (!parsed.has(text)) {
    if (parsed.size >= 256) parsed.clear(); // versions come from settings too: keep it small
    parsed.set(text, parseKernelVersion(text));
  }
  return parsed.get(text);
}

/** Negative when a < b, 0 when equal, positive when a > b (major.minor only). */
export function compareKernel(a: string, b: string): number {
  const x = parseCached(a);
  const y = parseCached(b);
  if (!x || !y) throw new Error(`not a kernel version: '${x ? b : a}'`);
  return x.major !== y.major ? x.major - y.major : x.minor - y.minor;
}

export function kernelAtLeast(version: string, since: string): boolean {
  return compareKernel(version, since) >= 0;
}

/** Normalises "6.12.117" to "6.12"; throws on a non-version. */
export function normalizeKernel(text: string): string {
  const v = parseKernelVersion(text);
  if (!v) throw new Error(`not a kernel version: '${text}' (expected e.g. 6.1 or 6.12)`);
  return `${v.major}.${v.minor}`;
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
