// ripgrep as the pre-filter, when one is on PATH: it walks and searches a tree with SIMD on every
// core, faster than Node can read it. It is asked for exactly what the Node path computes (the same
// files: *.c and *.h, no hidden entries, no symbolic links, no ignore files; the same test: the
// bytes contain one of the names), and its list only decides which files pinsight reads; the
// pure-Node path (walk.ts, needles.ts) is the fallback that always works, and test/scan checks that
// both give the same candidates on the kernel trees.
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { normalize } from 'node:path';
import { findExecutable } from './executables.js';

/** The rg executable on PATH (absolute entries only), or undefined. */
export function findRipgrep(path = process.env.PATH ?? ''): string | undefined {
  return findExecutable('rg', path);
}

/**
 * Lowers rg's scheduling priority. rg keeps every core busy until it is done; at equal priority the
 * analysis of the files it lists falls behind, and what is left when rg exits runs on one core
 * while the others idle. At a lower priority rg takes the CPU time the analysis leaves, so the
 * analysis keeps up and little is left at the end (6.12, 12 alternating runs: 1,220 -> 1,184 ms at
 * nice 19, against 776 ms for rg alone). The total work is the same. Best effort: where priorities
 * cannot be set, nothing changes.
 */
function yieldToAnalysis(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, 19);
  } catch {
    // not permitted here: rg runs at our priority
  }
}

/** What ripgrep is asked: the same files and the same test as the Node path (see the top). */
export interface RipgrepPlan {
  rg: string;
  dirs: readonly string[];
  needles: readonly string[];
}

/**
 * A ripgrep process listing candidates. The paths it prints wait in a list until `attach`
 * takes them, so a run can start before the code that consumes it is loaded (server/cli.ts).
 */
export interface RipgrepRun {
  readonly plan: RipgrepPlan;
  /** Streams each listed path to `onFile` (those printed so far at once); resolves when rg exits. Once only. */
  attach(onFile: (path: string) => void): Promise<RipgrepResult>;
  /** Stops rg (a run nobody will attach to). */
  cancel(): void;
}

export interface RipgrepResult {
  /** How many files rg searched (its --stats "files searched"). */
  searched: number;
}

// A run started early, before the code that consumes it was loaded (offerRipgrepRun).
let offered: RipgrepRun | undefined;

/**
 * Hands over a run started by a separately loaded copy of this module (dist/cli.js starts ripgrep
 * before it loads dist/cli-main.js). The next startRipgrep() with the same plan takes it.
 */
export function offerRipgrepRun(run: RipgrepRun): void {
  offered = run;
}

/** Starts ripgrep on `plan`, or takes the offered run when it has the same plan. */
export function startRipgrep(plan: RipgrepPlan): RipgrepRun {
  const early = offered;
  offered = undefined;
  if (early && samePlan(early.plan, plan)) return early;
  early?.cancel();
  return spawnRipgrep(plan);
}

function samePlan(a: RipgrepPlan, b: RipgrepPlan): boolean {
  const same = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return a.rg === b.rg && same(a.dirs, b.dirs) && same(a.needles, b.needles);
}

/** Lists the files under `dirs` that contain one of `needles`, as rg prints them. */
export function ripgrepCandidates(rg: string, dirs: readonly string[], needles: readonly string[], onFile: (path: string) => void): Promise<RipgrepResult> {
  return startRipgrep({ rg, dirs, needles }).attach(onFile);
}

/** More needles than this go to rg on stdin, not as `-e` arguments. */
const MAX_NEEDLE_ARGS = 256;

function spawnRipgrep(plan: RipgrepPlan): RipgrepRun {
  const manyNeedles = plan.needles.length > MAX_NEEDLE_ARGS;
  const args = [
    '--no-config', // no RIPGREP_CONFIG_PATH: flags are exactly these
    ...(process.env.PINSIGHT_RG_THREADS ? [`--threads=${process.env.PINSIGHT_RG_THREADS}`] : []),
    '--files-with-matches',
    '--null',
    '--stats',
    '--no-messages',
    '--fixed-strings',
    '--case-sensitive',
    '--no-ignore', // .gitignore and friends do not hide files from a scan
    '--text', // no binary-file detection: the Node path searches every byte too
    '--encoding=none', // no BOM sniffing or transcoding: raw bytes, as Buffer.indexOf sees them
    '--glob=*.c',
    '--glob=*.h',
    // A project index's thousands of wrapper names would not fit on a command line (ARG_MAX):
    // those come one per line on stdin.
    ...(manyNeedles ? ['--file=-'] : plan.needles.flatMap((n) => ['-e', n])),
    '--',
    ...plan.dirs,
  ];
  const child = spawn(plan.rg, args, { stdio: [manyNeedles ? 'pipe' : 'ignore', 'pipe', 'ignore'] });
  if (manyNeedles) {
    child.stdin!.on('error', () => undefined); // rg gone early: its exit says why
    child.stdin!.end(plan.needles.join('\n') + '\n');
  }
  yieldToAnalysis(child.pid);
  // A run nobody attaches to (the command failed first) must not outlive the process.
  const killOnExit = () => child.kill();
  process.once('exit', killOnExit);
  let listed: string[] = [];
  let onFile: ((path: string) => void) | undefined;
  let tail = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    tail += chunk;
    const parts = tail.split('\0');
    tail = parts.pop()!;
    for (const p of parts) {
      const path = normalize(p);
      if (onFile) onFile(path);
      else listed.push(path);
    }
  });
  const done = new Promise<RipgrepResult>((resolve, reject) => {
    child.on('error', (error) => {
      process.off('exit', killOnExit);
      reject(error);
    });
    child.on('close', (code) => {
      process.off('exit', killOnExit);
      // After the last NUL-terminated path comes the --stats block.
      const searched = /(\d+) files searched/.exec(tail);
      // Exit 1 is "no match"; 2 is "some error" (an unreadable file), which the Node path skips too.
      if ((code === 0 || code === 1 || code === 2) && searched) resolve({ searched: Number(searched[1]) });
      else reject(new Error(`rg exited with ${code}`));
    });
  });
  done.catch(() => undefined); // reported to whoever attaches
  return {
    plan,
    attach(consumer) {
      if (onFile) throw new Error('a ripgrep run has one consumer');
      onFile = consumer;
      const early = listed;
      listed = [];
      for (const path of early) consumer(path);
      return done;
    },
    cancel: killOnExit,
  };
}
