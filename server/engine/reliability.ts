// Is a long-term pin reliable on a target kernel, and for which memory? sim-core answers: for each
// memory kind it models in a private mapping, it pins the page the way the call does, lets the
// process write to it, and says whether the pin still sees what the process sees. The engine lists
// what sim-core found incoherent; it keeps no list of its own, and no version literal either: when
// a pin becomes reliable is found by running the same scenario on the kernels where the model's
// behaviours change.
import { FOLL_FLAGS, GUP_APIS, MEMORY_KINDS, behaviours, compareReleases, isVersion, simulate } from '../../sim-core/index.js';

export interface UnreliableKind {
  kind: string;
  description: string;
  anonymous: boolean;
  /** sim-core's one-line account of what happened. */
  summary: string;
}

export interface PinVerdict {
  /** False when sim-core cannot model this kernel or call. */
  modelled: boolean;
  unreliable: UnreliableKind[];
}

const cache = new Map<string, PinVerdict>();

/** The scenario a call's pin stands for: sim-core's flags, entry point or path, and a memo key. */
function scenarioOf(kernel: string, flags: readonly string[], entry: string, fast: boolean) {
  const known = flags.filter((f) => (FOLL_FLAGS as readonly string[]).includes(f) && f !== 'FOLL_PIN' && f !== 'FOLL_GET').sort();
  const how: { api: string } | { path: 'fast' | 'slow' } = (GUP_APIS as readonly string[]).includes(entry) ? { api: entry } : { path: fast ? 'fast' : 'slow' };
  return { known, how, key: `${kernel}|${known.join(',')}|${'api' in how ? how.api : how.path}` };
}

/**
 * The verdict for a pin with the caller's `flags` through `entry` on `kernel`, per memory kind of a
 * private mapping, after the process writes. Memoised: the language server asks on every edit.
 */
export function pinVerdict(kernel: string, flags: readonly string[], entry: string, fast: boolean): PinVerdict {
  const { known, how, key } = scenarioOf(kernel, flags, entry, fast);
  const cached = cache.get(key);
  if (cached) return cached;
  const unreliable: UnreliableKind[] = [];
  let modelled = false;
  for (const kind of MEMORY_KINDS) {
    if (!kind.mappings.includes('private')) continue;
    try {
      const result = simulate({ kernel: { version: kernel }, memory: kind.name, mapping: 'private', flags: known, ...how, then: ['write'], trace: false });
      modelled = true;
      if (result.verdict === 'incoherent') unreliable.push({ kind: kind.name, description: kind.description, anonymous: kind.anonymous, summary: result.summary });
    } catch {
      // sim-core refuses what it does not model (a kernel version, an entry point): no verdict.
    }
  }
  const verdict = { modelled, unreliable };
  cache.set(key, verdict);
  return verdict;
}

/** The verdict for a read-only pin (the caller's flags without FOLL_WRITE). */
export function readOnlyPinVerdict(kernel: string, flags: readonly string[], entry: string, fast: boolean): PinVerdict {
  return pinVerdict(kernel, flags.filter((f) => f !== 'FOLL_WRITE'), entry, fast);
}

/**
 * The first release after `kernel` on which the same pin is reliable on every memory kind, or
 * undefined when none the model knows is. Only releases where a behaviour switches can differ, so
 * those are the ones tried.
 */
export function firstReliableRelease(kernel: string, flags: readonly string[], entry: string, fast: boolean): string | undefined {
  const releases = [...new Set(behaviours().flatMap((b) => [b.since, ...(b.until ? [b.until] : [])]))]
    .filter((r) => isVersion(r) && compareReleases(r, kernel) > 0)
    .sort(compareReleases);
  return releases.find((r) => {
    const v = pinVerdict(r, flags, entry, fast);
    return v.modelled && v.unreliable.length === 0;
  });
}

const refusals = new Map<string, string | undefined>();

/**
 * What the pin returns when the process mapped the buffer read-only (private anonymous memory
 * under mprotect(PROT_READ)): the errno when GUP refuses it (FOLL_WRITE without FOLL_FORCE:
 * check_vma_flags(), mm/gup.c), undefined when it pins.
 */
export function refusalOnReadOnlyMapping(kernel: string, flags: readonly string[], entry: string, fast: boolean): string | undefined {
  const { known, how, key } = scenarioOf(kernel, flags, entry, fast);
  if (refusals.has(key)) return refusals.get(key);
  let errno: string | undefined;
  try {
    const result = simulate({ kernel: { version: kernel }, memory: 'anon', mapping: 'private', prot: 'read-only', flags: known, ...how, trace: false });
    if (result.verdict === 'refused') errno = result.errno;
  } catch {
    errno = undefined;
  }
  refusals.set(key, errno);
  return errno;
}
