// Turns one LSP content change into the tree-sitter edit that describes it, so the old tree can be
// edited and handed to the parser for an incremental re-parse. Offsets and columns are UTF-16 code
// units on both sides (web-tree-sitter indexes JavaScript strings that way). Rows follow
// tree-sitter's convention: only \n ends a row (LSP also breaks lines at a lone \r).
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Edit } from '../engine/parser.js';
import { pointAt, replacementEdit } from '../engine/tree-points.js';

export { endOfInsertedText, pointAt, type Point } from '../engine/tree-points.js';

export interface RangeChange {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  text: string;
}

/** The edit for `change` applied to `before` (the document as it is before the change). */
export function treeEditFor(before: TextDocument, change: RangeChange): Edit {
  const text = before.getText();
  // offsetAt clamps a position past the end, as TextDocument.update does when applying it.
  // TextDocument.update swaps an inverted range (start after end), so the edit must too.
  const [startIndex, oldEndIndex] = [before.offsetAt(change.range.start), before.offsetAt(change.range.end)].sort((a, b) => a - b) as [number, number];
  return replacementEdit(startIndex, oldEndIndex, pointAt(text, startIndex), pointAt(text, oldEndIndex), change.text);
}
