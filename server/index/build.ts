// Building a project index from files: the files that name an entry point are analysed for the
// wrappers they define (round 0), then the files that name a wrapper found so far, for wrappers of
// wrappers, until a round finds no new name or MAX_WRAPPER_DEPTH rounds have run. The files that
// call a wrapper are returned: their calls go through it, and the caller analyses them again with
// the finished table.
import { mentionsEntryPoint } from '../engine/index.js';
import type { FileAnalysis } from '../engine/types.js';
import { mentionsWrapper, type WrapperTable } from '../engine/wrappers.js';
import { ENTRY_NAMES } from '../scan/needles.js';
import { MAX_WRAPPER_DEPTH, type ProjectIndex } from './project-index.js';

/** Where an index's files come from: a tree on disk (tree-sources.ts) or texts in memory. */
export interface IndexSources {
  /** The files that contain one of `names` (a byte search: a superset of the files that call one). */
  list(names: readonly string[]): Promise<string[]>;
  /** The file's text, or undefined when it cannot be read (it is then left out). */
  read(path: string): string | undefined;
}

/**
 * A file's analysis with the table so far, asking for the wrappers it defines. Round 0 needs no
 * table (the wrappers of entry points), so it may analyse only what the engine reads (a slice).
 */
export type AnalyseForIndex = (path: string, text: string, wrappers: WrapperTable, round: number) => Pick<FileAnalysis, 'calls' | 'findings' | 'wrappers'>;

export interface IndexRounds {
  /** Round 0's files (definers of wrappers of entry points); none when the index is already seeded with them. */
  definers?: IndexSources;
}

/** Fills `index`; resolves to the paths that name a wrapper (the calls through one). */
export async function indexProject(index: ProjectIndex, sources: IndexSources, analyse: AnalyseForIndex, rounds: IndexRounds = { definers: sources }): Promise<Set<string>> {
  if (rounds.definers) {
    for (const path of await rounds.definers.list(ENTRY_NAMES)) {
      const text = rounds.definers.read(path);
      // Aliases (`#define DRV_PIN pin_user_pages`) name an entry point without calling it.
      if (text !== undefined && (mentionsEntryPoint(text) || mentionsWrapper(text, undefined, true))) index.set(path, analyse(path, text, index.table, 0).wrappers);
      await nextTurn();
    }
  }
  const callers = new Set<string>();
  const searched = new Set<string>();
  for (let round = 1; round <= MAX_WRAPPER_DEPTH; round++) {
    const fresh = index.names().filter((n) => !searched.has(n));
    if (fresh.length === 0) break;
    for (const n of fresh) searched.add(n);
    for (const path of await sources.list(fresh)) {
      // A file calls its own wrappers as functions of its own (the flag flow follows those): it is
      // a caller only of what other files define.
      if (!index.definedOutside(path)) continue;
      const text = sources.read(path);
      if (text === undefined || !mentionsWrapper(text, index.table)) continue;
      callers.add(path);
      index.set(path, analyse(path, text, index.table, round).wrappers);
      await nextTurn();
    }
  }
  return callers;
}

/** Lets queued work run between files (the language server answers requests while it indexes). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Sources held in memory (the editor's open documents, tests). */
export function memorySources(texts: readonly { path: string; text: string }[]): IndexSources {
  const byPath = new Map(texts.map((t) => [t.path, t.text]));
  return {
    list: async (names) => texts.filter((t) => names.some((n) => t.text.includes(n))).map((t) => t.path),
    read: (path) => byPath.get(path),
  };
}
