// Tree-sitter points (row, column) for offsets into a JavaScript string, and the tree edit that
// describes replacing a range: what an incremental re-parse needs, in the server (a keystroke) and
// in the engine (checking a fix). Offsets and columns are UTF-16 code units, as web-tree-sitter
// indexes strings; only \n ends a row (tree-sitter's convention).
import type { Edit } from 'web-tree-sitter';

export interface Point {
  row: number;
  column: number;
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

/** The edit that replaces [startIndex, oldEndIndex) (at those points) with `newText`. */
export function replacementEdit(startIndex: number, oldEndIndex: number, startPosition: Point, oldEndPosition: Point, newText: string): Edit {
  return {
    startIndex,
    oldEndIndex,
    newEndIndex: startIndex + newText.length,
    startPosition,
    oldEndPosition,
    newEndPosition: endOfInsertedText(startPosition, newText),
  };
}
