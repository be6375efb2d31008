// What the engine reads in a file beyond the functions that hold the GUP/PUP calls: the slicer
// (slice.ts) keeps these and may drop the rest. The callers of those functions are kept only when
// the engine asks for them (AnalyzeOptions.onCallersWanted, analyze-source.ts). Every finding hangs off an entry call (the rules
// in server/engine/rules/ start from context.calls), so a file whose code calls none is not parsed. Each entry names the engine code that looks it up;
// test/scan's equivalence tests (sliced against whole-file analysis, on fixtures and on the kernel
// trees) fail when the engine starts to read something this list does not name.
import { ENTRY_POINTS, mentionsEntryPoint, RELEASES } from '../engine/index.js';
import { SlicePlan, type Slice, type SliceNames } from './slice.js';

export const ENGINE_REACH: SliceNames = {
  // findEntryCalls() (server/engine/call-sites.ts).
  calls: ENTRY_POINTS.map((e) => e.name),
  // collectPageRefs() (server/engine/page-refs.ts): releases anywhere in the file, matched to the
  // calls by pagesKey(): the pages' struct field (`field:pages`) across functions, a local only
  // within its own function (whose chunk is kept anyway).
  releases: [...RELEASES.get, ...RELEASES.pin],
  // readOnlyIndicator() (server/engine/fixes/foll-force.ts): a field that says whether the buffer is
  // writable, set anywhere in the file on a variable the calling function has (etnaviv's
  // `bo->userptr.ro = ...` for the call's `userptr->ro`).
  fields: ['ro', 'readonly', 'read_only', 'write', 'writable', 'writeable', 'is_write'],
};

/**
 * The part of `text` the engine reads, with the callers of `callersOf` (functions whose parameters
 * it follows), or undefined when its code calls no entry point: every finding hangs off an entry
 * call, so the analysis is empty and nothing needs parsing. The whole-tree scan and the language
 * server both take this answer.
 */
export function sliceForEngine(text: string, callersOf: Iterable<string> = []): Slice | undefined {
  return planForEngine(text)?.slice(callersOf);
}

/** The slicer's plan of `text` (to slice it, or cut it into pieces), or undefined as sliceForEngine answers. */
export function planForEngine(text: string): SlicePlan | undefined {
  if (!mentionsEntryPoint(text)) return undefined;
  const plan = new SlicePlan(text, ENGINE_REACH);
  return plan.calls === 0 ? undefined : plan;
}
