// Inline suppressions: a comment `/* pinsight: ignore[code1,code2] reason */` (or `// pinsight:
// ignore[code] reason`) on a finding's line or the line before it, or on the first line of the call
// that holds the finding or the line before that, silences those codes there. A reason is required:
// a comment without one does not apply, and the finding says so (`ignoredSuppression`), so an
// unexplained ignore never hides anything.
import type { CallSite, Finding, Range } from './types.js';

export interface SuppressionComment {
  /** 0-based rows of the comment's first and last line. */
  startRow: number;
  endRow: number;
  codes: string[];
  /** The text after the `]`, trimmed; '' when none was given. */
  reason: string;
}

// `pinsight: ignore[...]` inside a block or line comment; the reason runs to `*/` or the line's end.
const MARKER = /pinsight:\s*ignore\[([^\]\n]*)\]([^\n]*)/g;

/** Every `pinsight: ignore[...]` comment in a text. Cheap when there is none (one indexOf). */
export function findSuppressionComments(text: string): SuppressionComment[] {
  if (!text.includes('pinsight:')) return [];
  const found: SuppressionComment[] = [];
  for (const match of text.matchAll(MARKER)) {
    const at = match.index!;
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    const before = text.slice(lineStart, at);
    // Only in a comment: `//` or an unclosed `/*` earlier on the same line (a block comment that
    // starts on an earlier line is allowed for the marker's own line via the leading `*`).
    const inLine = before.includes('//');
    const inBlock = before.lastIndexOf('/*') > before.lastIndexOf('*/') || /^\s*\*/.test(before);
    if (!inLine && !inBlock) continue;
    let reason = match[2]!;
    const close = reason.indexOf('*/');
    if (close >= 0) reason = reason.slice(0, close);
    const row = countRows(text, at);
    found.push({
      startRow: row,
      endRow: row,
      codes: match[1]!.split(',').map((c) => c.trim()).filter((c) => c.length > 0),
      reason: reason.trim(),
    });
  }
  return found;
}

function countRows(text: string, offset: number): number {
  let rows = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) rows++;
  return rows;
}

/** The rows a suppression comment may sit on for a finding: its line, the call's first line, and the line before each. */
export function suppressionRows(finding: Pick<Finding, 'range'>, calls: readonly Pick<CallSite, 'callRange'>[]): Set<number> {
  const row = finding.range.start.row;
  const rows = new Set([row, row - 1]);
  const call = calls.find((c) => within(finding.range, c.callRange));
  if (call) rows.add(call.callRange.start.row).add(call.callRange.start.row - 1);
  return rows;
}

function within(inner: Range, outer: Range): boolean {
  const le = (a: Range['start'], b: Range['start']) => a.row < b.row || (a.row === b.row && a.column <= b.column);
  return le(outer.start, inner.start) && le(inner.end, outer.end);
}

/**
 * Marks each finding an inline comment suppresses (`suppressed: { kind: 'inline', reason, line }`),
 * and each one a comment without a reason would have (`ignoredSuppression`). Returns the findings.
 */
export function applyInlineSuppressions(findings: Finding[], calls: readonly CallSite[], text: string): Finding[] {
  if (findings.length === 0) return findings;
  const comments = findSuppressionComments(text);
  if (comments.length === 0) return findings;
  for (const finding of findings) {
    const rows = suppressionRows(finding, calls);
    const matching = comments.filter((c) => (rows.has(c.endRow) || rows.has(c.startRow)) && c.codes.includes(finding.code));
    const applied = matching.find((c) => c.reason.length > 0);
    if (applied) finding.suppressed = { kind: 'inline', reason: applied.reason, line: applied.startRow + 1 };
    else if (matching.length > 0) {
      finding.ignoredSuppression = {
        line: matching[0]!.startRow + 1,
        message: `pinsight: ignore[${finding.code}] on line ${matching[0]!.startRow + 1} has no reason, so it does not apply: say why after the ]`,
      };
    }
  }
  return findings;
}
