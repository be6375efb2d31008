// Kernel versions: the one parser every command, the editor and sim-core use, and the range of
// kernels pinsight answers for. What each version *does* is behaviours.ts' business; this file
// only says which versions exist and which known kernel tree stands for each.
import { SimError } from './errors.js';

/** A kernel version "X.Y[.Z]" as three numbers; compared component by component. */
export type Version = readonly [number, number, number];

/**
 * The kernel trees pinsight is held to (Debian's linux-source packages: 5.10 bullseye, 6.1
 * bookworm, 6.12 trixie, 7.2 forky, 7.3 trixie-backports), oldest first.
 */
export const KNOWN_TREES = ['5.10', '6.1', '6.12', '7.2', '7.3'] as const;
export type KnownTree = (typeof KNOWN_TREES)[number];

/**
 * The oldest release pinsight answers for: pin_user_pages*() and FOLL_PIN came in 5.6 (eddb1c228f79
 * "mm/gup: introduce pin_user_pages*() and FOLL_PIN"); the interfaces it describes do not exist before.
 */
export const OLDEST_RELEASE = '5.6';

/** The last minor release of each major series (5.19 and 6.19 were the last before 6.0 and 7.0). */
const LAST_MINOR: Record<number, number> = { 5: 19, 6: 19 };

// "6.1", "6.12.117", "v6.2", "6.2-rc3", "6.1.0-28-amd64" (a `uname -r`), "7.3+".
const VERSION = /^v?(\d{1,3})\.(\d{1,3})(?:\.(\d{1,5}))?(?:[-+~][\w.+~-]*)?$/;

/** "X.Y[.Z]" -> numbers, or undefined when the text is not a version at all. */
function scan(text: string): Version | undefined {
  const m = VERSION.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

const newestTree = (): Version => scan(KNOWN_TREES[KNOWN_TREES.length - 1])!;

/** The newest release pinsight answers for: one past the newest known tree ("7.4"). */
export function newestRelease(): string {
  const [major, minor] = newestTree();
  return `${major}.${minor + 1}`;
}

/**
 * A kernel version as given by a user (`--kernel`, `pinsight.kernel`, a Makefile): parsed, checked
 * to be a release pinsight can answer for, or a SimError that says what is accepted.
 */
export function parseVersion(text: string): Version {
  if (typeof text !== 'string') throw new SimError('kernel version: expected text such as "6.1"');
  const v = scan(text);
  if (!v) throw new SimError(`bad kernel version '${text}' (expected X.Y or X.Y.Z, e.g. 6.1 or 6.12.117)`);
  const range = `pinsight answers for Linux ${OLDEST_RELEASE} to ${newestRelease()}`;
  if (compareVersions(v, scan(OLDEST_RELEASE)!) < 0) {
    throw new SimError(`Linux ${v[0]}.${v[1]} predates pin_user_pages*() and FOLL_PIN (5.6): ${range}`);
  }
  const [newestMajor, newestMinor] = scan(newestRelease())!;
  const pastNewest = v[0] > newestMajor || (v[0] === newestMajor && v[1] > newestMinor);
  const noSuchRelease = LAST_MINOR[v[0]] !== undefined && v[1] > LAST_MINOR[v[0]]!;
  if (pastNewest || noSuchRelease) throw new SimError(`no Linux ${v[0]}.${v[1]} release is known: ${range}`);
  return v;
}

/** "6.12.117" -> "6.12": the release series, which is what GUP semantics follow. */
export function releaseOf(text: string): string {
  const v = parseVersion(text);
  return `${v[0]}.${v[1]}`;
}

export function isVersion(text: string): boolean {
  try {
    parseVersion(text);
    return true;
  } catch {
    return false;
  }
}

/** Release-series comparison ("6.1.192" == "6.1"): negative, 0 or positive. */
export function compareReleases(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  return x[0] !== y[0] ? x[0] - y[0] : x[1] - y[1];
}

export function atLeast(v: Version, since: string): boolean {
  return compareVersions(v, scan(since)!) >= 0;
}

/**
 * What pinsight says about a version outside the known trees' range (older than the oldest, newer
 * than the newest): it is answered as the nearest known kernel. Undefined inside the range.
 */
export function outsideKnownRange(version: string): { answeredAs: KnownTree; note: string } | undefined {
  const v = parseVersion(version);
  const oldest = KNOWN_TREES[0];
  const newest = KNOWN_TREES[KNOWN_TREES.length - 1];
  const release = `${v[0]}.${v[1]}`;
  if (!atLeast(v, oldest)) {
    return { answeredAs: oldest, note: `Linux ${release} is older than the kernels pinsight is checked against (${oldest} to ${newest}): answered as ${oldest}` };
  }
  if (v[0] > newestTree()[0] || (v[0] === newestTree()[0] && v[1] > newestTree()[1])) {
    return { answeredAs: newest, note: `Linux ${release} is newer than the kernels pinsight is checked against (${oldest} to ${newest}): answered as ${newest}` };
  }
  return undefined;
}
