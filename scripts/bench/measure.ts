// Timing helpers for the benchmark: run a command several times, keep wall time and peak RSS,
// summarise as min/median/max. Wall time is measured here (spawn to exit); peak RSS comes from
// GNU time when installed (/usr/bin/time -f %M), else from polling the child's VmHWM on Linux.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

export interface Run {
  ms: number;
  /** Peak resident set size in MB, when it could be measured. */
  rssMB?: number;
  code: number | null;
  /** sha256 of stdout, to check that runs (and paths) print the same. */
  outHash: string;
  outBytes: number;
  stderr: string;
  /** stdout, when the command asked for it (keepStdout). */
  stdout?: string;
}

export interface Summary {
  runs: number;
  min: number;
  median: number;
  max: number;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { runs: sorted.length, min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}

/** The p-th percentile (0..100) by nearest rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

const GNU_TIME = '/usr/bin/time';
const hasGnuTime = existsSync(GNU_TIME);

export interface Command {
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Keep stdout in Run.stdout (it is always hashed). */
  keepStdout?: boolean;
}

/** Runs the command once, to completion. */
export function runOnce(command: Command): Promise<Run> {
  const marker = '@@pinsight-bench-maxrss=';
  const [cmd, args] = hasGnuTime ? [GNU_TIME, ['-f', `${marker}%M`, command.cmd, ...command.args]] : [command.cmd, command.args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { cwd: command.cwd, env: { ...process.env, ...command.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const hash = createHash('sha256');
    let outBytes = 0;
    let stderr = '';
    let polledKB = 0;
    const poll = hasGnuTime
      ? undefined
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) polledKB = Math.max(polledKB, Number(m[1]));
          } catch {
            // exited, or not Linux
          }
        }, 10);
    const kept: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      outBytes += chunk.length;
      if (command.keepStdout) kept.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (poll) clearInterval(poll);
      let rssKB: number | undefined = polledKB || undefined;
      const at = stderr.lastIndexOf(marker);
      if (at !== -1) {
        rssKB = Number(stderr.slice(at + marker.length).trim());
        stderr = stderr.slice(0, at);
        // GNU time reports a non-zero exit as "Command exited with non-zero status N" first.
        stderr = stderr.replace(/Command exited with non-zero status \d+\n?$/, '');
      }
      const stdout = command.keepStdout ? Buffer.concat(kept).toString('utf8') : undefined;
      resolve({ ms, rssMB: rssKB !== undefined ? rssKB / 1024 : undefined, code, outHash: hash.digest('hex'), outBytes, stderr, ...(stdout !== undefined ? { stdout } : {}) });
    });
  });
}

export interface Series {
  label: string;
  runs: Run[];
  time: Summary;
  rss?: Summary;
  /** One-minute load average before and after the series. */
  load: [number, number];
}

/** `warmup` unrecorded runs, then `runs` recorded ones. */
export async function runSeries(label: string, command: Command, runs: number, warmup = 1): Promise<Series> {
  const [series] = await runInterleaved([{ label, command }], runs, warmup);
  return series!;
}

/**
 * Several series run round-robin: a warm-up of each, then one run of each per round. The machine's
 * speed drifts by 10-20% over minutes here (a shared VM), so series compared with each other are
 * run side by side: the drift falls on all of them alike.
 */
export async function runInterleaved(entries: { label: string; command: Command }[], runs: number, warmup = 1): Promise<Series[]> {
  const loadBefore = loadavg()[0]!;
  for (let i = 0; i < warmup; i++) for (const e of entries) await runOnce(e.command);
  const recorded: Run[][] = entries.map(() => []);
  for (let i = 0; i < runs; i++) for (const [k, e] of entries.entries()) recorded[k]!.push(await runOnce(e.command));
  const loadAfter = loadavg()[0]!;
  return entries.map((e, k) => {
    const rss = recorded[k]!.map((r) => r.rssMB).filter((v): v is number => v !== undefined);
    return {
      label: e.label,
      runs: recorded[k]!,
      time: summarize(recorded[k]!.map((r) => r.ms)),
      rss: rss.length ? summarize(rss) : undefined,
      load: [loadBefore, loadAfter],
    };
  });
}

/** The median over rounds of a's time / b's time (two series from one runInterleaved). */
export function pairedRatio(a: Series, b: Series): number {
  return summarize(a.runs.map((r, i) => r.ms / b.runs[i]!.ms)).median;
}

export const fmtMs = (ms: number) => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);
export const fmtTriple = (s: Summary, f: (n: number) => string = fmtMs) => `${f(s.min)} / ${f(s.median)} / ${f(s.max)}`;
export const fmtMB = (mb: number) => `${mb.toFixed(0)} MB`;

/** A plain-text table with aligned columns (also valid Markdown). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
