// Which GUP/PUP call a position is about.
import type { CallSite, Position } from '../engine/types.js';
import { comparePositions, rangeContains } from './convert.js';

/** The call whose name token holds `p`. */
export function callNamedAt(calls: readonly CallSite[], p: Position): CallSite | undefined {
  return calls.find((c) => rangeContains(c.range, p));
}

/** The innermost call whose parentheses or name hold `p`. */
export function callContaining(calls: readonly CallSite[], p: Position): CallSite | undefined {
  let best: CallSite | undefined;
  for (const c of calls) {
    if (!rangeContains(c.callRange, p)) continue;
    if (!best || comparePositions(c.callRange.start, best.callRange.start) >= 0) best = c;
  }
  return best;
}

/**
 * The call the cursor is about, for "Simulate pin at cursor": the call under it, else the call one
 * of whose flags comes from the cursor's line (`flags |= FOLL_FORCE;`), else the nearest call.
 */
export function callForCursor(calls: readonly CallSite[], p: Position): CallSite | undefined {
  const inside = callContaining(calls, p);
  if (inside) return inside;
  const byOrigin = calls.find((c) => c.flagSets.some((s) => s.origins.some((o) => o.range.start.row <= p.row && p.row <= o.range.end.row)));
  if (byOrigin) return byOrigin;
  let best: CallSite | undefined;
  let bestDistance = Infinity;
  for (const c of calls) {
    const d = Math.min(Math.abs(c.callRange.start.row - p.row), Math.abs(c.callRange.end.row - p.row));
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}
