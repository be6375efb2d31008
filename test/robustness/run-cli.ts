// Runs dist/cli.js as a user would (needs `npm run build`), with a time limit; the judging is
// shared with the fuzz harness (scripts/fuzz/cli-judge.ts).
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliRun } from '../../scripts/fuzz/cli-judge.js';

export { jsonScanProblem, stackTraceLines, usageProblem } from '../../scripts/fuzz/cli-judge.js';

export const CLI = process.env.PINSIGHT_CLI ?? join(__dirname, '../../dist/cli.js');

let staged: string | undefined;

/**
 * dist/ copied into a fresh directory of the system's temporary directory, readable by every user:
 * a run as another user (nobody) cannot read a checkout under a 0700 directory (/root, a home).
 * The copy goes when the process exits.
 */
export function stagedDist(): string {
  if (staged) return staged;
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-dist-'));
  chmodSync(dir, 0o755);
  cpSync(join(CLI, '..'), join(dir, 'dist'), { recursive: true, filter: (f) => !f.endsWith('.map') });
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return (staged = dir);
}

export function runCli(args: string[], options: SpawnSyncOptions & { timeoutMs?: number } = {}): Omit<CliRun, 'ms'> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  let cli = CLI;
  let env = options.env;
  if (options.uid !== undefined && options.uid !== process.getuid?.()) {
    // Another user: the staged copy, and a home of the stage's (root's caches are not that user's:
    // the caches are off, quietly, since they cannot be made there).
    const stage = stagedDist();
    cli = join(stage, 'dist/cli.js');
    env = { ...(options.env ?? process.env), HOME: stage, PINSIGHT_CACHE: '', XDG_CONFIG_HOME: '' };
  }
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 256 * 1024 * 1024,
    ...options,
    env,
  });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return { status: r.status, signal: r.signal, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), timedOut };
}
