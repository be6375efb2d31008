// The part of `pinsight scan` that cannot wait. dist/cli.js runs this before it loads the rest of
// the CLI (dist/cli-main.js: V8 compiles a script whole before running a line of it), so ripgrep
// reads the tree meanwhile. It plans the run as scanTree() does (server/scan/prefilter.ts), and
// scanTree takes it over when it makes the same plan (startRipgrep in server/scan/ripgrep.ts).
// Anything unexpected starts nothing: the command then finds and reports it as usual.
import { envPrefilter, planRipgrep } from '../scan/prefilter.js';
import { startRipgrep, type RipgrepRun } from '../scan/ripgrep.js';
import { classifyRoots } from '../scan/walk.js';
import { fastScanWanted, parseScanOptions } from './scan-options.js';

export interface EarlyScan {
  /** The candidates' ripgrep run, when the scan will use ripgrep. */
  ripgrep?: RipgrepRun;
}

/** For `pinsight ARGV...` when it is a scan on the fast path: its early start; else undefined. */
export function startScanEarly(argv: readonly string[], cwd: string): EarlyScan | undefined {
  const [command, ...rest] = argv;
  // `check` is a one-shot run per file (make C=1): nothing to start, but the quick wasm tier pays.
  if (command === 'check' && !rest.includes('--help') && !rest.includes('-h')) return {};
  if (command !== 'scan' || rest.includes('--help') || rest.includes('-h')) return undefined;
  let options;
  try {
    options = parseScanOptions(rest);
  } catch {
    return undefined; // a usage error: the command reports it
  }
  // Patch mode scans the files a diff names, not the tree.
  if (!fastScanWanted(options.fix) || options.diff !== undefined) return undefined;
  try {
    const plan = planRipgrep(classifyRoots(options.paths, cwd), envPrefilter());
    return { ripgrep: plan && startRipgrep(plan) };
  } catch {
    return {}; // a missing path: the command reports it
  }
}
