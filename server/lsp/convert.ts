// Engine positions (0-based rows, UTF-16 columns) to LSP positions and back: the same numbers
// under other names.
import { DiagnosticSeverity, type Position as LspPosition, type Range as LspRange } from 'vscode-languageserver';
import type { Position, Range, Severity } from '../engine/types.js';

export function toLspPosition(p: Position): LspPosition {
  return { line: p.row, character: p.column };
}

export function toLspRange(r: Range): LspRange {
  return { start: toLspPosition(r.start), end: toLspPosition(r.end) };
}

export function fromLspPosition(p: LspPosition): Position {
  return { row: p.line, column: p.character };
}

export function fromLspRange(r: LspRange): Range {
  return { start: fromLspPosition(r.start), end: fromLspPosition(r.end) };
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspSeverity(s: Severity): DiagnosticSeverity {
  return SEVERITY[s];
}

/** Position order: negative when a is before b. */
export function comparePositions(a: Position, b: Position): number {
  return a.row - b.row || a.column - b.column;
}

/** True when `p` lies in `r`, both ends included (a hover at the end of a word still counts). */
export function rangeContains(r: Range, p: Position): boolean {
  return comparePositions(r.start, p) <= 0 && comparePositions(p, r.end) <= 0;
}

/** True when the ranges share at least one position (touching counts). */
export function rangesOverlap(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.end) <= 0 && comparePositions(b.start, a.end) <= 0;
}
