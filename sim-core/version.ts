import { SimError } from './errors.js';

/** A kernel version "X.Y[.Z]" as three numbers; compared component by component. */
export type Version = readonly [number, number, number];

const VERSION = /^(\d{1,3})\.(\d{1,3})(?:\.(\d{1,4}))?$/;

export function parseVersion(text: string): Version {
  const m = VERSION.exec(text.trim());
  if (!m) throw new SimError(`bad kernel version '${text}' (expected X.Y or X.Y.Z, e.g. 6.1 or 6.12.117)`);
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

export function atLeast(v: Version, since: string): boolean {
  return compareVersions(v, parseVersion(since)) >= 0;
}
