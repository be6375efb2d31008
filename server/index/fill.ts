// Filling a project index from source texts: every text that can define a wrapper is analysed with
// AnalyzeOptions.collectWrappers, and again while new wrapper names appear (a file that calls a
// wrapper may define a wrapper of it), at most MAX_WRAPPER_DEPTH rounds.
import { analyzeFile, mentionsEntryPoint } from '../engine/index.js';
import type { CParser } from '../engine/parser.js';
import { mentionsWrapper, wrapperTable } from '../engine/wrappers.js';
import { MAX_WRAPPER_DEPTH, type ProjectIndex } from './project-index.js';

export interface SourceText {
  path: string;
  text: string;
}

/** Adds the wrappers `sources` define to `index`; returns the paths that call a wrapper. */
export function fillIndex(index: ProjectIndex, sources: readonly SourceText[], parser: CParser, kernel: string): Set<string> {
  const callers = new Set<string>();
  let fresh: string[] | undefined; // wrapper names found in the last round (all texts in the first)
  for (let round = 0; round <= MAX_WRAPPER_DEPTH; round++) {
    const before = new Set(index.names());
    const newNames = fresh && wrapperTable(fresh.flatMap((n) => index.table.get(n) ?? []));
    for (const source of sources) {
      const candidate = newNames ? mentionsWrapper(source.text, newNames) : mentionsEntryPoint(source.text) || mentionsWrapper(source.text, undefined, true);
      if (!candidate) continue;
      if (newNames) callers.add(source.path);
      const analysis = analyzeFile(parser, source.path, source.text, { kernel, wrappers: index.table, collectWrappers: true });
      index.set(source.path, analysis.wrappers);
    }
    fresh = index.names().filter((n) => !before.has(n));
    if (fresh.length === 0) break;
  }
  return callers;
}
