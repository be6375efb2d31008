// Is a read-only long-term pin reliable on a target kernel, and for which memory? The answer comes
// from sim-core, which models 6.1's and 6.12's GUP, fault and COW code.
// TODO(wire): sim-core's index.ts is being written in parallel; until it lands this module answers
// from the version alone.
import { kernelAtLeast } from './kernel-version.js';

export interface UnreliableKind {
  kind: string;
  label: string;
  summary: string;
}

export interface ReadOnlyPinVerdict {
  unreliable: UnreliableKind[];
  /** Why, in a sentence, for the finding's message. */
  why: string;
}

export function readOnlyPinVerdict(kernel: string, _flags: string[], _fast: boolean): ReadOnlyPinVerdict {
  if (kernelAtLeast(kernel, '6.2')) return { unreliable: [], why: '' };
  return {
    unreliable: [{ kind: 'non-anonymous', label: 'non-anonymous memory', summary: '' }],
    why: "6.1's gup_must_unshare() never unshares a non-anonymous page, so the process's next write replaces the pinned page by a copy.",
  };
}
