// Is a read-only long-term pin reliable on a target kernel, and for which memory? sim-core answers:
// for each memory kind it models in a private mapping, it pins the page the way the call does,
// lets the process write to it, and says whether the pin still sees what the process sees. The
// engine lists what sim-core found incoherent; it keeps no list of its own.
import { FOLL_FLAGS, GUP_APIS, MEMORY_KINDS, simulate } from '../../sim-core/index.js';

export interface UnreliableKind {
  kind: string;
  description: string;
  anonymous: boolean;
  /** sim-core's one-line account of what happened. */
  summary: string;
}

export interface ReadOnlyPinVerdict {
  /** False when sim-core cannot model this kernel or call. */
  modelled: boolean;
  unreliable: UnreliableKind[];
}

const cache = new Map<string, ReadOnlyPinVerdict>();

/**
 * The verdict for a pin with the caller's `flags` (FOLL_WRITE absent) through `entry` on `kernel`.
 * Memoised: the language server asks on every edit.
 */
export function readOnlyPinVerdict(kernel: string, flags: readonly string[], entry: string, fast: boolean): ReadOnlyPinVerdict {
  const known = flags.filter((f) => (FOLL_FLAGS as readonly string[]).includes(f) && f !== 'FOLL_PIN' && f !== 'FOLL_GET').sort();
  const api = (GUP_APIS as readonly string[]).includes(entry) ? entry : undefined;
  const key = `${kernel}|${known.join(',')}|${api ?? (fast ? 'fast' : 'slow')}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const unreliable: UnreliableKind[] = [];
  let modelled = false;
  for (const kind of MEMORY_KINDS) {
    if (!kind.mappings.includes('private')) continue;
    try {
      const result = simulate({
        kernel: { version: kernel },
        memory: kind.name,
        mapping: 'private',
        flags: known,
        ...(api ? { api } : { path: fast ? 'fast' : 'slow' }),
        then: ['write'],
        trace: false,
      });
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
