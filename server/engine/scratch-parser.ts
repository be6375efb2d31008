// A second tree-sitter parser for the engine's own needs (macro values, checking a fix's result),
// created synchronously: a Tree handed to the engine proves tree-sitter is initialised.
import { Parser, type Language, type Tree } from 'web-tree-sitter';
import type { SyntaxNode } from './syntax.js';
import { thinCommentRuns } from './comment-runs.js';

let parser: Parser | undefined;
let parserLanguage: Language | undefined;

export function scratchParse(language: Language, text: string): Tree | undefined {
  if (!parser || parserLanguage !== language) {
    parser = new Parser();
    parser.setLanguage(language);
    parserLanguage = language;
  }
  return parser.parse(thinCommentRuns(text)) ?? undefined;
}

/** ERROR and MISSING nodes in a tree: what a fix must never add to. */
export function countParseErrors(root: SyntaxNode): number {
  if (!root.hasError) return 0;
  let count = 0;
  const cursor = root.walk();
  for (;;) {
    const node = cursor.currentNode;
    if (node.type === 'ERROR' || node.isMissing) count++;
    if (node.hasError && cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        cursor.delete();
        return count;
      }
    }
  }
}
