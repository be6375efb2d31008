// One file, from text to analysis, for whole-tree scans: a byte search first (most files of a
// kernel tree name no entry point and are never parsed), then a parse and analyzeTree. Reads
// nothing itself, so a scan can run it in a worker.
import { analyzeTree, type AnalyzeOptions } from './analyze.js';
import { ENTRY_POINT_NAMES } from './call-sites.js';
import type { CParser } from './parser.js';
import type { FileAnalysis } from './types.js';

const MENTION = new RegExp(`\\b(?:${[...ENTRY_POINT_NAMES].sort((a, b) => b.length - a.length).join('|')})\\s*\\(`);

/** Whether the text can hold a call of an entry point (a cheap test before parsing). */
export function mentionsEntryPoint(text: string): boolean {
  return MENTION.test(text);
}

export function analyzeFile(parser: CParser, path: string, text: string, options: AnalyzeOptions): FileAnalysis {
  if (!mentionsEntryPoint(text)) return { calls: [], findings: [], kernel: options.kernel };
  const tree = parser.parse(text);
  try {
    return analyzeTree(text, tree, { ...options, path });
  } finally {
    tree.delete();
  }
}
