// textDocument/hover: a GUP/PUP call gets the call hover (flag sets, verdicts, trace); any other
// documented kernel name gets its version-aware documentation.
import type { Hover, Position } from 'vscode-languageserver';
import type { CallSite, Finding, Range } from '../engine/types.js';
import { describeSymbol } from '../knowledge/index.js';
import { kernelNote, type Analyzer } from './analysis.js';
import { callContaining, callNamedAt } from './call-at.js';
import { fromLspPosition } from './convert.js';
import type { OpenDocument } from './document-store.js';
import { callHover } from './hover-call.js';
import { symbolAt, symbolHover } from './hover-symbol.js';
import { isFastEntryPoint, isPinningEntryPoint, simulatePins } from './simulation.js';

/** The findings about `call`: inside its range, or naming it in their related information. */
export function findingsOnCall(findings: readonly Finding[], call: CallSite): Finding[] {
  const same = (a: Range, b: Range) => a.start.row === b.start.row && a.start.column === b.start.column && a.end.row === b.end.row && a.end.column === b.end.column;
  const before = (a: Range['start'], b: Range['start']) => a.row < b.row || (a.row === b.row && a.column <= b.column);
  const inside = (r: Range) => before(call.range.start, r.start) && before(r.end, call.range.end);
  return findings.filter((f) => inside(f.range) || f.related.some((r) => same(r.range, call.range)));
}

export function hoverAt(doc: OpenDocument, position: Position, analyzer: Analyzer): Hover | null {
  const target = analyzer.targetKernel(doc.path);
  const note = kernelNote(target);
  const p = fromLspPosition(position);
  const { calls, findings } = analyzer.analyze(doc);
  const word = symbolAt(doc.document, position);
  // On the callee's name, or inside the call's parentheses but not on a documented name (a flag).
  const call = callNamedAt(calls, p) ?? (word && describeSymbol(word.word, target.kernel) ? undefined : callContaining(calls, p));
  if (call) {
    return callHover({
      call,
      kernel: target.kernel,
      kernelNote: note,
      fast: isFastEntryPoint(call.callee, target.kernel),
      pins: isPinningEntryPoint(call.callee, target.kernel),
      simulate: simulatePins,
      findings: findingsOnCall(findings, call),
    });
  }
  return symbolHover(doc.document, position, target.kernel, note);
}
