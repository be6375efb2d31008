// `npm run bench -- --sections calls`: one generated file with 1k, 8k, 64k and 330k GUP/PUP calls
// (scripts/bench/many-calls.ts, about 60 bytes a call: 330,000 calls are the 20 MB file of issue
// 14), scanned whole by the CLI with the result cache off. The cost must grow with the calls, not
// their square: the table gives the time per 1,000 calls beside the totals, and the peak RSS
// (330,000 calls: within 60 s and 1 GB).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { manyCallsSource } from './many-calls.js';
import { loadavg } from 'node:os';
import { fmtMB, fmtMs, fmtTriple, runOnce, runSeries, summarize, table, type Run, type Series } from './measure.js';
import type { Tools } from './tree-scan.js';

export const CALL_COUNTS = [1000, 8000, 64000, 330000] as const;

/** Above this many calls a file is scanned once, that run measured (it takes a minute of a shared machine). */
const ONE_RUN_ABOVE = 64000;

export interface CallsRow {
  calls: number;
  megabytes: number;
  series: Series;
  /** Calls in the JSON output (every generated call is found). */
  found: number;
}

export async function measureCallsPerFile(tools: Tools, dir: string, runs: number, log: (l: string) => void): Promise<CallsRow[]> {
  mkdirSync(dir, { recursive: true });
  const rows: CallsRow[] = [];
  for (const calls of CALL_COUNTS) {
    const text = manyCallsSource(calls, 'dense');
    const file = join(dir, `calls-${calls}.c`);
    writeFileSync(file, text);
    const command = { cmd: tools.node, args: [tools.cli, 'scan', '--format', 'json', '--kernel', '6.12', file], env: { PINSIGHT_SCAN_CACHE: '0' } };
    // The check run counts the calls in the JSON; for the largest file it is also the measured run.
    const once = calls > ONE_RUN_ABOVE;
    const check = await runOnce({ ...command, keepStdout: true });
    const found = callsIn(check.stdout ?? '');
    const series = once ? seriesOf(`${calls} calls`, check) : await runSeries(`${calls} calls`, command, calls > 8000 ? Math.min(runs, 2) : runs, 0);
    log(`  ${calls} calls: ${fmtTriple(series.time)}${series.rss ? `, peak RSS ${fmtMB(series.rss.median)}` : ''}`);
    rows.push({ calls, megabytes: Buffer.byteLength(text) / 1e6, series, found });
  }
  return rows;
}

/** Calls in a scan's JSON: parsed when small; counted by their `"callee"` key when not (230 MB for 330,000 calls). */
function callsIn(json: string): number {
  if (json.length < 64 << 20) return (JSON.parse(json) as { calls: unknown[] }).calls.length;
  let n = 0;
  for (let at = json.indexOf('"callee": '); at !== -1; at = json.indexOf('"callee": ', at + 1)) n++;
  return n;
}

/** A series of the one run already made. */
function seriesOf(label: string, run: Run): Series {
  const load = loadavg()[0]!;
  return { label, runs: [run], time: summarize([run.ms]), rss: run.rssMB !== undefined ? summarize([run.rssMB]) : undefined, load: [load, load] };
}

export function callsTable(rows: CallsRow[]): string {
  return table(
    ['calls in the file', 'MB', 'calls found', 'runs', 'min / median / max', 'per 1,000 calls (median)', 'peak RSS'],
    rows.map((r) => [
      String(r.calls),
      r.megabytes.toFixed(1),
      String(r.found),
      String(r.series.time.runs),
      fmtTriple(r.series.time),
      fmtMs((1000 * r.series.time.median) / r.calls),
      r.series.rss ? fmtMB(r.series.rss.median) : '?',
    ]),
  );
}
