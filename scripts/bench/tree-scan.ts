// The whole-tree figures: `pinsight scan --format json` (fast path with ripgrep, fast path with the
// Node byte search, and the plain path) against ripgrep and Coccinelle, on the whole tree and on
// 1/8, 1/4 and 1/2 of it.
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { walkDirectories } from '../../server/scan/walk.js';
import { fmtMB, fmtMs, fmtTriple, runInterleaved, runSeries, table, type Command, type Series } from './measure.js';

export interface Tools {
  node: string;
  cli: string;
  rg?: string;
  spatch?: string;
  cocci: string;
}

export interface TreeFigures {
  tree: string;
  files: number;
  megabytes: number;
  series: Series[];
  identical: boolean;
  calls?: number;
  findings?: number;
  cocciMatches?: number;
  stats?: string;
}

const RG_PATTERN = 'get_user_pages|pin_user_pages|FOLL_';

export const rgCommand = (tools: Tools, tree: string): Command => ({ cmd: tools.rg!, args: ['-l', '-t', 'c', '-t', 'h', RG_PATTERN, tree] });
export const spatchCommand = (tools: Tools, tree: string): Command => ({
  cmd: tools.spatch!,
  args: ['--very-quiet', '--sp-file', tools.cocci, '--dir', tree, '-j', '2'],
});
export const pinsightCommand = (tools: Tools, tree: string, kernel: string, env: NodeJS.ProcessEnv = {}): Command => ({
  cmd: tools.node,
  args: [tools.cli, 'scan', '--format', 'json', '--kernel', kernel, tree],
  env: { PINSIGHT_SCAN_STATS: '1', ...env },
});

export const FIRST_RUN = 'pinsight (no code cache)';

export interface TreeOptions {
  runs: number;
  plainRuns: number;
  cocciRuns: number;
  /** Also the Node byte-search path (PINSIGHT_PREFILTER=node). */
  nodePath: boolean;
  /** Also the fast path with its result cache warm (the default for the CLI). */
  cachedPath: boolean;
  log: (line: string) => void;
}

/** Every figure for one tree (or subset), each series run `runs` times after a warm-up. */
export async function measureTree(tools: Tools, tree: string, kernel: string, o: TreeOptions): Promise<TreeFigures> {
  const { files, bytes } = await sizeOf(tree);
  const series: Series[] = [];
  const add = async (label: string, command: Command, runs: number, warmup = 1) => {
    o.log(`  ${label} ...`);
    const s = await runSeries(label, command, runs, warmup);
    series.push(s);
    o.log(`  ${label}: ${fmtTriple(s.time)}${s.rss ? `, peak RSS ${fmtMB(s.rss.median)}` : ''}`);
    return s;
  };
  // ripgrep and the fast path side by side (runInterleaved). Every run analyses every candidate:
  // the result cache is off, except in the row that says so.
  const noCache = { PINSIGHT_SCAN_CACHE: '0' };
  const sideBySide = [
    ...(tools.rg ? [{ label: 'ripgrep', command: rgCommand(tools, tree) }] : []),
    { label: 'pinsight', command: pinsightCommand(tools, tree, kernel, noCache) },
    ...(o.cachedPath ? [{ label: 'pinsight (result cache warm)', command: pinsightCommand(tools, tree, kernel) }] : []),
    // A first run ever: the CLI's code is compiled from scratch too (server/cli/code-cache.ts).
    ...(o.cachedPath ? [{ label: FIRST_RUN, command: pinsightCommand(tools, tree, kernel, { ...noCache, PINSIGHT_CODE_CACHE: '0' }) }] : []),
  ];
  o.log(`  ${sideBySide.map((e) => e.label).join(', ')}, one run of each in turn ...`);
  for (const s of await runInterleaved(sideBySide, o.runs)) {
    series.push(s);
    o.log(`  ${s.label}: ${fmtTriple(s.time)}${s.rss ? `, peak RSS ${fmtMB(s.rss.median)}` : ''}`);
  }
  const fast = series.find((s) => s.label === 'pinsight')!;
  const cached = series.find((s) => s.label === 'pinsight (result cache warm)');
  const first = series.find((s) => s.label === FIRST_RUN);
  const node = o.nodePath ? await add('pinsight (no rg)', pinsightCommand(tools, tree, kernel, { ...noCache, PINSIGHT_PREFILTER: 'node' }), o.runs) : undefined;
  const plain = o.plainRuns > 0 ? await add('pinsight (plain path)', pinsightCommand(tools, tree, kernel, { PINSIGHT_SCAN: 'plain' }), o.plainRuns, 0) : undefined;
  let cocciMatches: number | undefined;
  if (tools.spatch && o.cocciRuns > 0) {
    const s = await add('coccinelle', spatchCommand(tools, tree), o.cocciRuns, 0);
    cocciMatches = s.runs[0]!.outBytes > 0 ? await countCocciMatches(tools, tree) : 0;
  }
  const hashes = new Set([fast, cached, first, node, plain].filter((s): s is Series => !!s).flatMap((s) => s.runs.map((r) => r.outHash)));
  const json = await firstOutput(tools, tree, kernel);
  return {
    tree,
    files,
    megabytes: bytes / 1e6,
    series,
    identical: hashes.size === 1,
    calls: json?.calls,
    findings: json?.findings,
    cocciMatches,
    stats: fast.runs[0]!.stderr.split('\n').find((l) => l.startsWith('pinsight scan stats')),
  };
}

