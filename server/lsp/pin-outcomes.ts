// What sim-core says about one flag set reaching a call: per memory kind, the verdict of the slow
// path and (for the GUP-fast entry points) of GUP-fast, each with its trace. The hover and the
// simulation view both read this shape (MemoryOutcome, part of the protocol: protocol/requests.ts).
import type { MemoryOutcome, TraceLine } from '../../protocol/requests.js';

/** A pin as a call makes it: the entry point and the flags its caller passes. */
export interface PinQuery {
  callee: string;
  /** The caller's FOLL_* flags (without those the entry point adds). */
  callerFlags: readonly string[];
  /** FOLL_PIN (pin_user_pages*) rather than FOLL_GET references. */
  pins: boolean;
  /** The entry point walks GUP-fast first. */
  fast: boolean;
  /** What the process does after the pin: sim-core THEN_STEPS names (default: one write). */
  then?: readonly string[];
}

export interface PinSimulation {
  outcomes: MemoryOutcome[];
  /** Caller flags the model does not know, left out of the simulation. */
  ignoredFlags: string[];
}

/** Simulates `query` on `kernel` for every memory kind of a private mapping, then the query's steps (a process write by default). */
export type SimulatePins = (query: PinQuery, kernel: string) => PinSimulation;

/**
 * The steps that decide a verdict: gup_must_unshare() (the question the 6.2 patch changed), what
 * immediately follows it, and the last step (what the later write did to the pin).
 */
export function decidingSteps(trace: readonly TraceLine[], max = 5): TraceLine[] {
  const at = trace.findIndex((s) => s.fn.includes('gup_must_unshare'));
  if (at === -1) return trace.slice(-max);
  const after = trace.slice(at + 1);
  if (after.length <= max - 1) return [trace[at]!, ...after];
  return [trace[at]!, ...after.slice(0, max - 2), after[after.length - 1]!];
}
