// Kernel versions as "MAJOR.MINOR" strings ("6.1", "6.12"); a sublevel is accepted and ignored,
// because GUP semantics change with mainline releases, not with stable updates.

export interface KernelVersion {
  major: number;
  minor: number;
}

const VERSION = /^(\d+)\.(\d+)(?:\.\d+)?$/;

export function parseKernelVersion(text: string): KernelVersion | undefined {
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]) };
}

export function isKernelVersion(text: string): boolean {
  return parseKernelVersion(text) !== undefined;
}

/** Negative when a < b, 0 when equal, positive when a > b. Throws on text that is not a version. */
export function compareKernelVersions(a: string, b: string): number {
  const x = mustParse(a);
  const y = mustParse(b);
  return x.major - y.major || x.minor - y.minor;
}

/** `from` inclusive, `until` exclusive, either open. */
export function inVersionRange(version: string, from?: string, until?: string): boolean {
  if (from !== undefined && compareKernelVersions(version, from) < 0) return false;
  if (until !== undefined && compareKernelVersions(version, until) >= 0) return false;
  return true;
}

function mustParse(text: string): KernelVersion {
  const v = parseKernelVersion(text);
  if (!v) throw new Error(`not a kernel version: ${JSON.stringify(text)}`);
  return v;
}