async function firstOutput(tools: Tools, tree: string, kernel: string): Promise<{ calls: number; findings: number } | undefined> {
  const { spawnSync } = await import('node:child_process');
  const out = spawnSync(tools.node, [tools.cli, 'scan', '--format', 'json', '--kernel', kernel, tree], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, PINSIGHT_SCAN_CACHE: '0' },
  });
  try {
    const json = JSON.parse(out.stdout) as { calls: unknown[]; findings: unknown[] };
    return { calls: json.calls.length, findings: json.findings.length };
  } catch {
    return undefined;
  }
}

async function countCocciMatches(tools: Tools, tree: string): Promise<number> {
  const { spawnSync } = await import('node:child_process');
  const out = spawnSync(tools.spatch!, spatchCommand(tools, tree).args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  return out.stdout.split('\n').filter((l) => /:\d+: /.test(l)).length;
}

/** .c/.h files and their bytes, as the scan lists them. */
export async function sizeOf(tree: string): Promise<{ files: number; bytes: number }> {
  let bytes = 0;
  const files = await walkDirectories([tree], (batch) => {
    for (const f of batch) bytes += statSync(f).size;
  });
  return { files, bytes };
}

/** The report rows of one tree: wall time, ratio to ripgrep, peak RSS. */
export function treeTable(f: TreeFigures): string {
  const rg = f.series.find((s) => s.label === 'ripgrep');
  const rows = f.series.map((s) => [
    s.label,
    fmtTriple(s.time),
    rg && s !== rg ? `${(s.time.median / rg.time.median).toFixed(2)}x` : s === rg ? '1x' : '',
    s.rss ? fmtMB(s.rss.median) : '?',
    `${s.load[0].toFixed(1)} -> ${s.load[1].toFixed(1)}`,
  ]);
  return table(['', 'wall min / median / max', 'vs ripgrep (median)', 'peak RSS', 'load 1-min'], rows);
}

// ---- subsets, for the scaling table ------------------------------------------------------------

/** FNV-1a: a stable hash of a path, to pick the same subset on every machine. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * `eighths`/8 of the tree's source files (chosen by a hash of their path), hard-linked into a
 * directory of the cache: no data is copied, and the page cache is shared with the full tree.
 */
export async function subsetTree(tree: string, cacheDir: string, eighths: number): Promise<string> {
  if (eighths >= 8) return tree;
  const dir = join(cacheDir, 'bench', `${tree.split('/').pop()}-${eighths}of8`);
  if (existsSync(join(dir, '.pinsight-complete'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  const made = new Set<string>();
  await walkDirectories([tree], (batch) => {
    for (const file of batch) {
      const rel = relative(tree, file);
      if (fnv1a(rel) % 8 >= eighths) continue;
      const target = join(dir, rel);
      const parent = dirname(target);
      if (!made.has(parent)) {
        mkdirSync(parent, { recursive: true });
        made.add(parent);
      }
      linkSync(file, target);
    }
  });
  const makefile = join(tree, 'Makefile');
  if (existsSync(makefile)) writeFileSync(join(dir, 'Makefile'), readFileSync(makefile));
  writeFileSync(join(dir, '.pinsight-complete'), '');
  return dir;
}

export function scalingTable(rows: { fraction: string; figures: TreeFigures }[]): string {
  const labels = [...new Set(rows.flatMap((r) => r.figures.series.map((s) => s.label)))];
  const header = ['part of the tree', 'files', 'MB', ...labels.map((l) => `${l} (median)`), 'pinsight / ripgrep'];
  const body = rows.map(({ fraction, figures }) => {
    const by = (l: string) => figures.series.find((s) => s.label === l);
    const rg = by('ripgrep');
    const fast = by('pinsight');
    return [
      fraction,
      String(figures.files),
      figures.megabytes.toFixed(0),
      ...labels.map((l) => {
        const s = by(l);
        return s ? fmtMs(s.time.median) : '-';
      }),
      rg && fast ? `${(fast.time.median / rg.time.median).toFixed(2)}x` : '-',
    ];
  });
  return table(header, body);
}
