// A finding's fingerprint: the same while lines shift around it, so SARIF alerts and baselines
// follow the code, not the line number. Built from the code, the enclosing function, the finding's
// source line(s) with whitespace and comments normalised away, and its index among findings with
// the same three (two identical calls in one function stay two). The file is not in it: the views
// add the path relative to where they run (server/project/baseline.ts).
import { createHash } from 'node:crypto';
import type { TextIndex } from './edits.js';
import { enclosingFunction, functionName, type SyntaxNode } from './syntax.js';
import type { Finding } from './types.js';

/** `onKey` hears each finding's key: one who analyses a file in parts numbers them again across the parts (renumberFingerprints). */
export function fingerprintFindings(findings: Finding[], root: SyntaxNode, index: TextIndex, onKey?: (finding: Finding, key: string) => void): void {
  const seen = new Map<string, number>();
  for (const finding of findings) {
    const offset = index.offsetAt(finding.range.start);
    const node = root.descendantForIndex(offset, offset);
    const fn = node ? enclosingFunction(node) : undefined;
    const key = [finding.code, (fn && functionName(fn)) ?? '', normalisedLines(index, finding)].join('\0');
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    finding.fingerprint = fingerprintOf(key, occurrence);
    onKey?.(finding, key);
  }
}

function fingerprintOf(key: string, occurrence: number): string {
  return createHash('sha256').update(`${key}\0${occurrence}`).digest('hex').slice(0, 32);
}

/**
 * Fingerprints for the findings of one file analysed in parts (each part numbered its findings from
 * 0): `findings` in the file's order, `keys` as fingerprintFindings told them.
 */
export function renumberFingerprints(findings: readonly Finding[], keys: ReadonlyMap<Finding, string>): void {
  const seen = new Map<string, number>();
  for (const finding of findings) {
    const key = keys.get(finding);
    if (key === undefined) continue;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    if (occurrence > 0) finding.fingerprint = fingerprintOf(key, occurrence);
  }
}

/** The finding's lines, comments dropped and whitespace collapsed. */
function normalisedLines(index: TextIndex, finding: Finding): string {
  const start = index.offsetAt({ row: finding.range.start.row, column: 0 });
  const endRow = finding.range.end.row;
  const next = index.offsetAt({ row: endRow + 1, column: 0 });
  const end = next > start && index.text[next - 1] === '\n' ? next - 1 : next;
  return index.text
    .slice(start, end)
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/.*$/gm, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
