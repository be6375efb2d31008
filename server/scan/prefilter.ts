// Who picks a scan's candidate files: ripgrep (ripgrep.ts) when it is on PATH and fits the roots,
// else the Node walk (walk.ts, needles.ts). One place decides, for scanTree() and for the CLI's
// early start of ripgrep (server/cli/early-start.ts), so both always make the same run.
import { isAbsolute, relative } from 'node:path';
import { ENTRY_NAMES, exactNeedles } from './needles.js';
import { findRipgrep, type RipgrepPlan } from './ripgrep.js';
import type { Roots } from './walk.js';

/** 'auto': ripgrep when on PATH (PINSIGHT_PREFILTER picks one for benchmarks and tests). */
export type Prefilter = 'auto' | 'rg' | 'node';

export function envPrefilter(): Prefilter {
  const value = process.env.PINSIGHT_PREFILTER;
  return value === 'rg' || value === 'node' ? value : 'auto';
}

/** The ripgrep run a scan of `roots` makes, or undefined when the Node walk lists the files. */
export function planRipgrep(roots: Roots, prefilter: Prefilter): RipgrepPlan | undefined {
  if (prefilter === 'node' || !ripgrepFits(roots)) return undefined;
  const rg = findRipgrep();
  return rg ? { rg, dirs: roots.dirs, needles: exactNeedles(ENTRY_NAMES) } : undefined;
}

/** The plain path's file set is a set: rg must not see a file twice, under two roots. */
function ripgrepFits(roots: Roots): boolean {
  const inside = (path: string, dir: string) => {
    const rel = relative(dir, path);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  if (roots.dirs.length === 0) return false;
  return roots.dirs.every((d, i) => roots.dirs.every((e, j) => i === j || !inside(d, e))) && roots.files.every((f) => roots.dirs.every((d) => !inside(f, d)));
}
