// A finding's fingerprint: the same while lines shift around it, so SARIF alerts and baselines
// follow the code, not the line number. Built from the code, the enclosing function, the finding's
// source line(s) with whitespace and comments normalised away, and its index among findings with
// the same three (two identical calls in one function stay two). The file is not in it: the views
// add the path relative to where they run (server/project/baseline.ts).
import { createHash } from 'node:crypto';
import type { TextIndex } from './edits.js';
import { enclosingFunction, functionName, type SyntaxNode } from './syntax.js';
import type { Finding } from './types.js';

export function fingerprintFindings(findings: Finding[], root: SyntaxNode, index: TextIndex): void {
  const seen = new Map<string, number>();
  for (const finding of findings) {
    const offset = index.offsetAt(finding.range.start);
    const node = root.descendantForIndex(offset, offset);
    const fn = node ? enclosingFunction(node) : undefined;
    const key = [finding.code, (fn && functionName(fn)) ?? '', normalisedLines(index, finding)].join('\0');
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    finding.fingerprint = createHash('sha256').update(`${key}\0${occurrence}`).digest('hex').slice(0, 32);
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
