// `pinsight scan`'s command line, in one place for the command (scan.ts) and for dist/cli.js, which
// reads it before the rest of the CLI is loaded to start ripgrep early (early-start.ts).
import { parseArgs } from 'node:util';
import { normalizeKernel } from '../engine/kernel-version.js';
import { FAIL_ON, type FailOn } from '../project/policy.js';
import { UsageError } from './usage-error.js';

export const FORMATS = ['text', 'json', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

export interface ScanOptions {
  format: Format;
  kernel?: string;
  fix: boolean;
  paths: string[];
  /** Findings at or above this level make the exit status 1 (notes never, by default). */
  failOn: FailOn;
  /** Codes not to report (`--disable a,b --disable c`); checked against the engine's codes by scan.ts. */
  disable: string[];
  /** `CODE=LEVEL` as given; scan.ts checks them. */
  severity: string[];
  baseline?: string;
  writeBaseline?: string;
  /** Text output lists every call with its flag sets. */
  verbose: boolean;
  /** `-I DIR`: directories read for the project index only (a kernel tree's include/). */
  includeDirs: string[];
  /** Patch mode: a git revision to diff the tree against, or `-` for a unified diff on stdin. */
  diff?: string;
}

/** Throws UsageError for anything `pinsight scan` does not take. */
export function parseScanOptions(argv: string[]): ScanOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        kernel: { type: 'string' },
        fix: { type: 'boolean' },
        'fail-on': { type: 'string' },
        disable: { type: 'string', multiple: true },
        severity: { type: 'string', multiple: true },
        baseline: { type: 'string' },
        'write-baseline': { type: 'string' },
        verbose: { type: 'boolean', short: 'v' },
        'include-dir': { type: 'string', short: 'I', multiple: true },
        diff: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
  const format = (parsed.values.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format '${parsed.values.format}' (expected ${FORMATS.join(', ')})`);
  const diff = parsed.values.diff;
  if (diff !== undefined && diff.trim() === '') throw new UsageError('--diff: an empty revision (give REV, or - for a diff on stdin)');
  if (diff !== undefined && parsed.values.fix) throw new UsageError('--diff and --fix together are not supported: fix the whole files, or review the patch');
  // Patch mode reviews the tree it is run in when no PATH is given.
  if (parsed.positionals.length === 0 && diff !== undefined) parsed.positionals.push('.');
  if (parsed.positionals.length === 0) throw new UsageError('no PATH given (usage: pinsight scan [options] PATH...)');
  // An empty argument (an unset shell variable) would resolve to the current directory and scan it.
  if (parsed.positionals.includes('')) throw new UsageError('an empty PATH (usage: pinsight scan [options] PATH...)');
  let kernel: string | undefined;
  if (parsed.values.kernel !== undefined) {
    try {
      kernel = normalizeKernel(parsed.values.kernel);
    } catch (error) {
      throw new UsageError(`--kernel: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const failOn = (parsed.values['fail-on'] ?? 'warning') as FailOn;
  if (!FAIL_ON.includes(failOn)) throw new UsageError(`--fail-on: '${parsed.values['fail-on']}' is not one of ${FAIL_ON.join(', ')}`);
  if ((parsed.values['include-dir'] ?? []).includes('')) throw new UsageError('-I/--include-dir: an empty directory');
  const disable = (parsed.values.disable ?? []).flatMap((d) => d.split(',')).map((d) => d.trim()).filter((d) => d.length > 0);
  return {
    format,
    kernel,
    fix: parsed.values.fix ?? false,
    paths: parsed.positionals,
    failOn,
    disable,
    severity: parsed.values.severity ?? [],
    baseline: parsed.values.baseline,
    writeBaseline: parsed.values['write-baseline'],
    verbose: parsed.values.verbose ?? false,
    includeDirs: parsed.values['include-dir'] ?? [],
    ...(diff !== undefined ? { diff } : {}),
  };
}

/** Whether this run takes the fast path (server/scan; not for --fix, which rewrites files one by one). */
export function fastScanWanted(fix: boolean): boolean {
  return !fix && process.env.PINSIGHT_SCAN !== 'plain';
}
