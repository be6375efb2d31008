// An index's files on disk: the same files a scan reads (every .c and .h under the directories,
// and the files named), searched for the names with ripgrep when it is on PATH, else walked and
// searched in Node; read only as regular files, up to a size cap (server/engine/safe-read.ts).
import { readRegularFile } from '../engine/safe-read.js';
import { exactNeedles, NeedleSearch } from '../scan/needles.js';
import { findRipgrep, ripgrepCandidates } from '../scan/ripgrep.js';
import { walkDirectories } from '../scan/walk.js';
import { indexProject, nextTurn, type AnalyseForIndex, type IndexSources } from './build.js';
import type { CallSite } from '../engine/types.js';
import type { WrapperTable } from '../engine/wrappers.js';
import { ProjectIndex } from './project-index.js';

/** A file larger than this is not read for the index (the scan's own limit is the engine's). */
export const MAX_INDEXED_BYTES = 64 * 1024 * 1024;

export interface TreeSourceOptions {
  dirs: readonly string[];
  files: readonly string[];
  /** false: always walk in Node (tests, PINSIGHT_PREFILTER=node). */
  ripgrep?: boolean;
}

export function treeSources(options: TreeSourceOptions): IndexSources {
  const rg = options.ripgrep === false || process.env.PINSIGHT_PREFILTER === 'node' ? undefined : findRipgrep();
  return {
    async list(names) {
      const found = new Set<string>();
      const search = new NeedleSearch(names);
      const test = (path: string) => {
        const bytes = readRegularFile(path, { maxBytes: MAX_INDEXED_BYTES }).bytes;
        if (bytes && search.matches(bytes)) found.add(path);
      };
      for (const f of options.files) test(f);
      if (options.dirs.length > 0) {
        if (rg) {
          try {
            await ripgrepCandidates(rg, options.dirs, exactNeedles(names), (p) => found.add(p));
            return [...found].sort();
          } catch {
            // rg failed: walk instead (a file listed twice is kept once)
          }
        }
        await walkDirectories(options.dirs, (batch) => batch.forEach(test));
      }
      return [...found].sort();
    },
    read: readTextForIndex,
  };
}

/** A file's text for the index: a regular file up to MAX_INDEXED_BYTES, else undefined. */
export function readTextForIndex(path: string): string | undefined {
  return readRegularFile(path, { maxBytes: MAX_INDEXED_BYTES }).bytes?.toString('utf8');
}

/**
 * The project index of a tree from scratch (the plain scan, the editor's workspace): the files that
 * name an entry point under the roots and `includeDirs`, then the callers of what they define.
 */
export async function indexTree(
  roots: { dirs: readonly string[]; files: readonly string[] },
  includeDirs: readonly string[],
  analyse: AnalyseForIndex,
  index = new ProjectIndex(),
): Promise<{ index: ProjectIndex; callers: Set<string> }> {
  const sources = treeSources({ dirs: [...roots.dirs, ...includeDirs], files: roots.files });
  const callers = await indexProject(index, sources, analyse);
  return { index, callers };
}

/**
 * Records the calls each of `callers` makes through the finished table (read from disk), so that a
 * wrapper function's parameter is followed into them. Yields between files.
 */
export async function recordCallerCalls(
  index: ProjectIndex,
  callers: Iterable<string>,
  analyse: (path: string, text: string, wrappers: WrapperTable) => { calls: readonly CallSite[] },
): Promise<void> {
  for (const path of callers) {
    const text = readTextForIndex(path);
    if (text !== undefined) index.setCalls(path, analyse(path, text, index.table).calls);
    await nextTurn();
  }
}
