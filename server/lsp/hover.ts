// textDocument/hover: a GUP/PUP call gets the call hover (flag sets, verdicts, trace); any other
// documented kernel name gets its version-aware documentation.
import type { Hover, Position } from 'vscode-languageserver';
import { describeSymbol } from '../knowledge/index.js';
import { kernelNote, type Analyzer } from './analysis.js';
import { callContaining, callNamedAt } from './call-at.js';
import { fromLspPosition } from './convert.js';
import type { OpenDocument } from './document-store.js';
import { callHover } from './hover-call.js';
import { symbolAt, symbolHover } from './hover-symbol.js';
import { isFastEntryPoint, isPinningEntryPoint, simulatePins } from './simulation.js';

export function hoverAt(doc: OpenDocument, position: Position, analyzer: Analyzer): Hover | null {
  const target = analyzer.targetKernel(doc.path);
  const note = kernelNote(target);
  const p = fromLspPosition(position);
  const { calls } = analyzer.analyze(doc);
  const word = symbolAt(doc.document, position);
  // On the callee's name, or inside the call's parentheses but not on a documented name (a flag).
  const call = callNamedAt(calls, p) ?? (word && describeSymbol(word.word, target.kernel) ? undefined : callContaining(calls, p));
  if (call) {
    return callHover({ call, kernel: target.kernel, kernelNote: note, fast: isFastEntryPoint(call.callee, target.kernel), pins: isPinningEntryPoint(call.callee, target.kernel), simulate: simulatePins });
  }
  return symbolHover(doc.document, position, target.kernel, note);
}
