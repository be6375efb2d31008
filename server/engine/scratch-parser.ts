// A second tree-sitter parser for the engine's own needs (macro values, checking a fix's result),
// created synchronously: a Tree handed to the engine proves tree-sitter is initialised.
import { Parser, type Language, type Tree } from 'web-tree-sitter';
import type { SyntaxNode } from './syntax.js';
import { thinCommentRuns } from './comment-runs.js';
import type { OffsetEdit, TextIndex } from './edits.js';
import { replacementEdit } from './tree-points.js';

let parser: Parser | undefined;
let parserLanguage: Language | undefined;

function scratchParser(language: Language): Parser {
  if (!parser || parserLanguage !== language) {
    parser = new Parser();
    parser.setLanguage(language);
    parserLanguage = language;
  }
  return parser;
}

export function scratchParse(language: Language, text: string): Tree | undefined {
  return scratchParser(language).parse(thinCommentRuns(text)) ?? undefined;
}

/**
 * `candidate`, which is `index.text` with `edits` applied, parsed incrementally from `tree` (the
 * parse of `index.text`): only what the edits touch is parsed again. A fix is checked this way, so
 * checking the fixes of a file costs each one its own few lines, not a parse of the whole file
 * (a 20 MB file with hundreds of FOLL_FORCE calls spent 22 of its 26 s re-parsing itself).
 */
export function scratchReparse(tree: Tree, index: TextIndex, candidate: string, edits: readonly OffsetEdit[]): Tree | undefined {
  const old = tree.copy();
  try {
    // From the end backwards, so each edit's offsets and points are still those of index.text.
    for (const e of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) {
      old.edit(replacementEdit(e.start, e.end, index.positionAt(e.start), index.positionAt(e.end), e.newText));
    }
    return scratchParser(tree.language).parse(thinCommentRuns(candidate), old) ?? undefined;
  } finally {
    old.delete();
  }
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
