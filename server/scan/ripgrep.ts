// ripgrep as the pre-filter, when one is on PATH: it walks and searches a tree with SIMD on every
// core, faster than Node can read it. It is asked for exactly what the Node path computes (the same
// files: *.c and *.h, no hidden entries, no symbolic links, no ignore files; the same test: the
// bytes contain one of the names), and its list only decides which files pinsight reads; the
// pure-Node path (walk.ts, needles.ts) is the fallback that always works, and test/scan checks that
// both give the same candidates on the kernel trees.
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { setPriority } from 'node:os';
import { delimiter, isAbsolute, join, normalize } from 'node:path';

/** The rg executable on PATH, or undefined. */
export function findRipgrep(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    // A relative entry ('.', 'bin') resolves against the current directory, which may be an
    // untrusted workspace: an `rg` placed there must never run.
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, process.platform === 'win32' ? 'rg.exe' : 'rg');
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface RipgrepRun {
  /** How many files rg searched (its --stats "files searched"). */
  searched: number;
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

/**
 * Lists the files under `dirs` that contain one of `needles`, streaming each path to `onFile` as
 * rg prints it. Rejects when rg fails or its output cannot be understood, so the caller can fall back.
 */
export function ripgrepCandidates(rg: string, dirs: readonly string[], needles: readonly string[], onFile: (path: string) => void): Promise<RipgrepRun> {
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
    ...needles.flatMap((n) => ['-e', n]),
    '--',
    ...dirs,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(rg, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    yieldToAnalysis(child.pid);
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const parts = pending.split('\0');
      pending = parts.pop()!;
      for (const p of parts) onFile(normalize(p));
    });
    child.on('error', reject);
    child.on('close', (code) => {
      // After the last NUL-terminated path comes the --stats block.
      const searched = /(\d+) files searched/.exec(pending);
      // Exit 1 is "no match"; 2 is "some error" (an unreadable file), which the Node path skips too.
      if ((code === 0 || code === 1 || code === 2) && searched) resolve({ searched: Number(searched[1]) });
      else reject(new Error(`rg exited with ${code}`));
    });
  });
}
