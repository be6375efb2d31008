// `npm run bench -- --sections calls`: one generated file with 1k, 8k and 64k GUP/PUP calls
// (scripts/bench/many-calls.ts, about 60 bytes a call as in issue 14), scanned whole by the CLI
// with the result cache off. The cost must grow with the calls, not their square: the table gives
// the time per 1,000 calls beside the totals.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { manyCallsSource } from './many-calls.js';
import { fmtMB, fmtMs, fmtTriple, runSeries, table, type Series } from './measure.js';
import type { Tools } from './tree-scan.js';

export const CALL_COUNTS = [1000, 8000, 64000] as const;

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
    const { spawnSync } = await import('node:child_process');
    const out = spawnSync(command.cmd, command.args, { encoding: 'utf8', env: { ...process.env, ...command.env }, maxBuffer: 1 << 30 });
    const found = (JSON.parse(out.stdout) as { calls: unknown[] }).calls.length;
    // The largest file once after the check run: its runs are minutes of a shared machine.
    const series = await runSeries(`${calls} calls`, command, calls > 8000 ? Math.min(runs, 2) : runs, 0);
    log(`  ${calls} calls: ${fmtTriple(series.time)}${series.rss ? `, peak RSS ${fmtMB(series.rss.median)}` : ''}`);
    rows.push({ calls, megabytes: Buffer.byteLength(text) / 1e6, series, found });
  }
  return rows;
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
