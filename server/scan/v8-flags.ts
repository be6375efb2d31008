// A one-shot scan parses for well under a second, too short for V8's optimising wasm tier
// (TurboFan) to pay back its compile, which runs on background threads and competes with the
// scan for the two cores. With Liftoff only, `pinsight scan` on linux-source-6.12's 143 candidate
// files took 0.65 s instead of 0.83 s and 0.63 s of CPU instead of 0.73 s (BENCHMARKS.md). A
// long-running process (the language server) keeps the default: it parses for hours.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/**
 * Process-wide and only effective before the first wasm compile: call it first thing in a CLI run.
 * True when the flag is set (a V8 code cache made under it is rejected without it: cli/code-cache.ts).
 */
export function preferQuickWasm(): boolean {
  // The flag exists in the V8s of Node 20 to 24 (11.3 to 13.6); elsewhere V8 would print an error.
  const major = Number(process.versions.v8.split('.')[0]);
  if (major < 11 || major > 13 || process.env.PINSIGHT_WASM_TIERUP === '1') return false;
  setFlagsFromString('--liftoff-only');
  return true;
}

let heapKeptClose = false;

/** What is live in the heap past which keepHeapClose() acts (a scan of a kernel tree keeps ~50 MB). */
const HEAP_CLOSE_FROM = 256 * 1024 * 1024;

/**
 * Called between the pieces of a huge file (issue 14: 330,000 calls in 20 MB). V8 lets the heap grow
 * to two or three times what is live before a full collection, and what is live grows with each
 * piece's calls (about 1 KB a call, kept for the report): the pieces' garbage took the peak RSS
 * past 1.2 GB. Once the heap holds more than HEAP_CLOSE_FROM, it grows by 25% between collections
 * for the rest of the process: more full collections (some 15% more CPU for what is left), a peak
 * close to what is live. Process-wide; a scan of a kernel tree never gets there.
 */
export function keepHeapClose(): void {
  if (heapKeptClose || process.env.PINSIGHT_HEAP_GROWTH === 'default') return;
  if (getHeapStatistics().used_heap_size < HEAP_CLOSE_FROM) return;
  heapKeptClose = true;
  setFlagsFromString('--heap-growing-percent=25');
}
