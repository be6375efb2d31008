// `npm run bench`: the figures of issue 6, each as min / median / max over several runs, side by
// side with ripgrep and Coccinelle where installed. Fetches Debian's kernel tree into the cache when
// it is missing and builds dist/ first. BENCHMARKS.md explains the sections and holds the results.
//
// usage: npm run bench -- [--tree 6.12|6.1|5.10|7.2|7.3] [--runs N] [--cocci-runs N] [--plain-runs N]
//                         [--sections tree,scaling,calls,parsers,read,editor] [--no-build] [--json FILE]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, homedir, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { findRipgrep } from '../../server/scan/ripgrep.js';
import { callsTable, measureCallsPerFile } from './calls-per-file.js';
import { editLatency, extensionLoad, hoverLatency, serverStartup, type Latency } from './editor.js';
import { fmtMB, fmtMs, fmtTriple, pairedRatio, table } from './measure.js';
import { measureParsers, measureRead } from './parsers.js';
import { answerHelp } from '../help.mjs';
import { FIRST_RUN, measureTree, scalingTable, subsetTree, treeTable, type Tools, type TreeFigures } from './tree-scan.js';

const root = join(__dirname, '../..');

answerHelp(__filename);
const SECTIONS = ['tree', 'scaling', 'calls', 'parsers', 'read', 'editor'] as const;

