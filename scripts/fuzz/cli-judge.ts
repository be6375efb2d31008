// How a `pinsight` run is judged, shared by the fuzz harness and test/robustness.
import { spawn } from 'node:child_process';

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

/** Runs `node cliJs ...args` with a time limit, without blocking the event loop. */
export function runCliAsync(cliJs: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number }): Promise<CliRun> {
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliJs, ...args], { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut, ms: performance.now() - start });
    });
  });
}

/** Lines that look like a JavaScript stack trace or a Node crash report. */
export function stackTraceLines(text: string): string[] {
  return text.split('\n').filter((l) => /^\s+at .+[(:]\d+|^\s+at <anonymous>|node:internal|^\w*Error: |Uncaught|triggerUncaughtException/.test(l));
}

/** What is wrong with a run that should have been refused as bad usage (exit 2, one line), if anything. */
export function usageProblem(run: Omit<CliRun, 'ms'>): string | undefined {
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
export function jsonScanProblem(run: Omit<CliRun, 'ms'>): string | undefined {
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
  // The default --fail-on is warning: exit 1 exactly when an error or warning is not suppressed.
  const failing = (json.findings as { severity?: string; suppressed?: unknown }[]).filter((f) => (f.severity === 'error' || f.severity === 'warning') && !f.suppressed);
  if ((failing.length > 0) !== (run.status === 1)) return `exit ${run.status} with ${failing.length} error/warning finding(s) of ${json.findings.length}`;
  return undefined;
}
