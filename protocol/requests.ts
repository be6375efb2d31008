// pinsight's own requests over LSP, as types: the contract between the language server, which
// implements them (server/lsp/custom-requests.ts, server/lsp/pin-outcomes.ts), and any client (the
// VS Code extension in client/, or another editor). Types only (`export interface`, `export type`,
// `import type`): a client imports them with `import type`, so nothing of the server or sim-core
// reaches its bundle. test/architecture.test.ts holds both rules.
//
// - pinsight/targetKernel: which kernel a file is analysed for, and why (the status-bar item);
// - pinsight/simulate: sim-core's outcomes for the call at the cursor (the simulation view), after
//   the steps the view asks for (`then`, sim-core's THEN_STEPS; a process write by default).
import type { Position, Range } from 'vscode-languageserver';
import type { Snapshot } from '../sim-core/index.js';

/** sim-core's views of the state after each step, as the simulation view draws them. */
export type { MappingView, PageView, PinView, Snapshot } from '../sim-core/index.js';

export type TargetKernelMethod = 'pinsight/targetKernel';
export type SimulateMethod = 'pinsight/simulate';

export interface TargetKernelParams {
  textDocument?: { uri: string };
}

/** Where the kernel came from: the `pinsight.kernel` setting, a `.pinsight.json`, the tree's Makefile (or a module's KDIR, or the build's version.h from compile_commands.json: 'detected'), or the fallback. */
export type KernelSource = 'setting' | 'project' | 'detected' | 'fallback';

export interface TargetKernelResult {
  kernel: string;
  source: KernelSource;
  /** The `pinsight.kernel` setting as it stands ("auto" or a version). */
  setting: string;
  note: string;
}

export interface SimulateParams {
  textDocument: { uri: string };
  position: Position;
  /** The steps after the pin, in order (SimulateResult.steps names them); default: one process write. */
  then?: string[];
}

/** A step the simulation view may ask for after the pin, with what it does. */
export interface SimulationStep {
  name: string;
  description: string;
}

/** What the simulation view draws: the state after setup, after the pin and after each later step. */
export interface Drawing {
  snapshots: Snapshot[];
  /** PageView.id of the page GUP returned. */
  pinnedPage?: string;
  /** The entry point and flags sim-core used. */
  api: string;
  flags: string[];
}

export type Verdict = 'coherent' | 'incoherent' | 'refused' | 'error';

export interface TraceLine {
  fn: string;
  detail: string;
  kernelRef?: string;
  state?: string[];
}

export interface PathOutcome {
  verdict: Verdict;
  errno?: string;
  summary: string;
  trace: TraceLine[];
  /** sim-core's structured state for drawing (page table, pinned page, after the write). */
  drawing?: Drawing;
}

/** One memory kind: the verdict of the slow path and (for the GUP-fast entry points) of GUP-fast. */
export interface MemoryOutcome {
  memory: string;
  label: string;
  slow: PathOutcome;
  fast?: PathOutcome;
}

export interface SimulatedFlagSet {
  /** Every flag GUP sees: the caller's and the entry point's. */
  flags: string[];
  callerFlags: string[];
  path?: string;
  outcomes: MemoryOutcome[];
  ignoredFlags: string[];
}

/** The answer to pinsight/simulate; null when the file has no GUP call. */
export interface SimulateResult {
  kernel: string;
  note: string;
  callee: string;
  fast: boolean;
  range: Range;
  flagSets: SimulatedFlagSet[];
  /** The steps simulated after the pin. */
  then: string[];
  /** Every step the view may ask for. */
  steps: SimulationStep[];
}
