// pinsight's own requests, used by the VS Code client (and usable from any editor); their shapes
// are protocol/requests.ts:
// - pinsight/targetKernel: which kernel a file is analysed for, and why (the status-bar item);
// - pinsight/simulate: sim-core's outcomes for the call at the cursor (the simulation view), after
//   the steps the view asks for (`then`, sim-core's THEN_STEPS; a process write by default).
import type { Position } from 'vscode-languageserver';
import type { SimulateMethod, SimulateResult, TargetKernelMethod } from '../../protocol/requests.js';
import { kernelNote, type Analyzer } from './analysis.js';
import { callForCursor } from './call-at.js';
import { fromLspPosition, toLspRange } from './convert.js';
import type { OpenDocument } from './document-store.js';
import { allFlags } from './hover-call.js';
import { DEFAULT_STEPS, SIMULATION_STEPS, isFastEntryPoint, isPinningEntryPoint, simulatePins } from './simulation.js';

export const TARGET_KERNEL_REQUEST: TargetKernelMethod = 'pinsight/targetKernel';
export const SIMULATE_REQUEST: SimulateMethod = 'pinsight/simulate';

/** The simulation for the call at (or nearest to) `position`; null when the file has no GUP call. */
export function simulateAt(doc: OpenDocument, position: Position, analyzer: Analyzer, then: readonly string[] = DEFAULT_STEPS): SimulateResult | null {
  const target = analyzer.targetKernel(doc.path);
  const call = callForCursor(analyzer.analyze(doc).calls, fromLspPosition(position));
  if (!call) return null;
  const fast = isFastEntryPoint(call.callee, target.kernel);
  const pins = isPinningEntryPoint(call.callee, target.kernel);
  return {
    kernel: target.kernel,
    note: kernelNote(target),
    callee: call.callee,
    fast,
    range: toLspRange(call.callRange),
    flagSets: call.flagSets.map((set) => {
      const flags = allFlags(set, call.impliedFlags);
      const sim = simulatePins({ callee: call.callee, callerFlags: set.flags, pins, fast, then }, target.kernel);
      return { flags, callerFlags: set.flags, path: set.path, outcomes: sim.outcomes, ignoredFlags: sim.ignoredFlags };
    }),
    then: [...then],
    steps: SIMULATION_STEPS.map((s) => ({ ...s })),
  };
}
