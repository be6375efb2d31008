// One file, from text to analysis, for whole-tree scans: a byte search first (most files of a
// kernel tree name no entry point and are never parsed), then a parse and analyzeTree. Reads
// nothing itself, so a scan can run it in a worker.
import { analyzeTree, type AnalyzeOptions } from './analyze.js';
import { mentionsEntryPoint } from './call-sites.js';
import type { CParser } from './parser.js';
import type { FileAnalysis } from './types.js';
import { mentionsWrapper } from './wrappers.js';

export { mentionsEntryPoint };

export function analyzeFile(parser: CParser, path: string, text: string, options: AnalyzeOptions): FileAnalysis {
  if (!mentionsEntryPoint(text) && !mentionsWrapper(text, options.wrappers, options.collectWrappers)) return { calls: [], findings: [], kernel: options.kernel };
  const tree = parser.parse(text);
  try {
    return analyzeTree(text, tree, { ...options, path });
  } finally {
    tree.delete();
  }
}
