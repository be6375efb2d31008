// Runs dist/cli.js as a user would (needs `npm run build`), with a time limit, and judges its answer.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const CLI = process.env.PINSIGHT_CLI ?? join(__dirname, '../../dist/cli.js');

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export function runCli(args: string[], options: SpawnSyncOptions & { timeoutMs?: number } = {}): CliRun {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 256 * 1024 * 1024,
    ...options,
  });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return { status: r.status, signal: r.signal, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), timedOut };
}

/** Lines that look like a JavaScript stack trace or a Node crash report. */
export function stackTraceLines(text: string): string[] {
  return text.split('\n').filter((l) => /^\s+at .+[(:]\d+|^\s+at <anonymous>|node:internal|^\w*Error: |Uncaught|triggerUncaughtException/.test(l));
}

/** What is wrong with a run that should have been refused as bad usage (exit 2, one line), if anything. */
export function usageProblem(run: CliRun): string | undefined {
  if (run.timedOut) return 'timed out';
  if (run.status !== 2) return `exit ${run.status}${run.signal ? ` (${run.signal})` : ''}, expected 2`;
  const lines = run.stderr.trimEnd().split('\n');
  if (lines.length !== 1 || lines[0] === '') return `stderr has ${lines.length} lines: ${JSON.stringify(run.stderr.slice(0, 300))}`;
  if (!/^pinsight( \w[\w-]*)?: /.test(lines[0]!)) return `stderr does not start with 'pinsight': ${lines[0]}`;
  if (/internal error/.test(lines[0]!)) return `an internal error, not a usage message: ${lines[0]}`;
  if (stackTraceLines(run.stderr).length > 0) return 'stack trace on stderr';
  return undefined;
}

/** What is wrong with a `scan --format json` run that should have succeeded (exit 0 or 1, JSON), if anything. */
export function jsonScanProblem(run: CliRun): string | undefined {
  if (run.timedOut) return 'timed out';
  if (run.status !== 0 && run.status !== 1) return `exit ${run.status}${run.signal ? ` (${run.signal})` : ''}: ${run.stderr.split('\n')[0]}`;
  if (stackTraceLines(run.stderr).length > 0) return `stack trace on stderr: ${run.stderr.slice(0, 300)}`;
  let json: { calls?: unknown; findings?: unknown };
  try {
    json = JSON.parse(run.stdout);
  } catch (e) {
    return `stdout is not JSON: ${(e as Error).message}`;
  }
  if (!Array.isArray(json.calls) || !Array.isArray(json.findings)) return 'JSON without calls[] and findings[]';
  if ((json.findings.length > 0) !== (run.status === 1)) return `exit ${run.status} with ${json.findings.length} finding(s)`;
  return undefined;
}
