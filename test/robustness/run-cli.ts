// Runs dist/cli.js as a user would (needs `npm run build`), with a time limit; the judging is
// shared with the fuzz harness (scripts/fuzz/cli-judge.ts).
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CliRun } from '../../scripts/fuzz/cli-judge.js';

export { jsonScanProblem, stackTraceLines, usageProblem } from '../../scripts/fuzz/cli-judge.js';

export const CLI = process.env.PINSIGHT_CLI ?? join(__dirname, '../../dist/cli.js');

export function runCli(args: string[], options: SpawnSyncOptions & { timeoutMs?: number; cli?: string } = {}): Omit<CliRun, 'ms'> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  let cli = options.cli ?? CLI;
  let env = options.env;
  if (options.uid !== undefined && options.uid !== process.getuid?.()) {
    // Another user: a CLI that user can read (cliFor), and a home of its own (root's caches are not
    // that user's: the caches are off, quietly, since they cannot be made there).
    if (!options.cli) {
      const reach = cliFor({ uid: options.uid, gid: options.gid ?? options.uid });
      if ('cli' in reach) cli = reach.cli;
    }
    env = { ...(options.env ?? process.env), HOME: dirname(cli), PINSIGHT_CACHE: '', XDG_CONFIG_HOME: '' };
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

export interface OtherUser {
  uid: number;
  gid: number;
}

const staged = new Map<string, string>();

/**
 * The CLI as another user (tests of permissions run as root switch to nobody) can run it: dist/cli.js
 * itself when that user can read it, else a copy of what the CLI loads, staged in a fresh temporary
 * directory anyone may read (a checkout under a private directory, mode 0700, is out of nobody's
 * reach). A string is the reason to skip: that user cannot run node at all.
 */
export function cliFor(user: OtherUser): { cli: string } | { skip: string } {
  const key = `${user.uid}:${user.gid}`;
  const known = staged.get(key);
  if (known) return { cli: known };
  const readable = (cli: string) => spawnSync(process.execPath, ['-e', 'require("fs").accessSync(process.argv[1], 4)', cli], { ...user, timeout: 30_000 });
  const direct = readable(CLI);
  if (direct.error) return { skip: `uid ${user.uid} cannot run ${process.execPath}: ${(direct.error as NodeJS.ErrnoException).code}` };
  if (direct.status === 0) return { cli: CLI };
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-dist-'));
  chmodSync(dir, 0o755);
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const dist = dirname(CLI);
  // What dist/cli.js loads: its second part, the scan worker, the grammars and queries (no source maps).
  for (const name of readdirSync(dist)) if (/\.(js|wasm)$/.test(name) || name === 'queries') cpSync(join(dist, name), join(dir, name), { recursive: true });
  const cli = join(dir, 'cli.js');
  if (readable(cli).status !== 0) return { skip: `uid ${user.uid} cannot read ${cli} either (${tmpdir()} is private)` };
  staged.set(key, cli);
  return { cli };
}
