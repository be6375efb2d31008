// The analysis the project index asks of a file: in round 0 (the wrappers of entry points) what the
// whole-tree scan reads of it, its slice and its macros apart (server/scan/analyze-source.ts), so
// indexing a kernel tree parses what a scan parses; in later rounds (calls through wrappers) the
// whole file with the table so far.
import { analyzeFile } from '../engine/index.js';
import type { CParser } from '../engine/parser.js';
import type { KernelRange } from '../engine/types.js';
import { SourceAnalyzer } from '../scan/analyze-source.js';
import type { AnalyseForIndex } from './build.js';

export function indexAnalysis(parser: CParser, kernelOf: (path: string) => string, kernels?: KernelRange): AnalyseForIndex {
  const sliced = new Map<string, SourceAnalyzer>();
  return (path, text, wrappers, round) => {
    const kernel = kernelOf(path);
    if (round === 0) {
      const analyzer = sliced.get(kernel) ?? sliced.set(kernel, new SourceAnalyzer(parser, kernel, true, undefined, kernels)).get(kernel)!;
      return analyzer.analyzeText(path, text) ?? { calls: [], findings: [] };
    }
    return analyzeFile(parser, path, text, { kernel, kernels, wrappers, collectWrappers: true });
  };
}
