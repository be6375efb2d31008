// `npm run fuzz -- [--seed N] [--count N] [--only I,J] [--targets engine,server,cli] [--server-every N]
//   [--cli-every N] [--no-giants] [--corpus kernel|fixtures] [--out DIR] [--budget-ms N] [--hang-ms N]
//   [--dist DIR] [--no-minimize]`  (RELIABILITY.md explains each)
// `npm run fuzz -- --fix-safety [--tree DIR] [--force-flags]`: scan --fix over a copy of a whole tree (fix-safety.ts).
// Prints what it ran and what it found; exit 0 when nothing failed, 1 otherwise, 2 on bad usage.
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { defaultFixSafetyTree, fixSafety, fixSafetyAvailable } from './fix-safety.js';
import { runFuzz, summarize, type FuzzOptions } from './fuzz.js';
import { answerHelp } from '../help.mjs';

answerHelp(__filename);

function usage(message: string): never {
  process.stderr.write(`fuzz: ${message}\n`);
  process.exit(2);
}

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) usage(`--${name} wants a non-negative integer, not '${value}'`);
  return Number(value);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: false,
      strict: true,
      options: {
        seed: { type: 'string' },
        count: { type: 'string' },
        only: { type: 'string' },
        targets: { type: 'string' },
        'server-every': { type: 'string' },
        'cli-every': { type: 'string' },
        'no-giants': { type: 'boolean' },
        corpus: { type: 'string' },
        out: { type: 'string' },
        dist: { type: 'string' },
        'budget-ms': { type: 'string' },
        'hang-ms': { type: 'string' },
        'no-minimize': { type: 'boolean' },
        'fix-safety': { type: 'boolean' },
        tree: { type: 'string' },
        'force-flags': { type: 'boolean' },
      },
    });
  } catch (error) {
    usage((error as Error).message.split('\n')[0]!);
  }
  const v = parsed.values;
  if (v['fix-safety']) return runFixSafety(v.tree, v.dist ?? join(__dirname, '../../dist'), v['force-flags'] === true);
  const seed = integer('seed', v.seed, Math.floor(Math.random() * 2 ** 31));
  const targets = (v.targets ?? 'engine,server,cli').split(',');
  for (const t of targets) if (!['engine', 'server', 'cli'].includes(t)) usage(`unknown target '${t}' (engine, server, cli)`);
  const corpus = v.corpus ?? 'kernel';
  if (corpus !== 'kernel' && corpus !== 'fixtures') usage(`--corpus is kernel or fixtures, not '${corpus}'`);
  const only = v.only?.split(',').map((x) => integer('only', x, 0));
  const options: FuzzOptions = {
    seed,
    count: integer('count', v.count, 1000),
    only,
    targets: { engine: targets.includes('engine'), server: targets.includes('server'), cli: targets.includes('cli') },
    serverEvery: Math.max(1, integer('server-every', v['server-every'], 1)),
    cliEvery: Math.max(1, integer('cli-every', v['cli-every'], 25)),
    giants: !v['no-giants'] && !only,
    corpus,
    out: v.out ?? join(tmpdir(), `pinsight-fuzz-seed${seed}`),
    dist: v.dist ?? join(__dirname, '../../dist'),
    budgetMs: integer('budget-ms', v['budget-ms'], 1000),
    hangMs: integer('hang-ms', v['hang-ms'], 30_000),
    giantHangMs: 600_000,
    minimize: !v['no-minimize'],
  };
  const what = only ? `inputs ${only.join(', ')}` : `${options.count} inputs`;
  console.log(`fuzz: seed ${seed}, ${what}, targets ${targets.join('+')} (server every ${options.serverEvery}, cli every ${options.cliEvery}), giants ${options.giants ? 'on' : 'off'}, out ${options.out}`);
  const report = await runFuzz(options, (line) => console.log(line));
  for (const line of summarize(report)) console.log(line);
  console.log(`fuzz: report in ${join(options.out, 'report.json')}; replay one input with --seed ${seed} --only I`);
  process.exitCode = report.failures.length === 0 ? 0 : 1;
}

async function runFixSafety(given: string | undefined, dist: string, force: boolean): Promise<void> {
  const tree = given ?? defaultFixSafetyTree();
  if (!fixSafetyAvailable(tree)) {
    console.log(`fix-safety: no kernel tree${given ? ` at ${given}` : ' cached'} (bash scripts/fetch-kernel.sh): skipped`);
    return;
  }
  const report = await fixSafety(tree, join(dist, 'cli.js'), (line) => console.log(line), { force });
  const s = report.seconds;
  console.log(`fix-safety: ${report.tree} (Linux ${report.kernel}): ${report.files} C files, ${report.fixedFindings}; ${report.changedFiles} changed file(s) checked; second run changed ${report.secondRunChanged} file(s)`);
  console.log(`fix-safety: copy ${s.copy.toFixed(1)} s, scan --fix ${s.fix.toFixed(1)} s, checks ${s.check.toFixed(1)} s, second run ${s.second.toFixed(1)} s`);
  for (const p of report.problems) console.log(`  PROBLEM ${p}`);
  console.log(report.problems.length === 0 ? 'fix-safety: 0 problems' : `fix-safety: ${report.problems.length} PROBLEM(S)`);
  process.exitCode = report.problems.length === 0 ? 0 : 1;
}

main().catch((error) => {
  process.stderr.write(`fuzz: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 2;
});