function options() {
  try {
    const { values } = parseArgs({
      options: {
        tree: { type: 'string', default: '6.12' },
        runs: { type: 'string', default: '5' },
        'cocci-runs': { type: 'string', default: '3' },
        'plain-runs': { type: 'string', default: '1' },
        sections: { type: 'string', default: SECTIONS.join(',') },
        'no-build': { type: 'boolean', default: false },
        json: { type: 'string' },
      },
      strict: true,
    });
    const int = (name: string, v: string) => {
      if (!/^\d+$/.test(v)) throw new Error(`--${name} wants a number, not '${v}'`);
      return Number(v);
    };
    const sections = values.sections!.split(',');
    const bad = sections.find((s) => !(SECTIONS as readonly string[]).includes(s));
    if (bad) throw new Error(`unknown section '${bad}' (known: ${SECTIONS.join(', ')})`);
    if (!['5.10', '6.1', '6.12', '7.2', '7.3'].includes(values.tree!)) throw new Error(`--tree: 5.10, 6.1, 6.12, 7.2 or 7.3, not '${values.tree}'`);
    return {
      tree: values.tree!,
      runs: Math.max(1, int('runs', values.runs!)),
      cocciRuns: int('cocci-runs', values['cocci-runs']!),
      plainRuns: int('plain-runs', values['plain-runs']!),
      sections: new Set(sections),
      build: !values['no-build'],
      json: values.json,
    };
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const firstLine = (cmd: string, args: string[]) => {
  const out = spawnSync(cmd, args, { encoding: 'utf8' });
  return out.status === 0 ? out.stdout.split('\n')[0]!.trim() : undefined;
};
const which = (name: string) => firstLine('sh', ['-c', `command -v ${name}`]);

async function main() {
  const o = options();
  const cache = process.env.PINSIGHT_CACHE ?? join(homedir(), '.cache/pinsight');
  log(`bench: kernel tree ${o.tree} (fetched into ${cache} if missing) ...`);
  const fetched = spawnSync('bash', [join(root, 'scripts/fetch-kernel.sh'), o.tree], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (fetched.status !== 0) throw new Error('scripts/fetch-kernel.sh failed');
  const tree = fetched.stdout.trim().split('\n').pop()!;
  if (o.build) {
    log('bench: npm run build ...');
    if (spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' }).status !== 0) throw new Error('build failed');
  }
  const tools: Tools = {
    node: process.execPath,
    cli: join(root, 'dist/cli.js'),
    rg: findRipgrep(),
    spatch: which('spatch'),
    cocci: join(root, 'scripts/bench/foll-force-gup.cocci'),
  };
  const report: string[] = [];
  const out = (text = '') => {
    report.push(text);
    process.stdout.write(`${text}\n`);
  };
  const results: Record<string, unknown> = {};

  out(`# pinsight benchmark (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC)`);
  out();
  out(`- machine: ${cpus()[0]?.model ?? '?'}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  out(`- node ${process.version}; ${tools.rg ? firstLine(tools.rg, ['--version']) : 'ripgrep not installed'}; ${tools.spatch ? firstLine(tools.spatch, ['--version']) : 'coccinelle not installed'}`);
  out(`- tree: ${tree}`);
  out(`- each figure: min / median / max over ${o.runs} runs after one warm-up run (page cache warm)`);

  if (o.sections.has('tree')) {
    out();
    out(`## Whole tree: \`pinsight scan --format json\` against ripgrep and Coccinelle`);
    log('bench: whole tree ...');
    const figures = await measureTree(tools, tree, o.tree, { runs: o.runs, plainRuns: o.plainRuns, cocciRuns: o.cocciRuns, nodePath: true, cachedPath: true, log });
    results.tree = figures;
    out();
    out(`${figures.files} .c/.h files, ${figures.megabytes.toFixed(0)} MB.`);
    out();
    out(treeTable(figures));
    out();
    out(`- identical JSON from every pinsight path and run: ${figures.identical ? 'yes' : 'NO'}`);
    if (figures.calls !== undefined) out(`- pinsight: ${figures.calls} GUP/PUP calls with their flag sets, ${figures.findings} findings`);
    if (figures.cocciMatches !== undefined) out(`- coccinelle (scripts/bench/foll-force-gup.cocci): ${figures.cocciMatches} FOLL_FORCE-reaching-GUP matches`);
    if (figures.stats) out(`- ${figures.stats}`);
    goals(figures, out);
  }

  if (o.sections.has('scaling')) {
    out();
    out('## Scaling: 1/8, 1/4, 1/2 and all of the tree');
    out();
    out('Subsets pick files by a hash of their path and are hard links into the cache (no copy).');
    const rows: { fraction: string; figures: TreeFigures }[] = [];
    for (const eighths of [1, 2, 4, 8]) {
      const fraction = eighths === 8 ? 'all' : `${eighths}/8`;
      log(`bench: scaling, ${fraction} ...`);
      const subset = await subsetTree(tree, cache, eighths);
      rows.push({
        fraction,
        figures: await measureTree(tools, subset, o.tree, { runs: o.runs, plainRuns: 0, cocciRuns: Math.min(o.cocciRuns, 1), nodePath: true, cachedPath: false, log }),
      });
    }
    results.scaling = rows;
    out();
    out(scalingTable(rows));
  }

  if (o.sections.has('calls')) {
    out();
    out('## Scaling: calls in one file (`pinsight scan --format json FILE`, result cache off)');
    out();
    out('Generated by scripts/bench/many-calls.ts --dense: short kernel-style functions of four GUP/PUP calls, about 60 bytes a call.');
    log('bench: calls per file ...');
    const rows = await measureCallsPerFile(tools, join(cache, 'bench', 'many-calls'), o.runs, log);
    results.calls = rows;
    out();
    out(callsTable(rows));
    out();
    out('Goal: linear in the calls (the time per 1,000 calls stays put); 8,000 calls within 2 s.');
  }

  if (o.sections.has('parsers')) {
    out();
    out('## Parsing the files that matter (in-process, one thread)');
    log('bench: parsers ...');
    const p = await measureParsers(root, tree, o.tree, o.runs);
    results.parsers = p;
    out();
    out(`${p.files} files name an entry point and are parsed (${p.megabytes.toFixed(1)} MB); their slices keep ${p.keptLines} of ${p.lines} lines (${((100 * p.keptLines) / p.lines).toFixed(0)}%). Native binding: ${p.native}.`);
    out();
    out(table(['step', 'min / median / max', 'MB of source / s'], p.rates.map((r) => [r.label, fmtTriple(r.ms), r.mbPerS.toFixed(1)])));
  }

  if (o.sections.has('read')) {
    out();
    out('## Reading the tree in Node (one thread, warm page cache)');
    log('bench: read ...');
    const r = await measureRead(tree, o.runs);
    results.read = r;
    out();
    out(table(['step', 'min / median / max', 'MB / s'], r.map((x) => [x.label, fmtTriple(x.ms), x.mbPerS.toFixed(0)])));
  }

  if (o.sections.has('editor')) {
    out();
    out('## Editor: the language server over JSON-RPC (`node dist/server.js --stdio`)');
    log('bench: editor ...');
    const server = join(root, 'dist/server.js');
    const gup = join(tree, 'mm/gup.c');
    const largest = largestC(tree);
    const umem = join(tree, 'drivers/infiniband/core/umem.c');
    const edits = Math.max(40, o.runs * 20);
    const rows: Latency[] = [];
    // The tree as the workspace: the edits are timed with its project index loaded.
    const gupEdit = await editLatency(tools.node, server, gup, middleLine(gup, /FOLL_/), edits, tree);
    rows.push({ ...gupEdit, label: 'edit -> diagnostics, mm/gup.c (project index loaded)' });
    const largeEdit = await editLatency(tools.node, server, largest, middleLine(largest), edits);
    rows.push({ ...largeEdit, label: `edit -> diagnostics, ${largest.slice(tree.length + 1)} (largest .c)` });
    const umemEdit = await editLatency(tools.node, server, umem, middleLine(umem, /pin_user_pages/), edits);
    rows.push({ ...umemEdit, label: 'edit -> diagnostics, drivers/infiniband/core/umem.c' });
    rows.push({ ...(await hoverLatency(tools.node, server, gup, positionsOf(gup, /\bFOLL_LONGTERM\b/, 3), edits)), label: 'hover, mm/gup.c (FOLL_LONGTERM)' });
    rows.push({ ...(await hoverLatency(tools.node, server, umem, positionsOf(umem, /\bpin_user_pages_fast\b/, 1), edits)), label: 'hover, umem.c (the pin_user_pages_fast call)' });
    out();
    out(table(['', 'samples', 'p50', 'p95', 'max'], rows.map((r) => [r.label, String(r.samples), fmtMs(r.p50), fmtMs(r.p95), fmtMs(r.max)])));
    out();
    if (gupEdit.index) out(`- the project index of the whole tree, built after \`initialized\` before the edits: ${gupEdit.index.line.replace(/^pinsight: /, '')}, in ${fmtMs(gupEdit.index.ms)}`);
    out(`- opening (first diagnostics): mm/gup.c ${fmtMs(gupEdit.openMs)}, largest .c ${fmtMs(largeEdit.openMs)}, umem.c ${fmtMs(umemEdit.openMs)} (${umemEdit.findings} diagnostics)`);
    const startup = await serverStartup(tools.node, server, o.runs);
    const load = extensionLoad(tools.node, join(root, 'dist/extension.js'), o.runs);
    out(`- extension activation, outside VS Code: loading dist/extension.js ${load ? fmtTriple(load) : 'failed'}; server start to initialize reply ${fmtTriple(startup)} (activate() awaits client.start(), which waits for that reply)`);
    results.editor = { rows, startup, load };
    out();
    out('Goals: edit p95 <= 5 ms on mm/gup.c and <= 30 ms on the largest .c; hover <= 20 ms; activation <= 300 ms.');
    out(`- mm/gup.c edit p95 ${fmtMs(gupEdit.p95)}: ${gupEdit.p95 <= 5 ? 'met' : 'NOT met'}; largest .c edit p95 ${fmtMs(largeEdit.p95)}: ${largeEdit.p95 <= 30 ? 'met' : 'NOT met'}`);
    const hoverP95 = Math.max(rows[3]!.p95, rows[4]!.p95);
    out(`- hover p95 ${fmtMs(hoverP95)}: ${hoverP95 <= 20 ? 'met' : 'NOT met'}; activation ~${fmtMs((load?.median ?? 0) + startup.median)}: ${(load?.median ?? Infinity) + startup.median <= 300 ? 'met' : 'NOT met'}`);
  }

  out();
  out(`Load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const jsonPath = o.json ?? join(cache, 'bench', `results-${o.tree}.json`);
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, JSON.stringify({ report: report.join('\n'), results }, null, 1));
  log(`bench: results in ${jsonPath}`);
}

function goals(f: TreeFigures, out: (t?: string) => void): void {
  const by = (l: string) => f.series.find((s) => s.label === l);
  const rg = by('ripgrep');
  const fast = by('pinsight');
  const cocci = by('coccinelle');
  out();
  out('Goals (issue 6):');
  const cached = by('pinsight (result cache warm)');
  if (rg && fast) {
    // Rounds ran ripgrep and pinsight one after the other: the ratio is taken per round.
    const ratio = pairedRatio(fast, rg);
    out(`- wall time <= 1.5x ripgrep: ${ratio.toFixed(2)}x (median over rounds of pinsight / ripgrep; medians ${(fast.time.median / rg.time.median).toFixed(2)}x, best runs ${(fast.time.min / rg.time.min).toFixed(2)}x): ${ratio <= 1.5 ? 'met' : 'NOT met'}`);
    if (cached) out(`  - with the result cache warm (unchanged files are not parsed again): ${pairedRatio(cached, rg).toFixed(2)}x`);
    const first = by(FIRST_RUN);
    if (first) out(`  - a first run, with no code cache either (the CLI's code compiled from scratch): ${pairedRatio(first, rg).toFixed(2)}x`);
  }
  if (fast?.rss) out(`- peak RSS <= 300 MB: ${fmtMB(fast.rss.max)} at most: ${fast.rss.max <= 300 ? 'met' : 'NOT met'}`);
  out(`- identical results: ${f.identical ? 'met' : 'NOT met'}`);
  if (cocci && fast) out(`- several times faster than Coccinelle: ${(cocci.time.median / fast.time.median).toFixed(1)}x`);
}

/** The largest .c file of the tree. */
function largestC(tree: string): string {
  const out = spawnSync('sh', ['-c', `find "${tree}" -name '*.c' -type f -printf '%s %p\\n' | sort -n | tail -1`], { encoding: 'utf8' });
  const path = out.stdout.trim().split(' ').slice(1).join(' ');
  if (!path || !existsSync(path)) throw new Error('cannot find the largest .c file');
  return path;
}

/** A line near the middle of the file (the first after it that matches `near`, if given). */
function middleLine(path: string, near?: RegExp): number {
  const lines = readFileSync(path, 'utf8').split('\n');
  const mid = lines.length >> 1;
  if (near) {
    for (let i = mid; i < lines.length; i++) if (near.test(lines[i]!)) return i;
    for (let i = mid; i >= 0; i--) if (near.test(lines[i]!)) return i;
  }
  return mid;
}

/** Up to `count` positions of `re` in the file (0-based line, UTF-16 column). */
function positionsOf(path: string, re: RegExp, count: number): { line: number; character: number }[] {
  const found: { line: number; character: number }[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((l, line) => {
      const m = re.exec(l);
      if (m && found.length < count && !/^\s*(\*|\/\*|\/\/)/.test(l)) found.push({ line, character: m.index + 1 });
    });
  if (found.length === 0) throw new Error(`${path}: nothing matches ${re}`);
  return found;
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
