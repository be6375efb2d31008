// sim-core as the hover and the simulation view use it: every memory kind of a private mapping,
// pinned the way the call pins it (slow path, and GUP-fast for the *_fast entry points), then
// written to by the process (or the steps the view asked for: sim-core's THEN_STEPS). The verdict
// says whether the pin still sees what the process sees.
import { entryPointAt } from '../engine/index.js';
import { FOLL_FLAGS, GUP_APIS, MEMORY_KINDS, THEN_STEPS, simulate, type ScenarioInput } from '../../sim-core/index.js';
import type { MemoryOutcome, PathOutcome } from '../../protocol/requests.js';
import type { PinQuery, PinSimulation, SimulatePins } from './pin-outcomes.js';

export function isFastEntryPoint(callee: string, kernel: string): boolean {
  return entryPointAt(callee, kernel)?.fast === true;
}

export function isPinningEntryPoint(callee: string, kernel: string): boolean {
  return entryPointAt(callee, kernel)?.pins === true;
}

const PRIVATE_KINDS = MEMORY_KINDS.filter((k) => k.mappings.includes('private'));

/** The steps the simulation view offers after the pin, with what each does. */
export const SIMULATION_STEPS: readonly { name: string; description: string }[] = Object.entries(THEN_STEPS).map(([name, description]) => ({ name, description }));
export const DEFAULT_STEPS: readonly string[] = ['write'];
/** At most this many steps (sim-core's limit). */
export const MAX_SIMULATION_STEPS = 16;

/** A list of step names the view may ask for, or an error sentence. */
export function checkSteps(then: unknown): string[] | string {
  if (!Array.isArray(then) || then.length === 0 || then.length > MAX_SIMULATION_STEPS) return `then must be a list of 1 to ${MAX_SIMULATION_STEPS} step names`;
  for (const s of then) if (typeof s !== 'string' || !Object.hasOwn(THEN_STEPS, s)) return `unknown step ${JSON.stringify(s)} (known: ${Object.keys(THEN_STEPS).join(', ')})`;
  return then as string[];
}
const MODELLED = new Set<string>(FOLL_FLAGS);
const APIS = new Set<string>(GUP_APIS);

/** Results are pure functions of their inputs, and hovers repeat them: keep a few. */
const memo = new Map<string, PinSimulation>();

export const simulatePins: SimulatePins = (query, kernel) => {
  const then = query.then ?? DEFAULT_STEPS;
  const key = JSON.stringify([kernel, query.callee, query.pins, query.fast, [...query.callerFlags].sort(), then]);
  let result = memo.get(key);
  if (!result) {
    const flags = query.callerFlags.filter((f) => MODELLED.has(f));
    result = {
      ignoredFlags: query.callerFlags.filter((f) => !MODELLED.has(f)),
      outcomes: PRIVATE_KINDS.map(
        (kind): MemoryOutcome => ({
          memory: kind.name,
          label: kind.name.replace(/-/g, ' '),
          slow: run(kernel, kind.name, scenario(query, flags, 'slow'), then),
          ...(query.fast ? { fast: run(kernel, kind.name, scenario(query, flags, 'fast'), then) } : {}),
        }),
      ),
    };
    if (memo.size > 200) memo.clear();
    memo.set(key, result);
  }
  return result;
};

/**
 * How sim-core should make the pin: through the callee itself when sim-core models it (for a
 * *_fast callee only on the fast path), otherwise through pin_user_pages*() or get_user_pages*()
 * chosen by FOLL_PIN/FOLL_GET and the path.
 */
function scenario(query: PinQuery, flags: string[], path: 'slow' | 'fast'): Pick<ScenarioInput, 'flags' | 'path' | 'api'> {
  if (APIS.has(query.callee) && query.fast === (path === 'fast')) return { flags, api: query.callee };
  return { flags: [...flags, query.pins ? 'FOLL_PIN' : 'FOLL_GET'], path };
}

function run(version: string, memory: string, how: Pick<ScenarioInput, 'flags' | 'path' | 'api'>, then: readonly string[]): PathOutcome {
  try {
    const r = simulate({ kernel: { version }, memory, mapping: 'private', then: [...then], ...how });
    return { verdict: r.verdict, errno: r.errno, summary: r.summary, trace: r.trace, drawing: { snapshots: r.snapshots, pinnedPage: r.pinnedPage, api: r.api, flags: r.flags } };
  } catch (e) {
    // A model error must not take the hover down: it becomes the verdict.
    return { verdict: 'error', summary: `sim-core: ${e instanceof Error ? e.message : String(e)}`, trace: [] };
  }
}
