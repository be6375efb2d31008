// Turns one LSP content change into the tree-sitter edit that describes it, so the old tree can be
// edited and handed to the parser for an incremental re-parse. Offsets and columns are UTF-16 code
// units on both sides (web-tree-sitter indexes JavaScript strings that way). Rows follow
// tree-sitter's convention: only \n ends a row (LSP also breaks lines at a lone \r).
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Edit } from '../engine/parser.js';

export interface RangeChange {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  text: string;
}

export interface Point {
  row: number;
  column: number;
}

/** The edit for `change` applied to `before` (the document as it is before the change). */
export function treeEditFor(before: TextDocument, change: RangeChange): Edit {
  const text = before.getText();
  // offsetAt clamps a position past the end, as TextDocument.update does when applying it.
  // TextDocument.update swaps an inverted range (start after end), so the edit must too.
  const [startIndex, oldEndIndex] = [before.offsetAt(change.range.start), before.offsetAt(change.range.end)].sort((a, b) => a - b) as [number, number];
  const startPosition = pointAt(text, startIndex);
  return {
    startIndex,
    oldEndIndex,
    newEndIndex: startIndex + change.text.length,
    startPosition,
    oldEndPosition: pointAt(text, oldEndIndex),
    newEndPosition: endOfInsertedText(startPosition, change.text),
  };
}

/** Tree-sitter's point for a UTF-16 offset. */
export function pointAt(text: string, offset: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

/** Where text inserted at `start` ends, in tree-sitter's points. */
export function endOfInsertedText(start: Point, text: string): Point {
  const last = text.lastIndexOf('\n');
  if (last === -1) return { row: start.row, column: start.column + text.length };
  let rows = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) rows++;
  return { row: start.row + rows, column: text.length - last - 1 };
}
