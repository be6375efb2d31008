// Text positions and the one place edits are applied (the CLI's --fix and the tests).
// Offsets, rows and columns are in UTF-16 code units, like JavaScript strings, tree-sitter's
// web binding and LSP.
import type { Position, Range, TextEdit } from './types.js';

/** The offset of each line's first character (only \n ends a line). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Converts between offsets and row/column positions of one text. */
export class TextIndex {
  private starts: number[] | undefined;

  constructor(readonly text: string) {}

  /** Offsets of the lines, found on first use (a file whose calls have no finding may never ask). */
  private get lineStarts(): number[] {
    return (this.starts ??= lineStarts(this.text));
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: o - this.lineStarts[lo]! };
  }

  offsetAt(position: Position): number {
    if (position.row >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[Math.max(0, position.row)]!;
    const next = position.row + 1 < this.lineStarts.length ? this.lineStarts[position.row + 1]! : this.text.length + 1;
    return Math.min(start + Math.max(0, position.column), next - 1, this.text.length);
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** The text of the line that holds `offset`, trimmed. */
  lineAt(offset: number): string {
    const row = this.positionAt(offset).row;
    const start = this.lineStarts[row]!;
    const end = row + 1 < this.lineStarts.length ? this.lineStarts[row + 1]! - 1 : this.text.length;
    return this.text.slice(start, end).trim();
  }
}

/** An edit by offsets, turned into a TextEdit once the engine is done. */
export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

export function toTextEdits(index: TextIndex, edits: readonly OffsetEdit[]): TextEdit[] {
  return edits.map((e) => ({ range: index.range(e.start, e.end), newText: e.newText }));
}

/**
 * Applies non-overlapping edits to `text` (ranges refer to the original text). Identical duplicate
 * edits (two findings proposing the same change) are applied once; overlapping different edits are
 * an error, because applying both could not be what either fix meant.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const index = new TextIndex(text);
  const byOffset = edits
    .map((e) => ({ start: index.offsetAt(e.range.start), end: index.offsetAt(e.range.end), newText: e.newText }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const unique: OffsetEdit[] = [];
  for (const e of byOffset) {
    const last = unique[unique.length - 1];
    if (last && last.start === e.start && last.end === e.end && last.newText === e.newText) continue;
    if (last && e.start < last.end) throw new Error(`overlapping edits at offset ${e.start}`);
    unique.push(e);
  }
  let out = '';
  let at = 0;
  for (const e of unique) {
    out += text.slice(at, e.start) + e.newText;
    at = e.end;
  }
  return out + text.slice(at);
}

/** Applies offset edits; undefined when two of them overlap (the fix would be ambiguous). */
export function applyOffsetEdits(text: string, edits: readonly OffsetEdit[]): string | undefined {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    if (e.start < at) return undefined;
    out += text.slice(at, e.start) + e.newText;
    at = e.end;
  }
  return out + text.slice(at);
}
