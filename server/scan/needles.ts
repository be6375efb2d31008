// The byte search that rejects a file before it is decoded or parsed. A file that contains none of
// the entry points' names holds no call the engine can analyse (it finds calls by the callee's
// name, server/engine/call-sites.ts), so its analysis is empty; most files of a kernel tree are
// rejected here.
//
// Buffer.indexOf costs one pass over the file per needle, and its speed depends on the needle, so
// the search runs in two steps: a few short "coarse" needles that together cover every name
// (`user_page` is in all eight get_user_page*/pin_user_pages* names), then, for the few files that
// hold one, the exact names.
import { ENTRY_POINTS } from '../engine/entry-point-table.js';

/** The entry points' names. */
export const ENTRY_NAMES: readonly string[] = ENTRY_POINTS.map((e) => e.name);

// Substrings shared by several names; a name that contains none of them is its own needle.
const COARSE_HINTS = ['user_page', 'access_'];

/** Above this many names the search is one regular expression, not a pass per name. */
const MANY_NAMES = 64;

/**
 * The names that no other name contains: `get_user_pages` also finds `get_user_pages_fast`. The
 * test is pairwise, so a long list (a project index's thousands of wrappers) keeps every name: one
 * too many needle never changes what matches.
 */
export function exactNeedles(names: readonly string[]): string[] {
  const unique = [...new Set(names)];
  if (unique.length > MANY_NAMES) return unique.sort();
  return unique.filter((n) => !unique.some((m) => m !== n && n.includes(m))).sort();
}

/** Needles such that every name contains one: a hint where one fits, else the name itself. */
export function coarseNeedles(names: readonly string[], hints: readonly string[] = COARSE_HINTS): string[] {
  const needles = new Set<string>();
  for (const name of exactNeedles(names)) needles.add(hints.find((h) => name.includes(h)) ?? name);
  return [...needles].sort();
}

export class NeedleSearch {
  readonly exact: readonly string[];
  readonly coarse: readonly string[];
  private readonly exactBytes: Buffer[];
  private readonly coarseBytes: Buffer[];
  /** For many names: one pass of a regular expression over the bytes as latin1 (names are ASCII). */
  private readonly anyName: RegExp | undefined;

  constructor(names: readonly string[] = ENTRY_NAMES) {
    this.exact = exactNeedles(names);
    this.coarse = coarseNeedles(names);
    this.exactBytes = this.exact.map((n) => Buffer.from(n, 'latin1'));
    this.coarseBytes = this.coarse.map((n) => Buffer.from(n, 'latin1'));
    if (this.exact.length > MANY_NAMES) this.anyName = new RegExp(this.exact.map((n) => n.replace(/[^\w]/g, '\\$&')).join('|'));
  }

  /** True when `bytes` contains one of the names. */
  matches(bytes: Buffer): boolean {
    if (this.anyName) return this.anyName.test(bytes.toString('latin1'));
    if (!this.coarseBytes.some((n) => bytes.indexOf(n) !== -1)) return false;
    return this.exactBytes.some((n) => bytes.indexOf(n) !== -1);
  }
}
