// Kernel versions, as the engine reads them ("6.1", "6.12.117", "v6.2" -> major.minor): one
// parser for the whole server. Ranges are `from` inclusive, `until` exclusive.
import { compareKernel, parseKernelVersion } from '../engine/kernel-version.js';

export { parseKernelVersion };

export function isKernelVersion(text: string): boolean {
  return parseKernelVersion(text) !== undefined;
}

/** Negative when a < b, 0 when equal, positive when a > b. Throws on text that is not a version. */
export function compareKernelVersions(a: string, b: string): number {
  return compareKernel(a, b);
}

/** `from` inclusive, `until` exclusive, either open. */
export function inVersionRange(version: string, from?: string, until?: string): boolean {
  if (from !== undefined && compareKernel(version, from) < 0) return false;
  if (until !== undefined && compareKernel(version, until) >= 0) return false;
  return true;
}
