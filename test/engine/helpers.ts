// Shared by the engine's tests: analyse a snippet, apply a finding's preferred fix.
import { loadCParser } from '../../server/engine/parser.js';
import { analyzeTree, applyEdits } from '../../server/engine/index.js';
import type { FileAnalysis, FlagSet } from '../../server/engine/types.js';

export async function analyze(text: string, kernel = '6.1', codes?: string[]): Promise<FileAnalysis> {
  const parser = await loadCParser();
  const tree = parser.parse(text);
  try {
    return analyzeTree(text, tree, { kernel, enabled: codes ? (c) => codes.includes(c) : undefined });
  } finally {
    tree.delete();
  }
}

/** "FOLL_A|FOLL_B ?unknown @path" for one flag set; "(none)" for 0. */
export function describeSet(set: FlagSet, withPath: boolean): string {
  const flags = set.flags.length ? set.flags.join('|') : '(none)';
  const unknown = set.unknown.map((u) => ` ?${u}`).join('');
  return `${flags}${unknown}${withPath && set.path ? ` @ ${set.path}` : ''}`;
}

/** The text after applying the preferred fix of every finding of `code`, once. */
export async function fixed(text: string, code: string, kernel = '6.1'): Promise<string> {
  const analysis = await analyze(text, kernel, [code]);
  const edits = analysis.findings.flatMap((f) => f.fixes.find((x) => x.preferred)?.edits ?? []);
  return applyEdits(text, edits);
}

/** The parse-error count of a text, for "a fix never adds a parse error". */
export async function parseErrors(text: string): Promise<number> {
  const parser = await loadCParser();
  const tree = parser.parse(text);
  try {
    let count = 0;
    const visit = (n: import('../../server/engine/parser.js').SyntaxNode) => {
      if (n.type === 'ERROR' || n.isMissing) count++;
      if (n.hasError) for (const c of n.children) if (c) visit(c);
    };
    visit(tree.rootNode);
    return count;
  } finally {
    tree.delete();
  }
}
