// `pinsight scan` on the fast path (server/scan: ripgrep or a byte search first, worker threads,
// sliced parses, earlier results of unchanged files), as the ScanResult the plain path (scan() in
// scan.ts) gives. PINSIGHT_SCAN=plain selects the plain path, PINSIGHT_SCAN_CACHE=0 turns the result
// cache off; test/scan checks that every path gives the same result.
import { classifyRoots, MissingPathError } from '../scan/walk.js';
import { bundleBuildId, defaultCacheDir, preferQuickWasm, scanTree, type CacheLocation } from '../scan/index.js';
import type { ScanResult } from './scan-report.js';
import type { MacroFacts } from '../engine/macro-facts.js';
import type { KernelRange } from '../engine/types.js';
import { UsageError } from './usage-error.js';

/** Throws UsageError for a PATH that does not exist, as listSourceFiles() does. */
export function checkPaths(paths: readonly string[], cwd: string): void {
  try {
    classifyRoots(paths, cwd);
  } catch (error) {
    if (error instanceof MissingPathError) throw new UsageError(error.message);
    throw error;
  }
}

export async function scanFast(paths: readonly string[], cwd: string, kernel: string, kernelSource: string, includeDirs: readonly string[] = [], kernels?: KernelRange, macros?: Record<string, MacroFacts>): Promise<ScanResult> {
  preferQuickWasm(); // a one-shot process: see server/scan/v8-flags.ts
  const tree = await scanTree(paths, { kernel, kernels, cwd, cache: resultCache(), includeDirs, macros });
  return { kernel, kernelSource, files: tree.files, filesScanned: tree.filesScanned, errors: tree.errors, warnings: tree.warnings };
}

/** The result cache (server/scan/result-cache.ts), when running from the bundle and not turned off. */
function resultCache(): CacheLocation | undefined {
  if (process.env.PINSIGHT_SCAN_CACHE === '0') return undefined;
  const buildId = bundleBuildId(typeof __dirname === 'string' ? __dirname : process.cwd());
  return buildId ? { dir: defaultCacheDir(), buildId } : undefined;
}
