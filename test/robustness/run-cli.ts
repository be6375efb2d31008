// Runs dist/cli.js as a user would (needs `npm run build`), with a time limit; the judging is
// shared with the fuzz harness (scripts/fuzz/cli-judge.ts).
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CliRun } from '../../scripts/fuzz/cli-judge.js';

export { jsonScanProblem, stackTraceLines, usageProblem } from '../../scripts/fuzz/cli-judge.js';

export const CLI = process.env.PINSIGHT_CLI ?? join(__dirname, '../../dist/cli.js');

export function runCli(args: string[], options: SpawnSyncOptions & { timeoutMs?: number } = {}): Omit<CliRun, 'ms'> {
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
