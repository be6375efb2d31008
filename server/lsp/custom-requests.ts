// pinsight's own requests, used by the VS Code client (and usable from any editor):
// - pinsight/targetKernel: which kernel a file is analysed for, and why (the status-bar item);
// - pinsight/simulate: sim-core's outcomes for the call at the cursor (the simulation view), after
//   the steps the view asks for (`then`, sim-core's THEN_STEPS; a process write by default).
import type { Position } from 'vscode-languageserver';
import { kernelNote, type Analyzer, type KernelSource } from './analysis.js';
import { callForCursor } from './call-at.js';
import { fromLspPosition, toLspRange } from './convert.js';
import type { OpenDocument } from './document-store.js';
import { allFlags } from './hover-call.js';
import type { MemoryOutcome } from './pin-outcomes.js';
import { DEFAULT_STEPS, SIMULATION_STEPS, isFastEntryPoint, isPinningEntryPoint, simulatePins } from './simulation.js';

export const TARGET_KERNEL_REQUEST = 'pinsight/targetKernel';
export const SIMULATE_REQUEST = 'pinsight/simulate';

export interface TargetKernelParams {
  textDocument?: { uri: string };
}

export interface TargetKernelResult {
  kernel: string;
  source: KernelSource;
  /** The `pinsight.kernel` setting as it stands ("auto" or a version). */
  setting: string;
  note: string;
}

export interface SimulatedFlagSet {
  /** Every flag GUP sees: the caller's and the entry point's. */
  flags: string[];
  callerFlags: string[];
  path?: string;
  outcomes: MemoryOutcome[];
  ignoredFlags: string[];
}

export interface SimulateResult {
  kernel: string;
  note: string;
  callee: string;
  fast: boolean;
  range: { start: Position; end: Position };
  flagSets: SimulatedFlagSet[];
  /** The steps simulated after the pin. */
  then: string[];
  /** Every step the view may ask for, with what it does. */
  steps: { name: string; description: string }[];
}

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
