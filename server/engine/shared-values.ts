// Values many calls and findings hold alike, held once: a file of 330,000 calls (issue 14) has a
// few dozen distinct lists of flags, callee names and messages, and a copy per call was a third of
// what its analysis kept. Shared lists are frozen, so that no view can change one call's flags
// under another's. Bounded: past SHARED_MAX distinct values (no real code comes near), new ones are
// not shared. What is kept is a copy of its own: a string from a node's text is a slice of the
// whole document in V8, and the language server must not keep old documents alive through it.
const SHARED_MAX = 50_000;
const sharedLists = new Map<string, string[]>();
const sharedStrings = new Map<string, string>();

/** A copy of `text` that holds no larger string (a slice keeps its whole parent alive). */
function detached(text: string): string {
  return (' ' + text).slice(1);
}

export function sharedList(list: string[]): string[] {
  const key = list.join('\0');
  const found = sharedLists.get(key);
  if (found) return found;
  if (sharedLists.size >= SHARED_MAX) return list;
  const kept = Object.freeze(list.map(detached)) as string[];
  sharedLists.set(detached(key), kept);
  return kept;
}

export function sharedString(text: string): string {
  const found = sharedStrings.get(text);
  if (found !== undefined) return found;
  if (sharedStrings.size >= SHARED_MAX) return text;
  const kept = detached(text);
  sharedStrings.set(kept, kept);
  return kept;
}
