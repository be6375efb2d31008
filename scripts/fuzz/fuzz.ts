// The fuzz run: mutated real files (and, optionally, the giants) through the engine (every input,
// in a worker with a watchdog), the language server (every input or a sample) and the CLI (a
// sample, as subprocesses). Every input is rebuilt from (seed, index) alone; failing inputs are
// saved with how to replay them, and engine failures are minimized.
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonScanProblem, runCliAsync } from './cli-judge.js';
import { loadCorpus, type Corpus } from './corpus.js';
import { EngineTarget, type EngineResult } from './engine-target.js';
import { giants } from './giants.js';
import { minimize } from './minimize.js';
import { MUTATORS, mutate } from './mutate.js';
import { Rng } from './rng.js';
import { ServerTarget } from './server-target.js';

export interface FuzzOptions {
  seed: number;
  count: number;
  /** Indices to run instead of 0..count-1 (a replay). */
  only?: number[];
  targets: { engine: boolean; server: boolean; cli: boolean };
  /** Every n-th input goes to the server / the CLI. */
  serverEvery: number;
  cliEvery: number;
  giants: boolean;
  corpus: 'kernel' | 'fixtures';
  /** Where failing inputs and report.json go. */
  out: string;
  /** dist/ with cli.js and server.js (copied first, so a rebuild during the run changes nothing). */
  dist: string;
  /** A server request slower than this counts as slow (the issue's "no request over 1 s"). */
  budgetMs: number;
  /** Watchdogs: an input taking longer than this is a hang. */
  hangMs: number;
  giantHangMs: number;
  minimize: boolean;
}

export interface Failure {
  index: number | string;
  target: 'engine' | 'server' | 'cli';
  source: string;
  ops: string[];
  problem: string;
  saved?: string;
  minimized?: string;
}

export interface Stats {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export interface FuzzReport {
  seed: number;
  count: number;
  corpus: string;
  seconds: number;
  engine: { inputs: number; crashes: number; hangs: number; fixesChecked: number; sliceMismatches: number; analyzeMs: Stats; slowest: { index: number | string; source: string; ms: number; kb: number }[]; calls: number; findings: number };
  server: { inputs: number; requests: number; crashes: number; hangs: number; slow: number; treeDiffers: number; treeDifferExamples: { index: number; source: string; ops: string[]; changes: string }[]; slowest: { index: number; method: string; ms: number }[]; latency: Stats; rssMb: { warm?: number; max?: number; end?: number }; restarts: number };
  cli: { runs: number; failures: number; ms: Stats };
  giants: { name: string; mb: number; engineMs?: number; engine: string; cli: string[]; server: string; serverMaxMs?: number }[];
  failures: Failure[];
  sliceMismatchExamples: { index: number; source: string; ops: string[] }[];
}

export interface Input {
  bytes: Buffer;
  source: string;
  ops: string[];
  kernel: string;
  rng: Rng;
}

/** Input `index` of a run with `seed`: a real file, mutated; now and then random binary. */
export function makeInput(corpus: Corpus, seed: number, index: number): Input {
  const rng = Rng.forInput(seed, index);
  const kernel = rng.pick(['6.1', '6.12']);
  if (rng.chance(0.01)) return { bytes: rng.bytes(rng.int(1, 256 * 1024)), source: '(random binary)', ops: [], kernel, rng };
  const pool = corpus.interesting.length > 0 && (rng.chance(0.7) || corpus.other.length === 0) ? corpus.interesting : corpus.other;
  const source = rng.pick(pool);
  let original: Buffer = readFileSync(join(corpus.root, source));
  const forced = pool === corpus.interesting && rng.chance(0.3);
  // Real GUP callers turned into the FOLL_FORCE idiom, so the fixes are exercised on real code too.
  if (forced) original = MUTATORS['force-flags']!(original, rng);
  const { bytes, ops } = mutate(original, rng);
  return { bytes, source, ops: forced ? ['force-flags', ...ops] : ops, kernel, rng };
}

export function stats(values: number[]): Stats {
  if (values.length === 0) return { n: 0, p50: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const round = (x: number) => Math.round(x * 10) / 10;
  return { n: values.length, p50: round(at(0.5)), p99: round(at(0.99)), max: round(sorted[sorted.length - 1]!) };
}

/** A private copy of dist/ (a rebuild by someone else during a long run must not change the code under test). */
function snapshotDist(dist: string): string {
  if (!existsSync(join(dist, 'cli.js')) || !existsSync(join(dist, 'server.js'))) throw new Error(`${dist} has no cli.js/server.js: run \`npm run build\` first`);
  const copy = mkdtempSync(join(tmpdir(), 'pinsight-fuzz-dist-'));
  for (const name of ['cli.js', 'server.js', 'tree-sitter.wasm', 'tree-sitter-c.wasm']) copyFileSync(join(dist, name), join(copy, name));
  for (const dir of ['queries', 'workers']) if (existsSync(join(dist, dir))) cpSync(join(dist, dir), join(copy, dir), { recursive: true });
  // Bundles besides cli.js/server.js (worker threads of the whole-tree scan) go along.
  for (const name of readdirSync(dist)) if (name.endsWith('.js') && !existsSync(join(copy, name))) copyFileSync(join(dist, name), join(copy, name));
  return copy;
}

export async function runFuzz(options: FuzzOptions, log: (line: string) => void = () => {}): Promise<FuzzReport> {
  const started = performance.now();
  const corpus = loadCorpus(options.corpus, log);
  if (corpus.interesting.length + corpus.other.length === 0) throw new Error('fuzz: the corpus is empty');
  mkdirSync(options.out, { recursive: true });
  const dist = options.targets.cli || options.targets.server ? snapshotDist(options.dist) : '';
  const work = mkdtempSync(join(tmpdir(), 'pinsight-fuzz-files-'));
  const engine = new EngineTarget();
  const server = options.targets.server ? new ServerTarget(join(dist, 'server.js')) : undefined;
  const failures: Failure[] = [];
  const analyzeMs: number[] = [];
  const latencies: number[] = [];
  const cliMs: number[] = [];
  const slow: { index: number; method: string; ms: number }[] = [];
  const engineSlow: FuzzReport['engine']['slowest'] = [];
  const sliceMismatchExamples: FuzzReport['sliceMismatchExamples'] = [];
  const report: FuzzReport = {
    seed: options.seed,
    count: options.only ? options.only.length : options.count,
    corpus: `${corpus.label}: ${corpus.interesting.length} files naming GUP/FOLL_, ${corpus.other.length} others`,
    seconds: 0,
    engine: { inputs: 0, crashes: 0, hangs: 0, fixesChecked: 0, sliceMismatches: 0, analyzeMs: stats([]), slowest: [], calls: 0, findings: 0 },
    server: { inputs: 0, requests: 0, crashes: 0, hangs: 0, slow: 0, treeDiffers: 0, treeDifferExamples: [], slowest: [], latency: stats([]), rssMb: {}, restarts: 0 },
    cli: { runs: 0, failures: 0, ms: stats([]) },
    giants: [],
    failures,
    sliceMismatchExamples,
  };

  const save = (failure: Failure, bytes: Buffer): void => {
    const name = `input-${String(failure.index).replace(/\W+/g, '-')}-${failure.target}`;
    failure.saved = join(options.out, `${name}.c`);
    writeFileSync(failure.saved, bytes);
    writeFileSync(join(options.out, `${name}.json`), JSON.stringify({ ...failure, replay: `npm run fuzz -- --seed ${options.seed} --only ${failure.index}` }, null, 2));
    failures.push(failure);
    log(`  FAIL #${failure.index} ${failure.target} (${failure.source} ${failure.ops.join('+')}): ${failure.problem}`);
  };

  const judgeEngine = async (index: number | string, input: Pick<Input, 'bytes' | 'source' | 'ops' | 'kernel'>, limitMs: number): Promise<EngineResult> => {
    const result = await engine.run(input.bytes, input.kernel, input.source, limitMs);
    report.engine.inputs++;
    if (result.kind === 'hang') {
      report.engine.hangs++;
      save({ index, target: 'engine', source: input.source, ops: input.ops, problem: `hang: no answer within ${limitMs} ms` }, input.bytes);
    } else if (result.kind === 'threw' || result.outcome.problems.length > 0) {
      report.engine.crashes++;
      const problem = result.kind === 'threw' ? result.error : result.outcome.problems.join('; ');
      const failure: Failure = { index, target: 'engine', source: input.source, ops: input.ops, problem };
      save(failure, input.bytes);
      if (options.minimize && typeof index === 'number') {
        const key = problem.slice(0, 50);
        const still = async (bytes: Buffer) => {
          const r = await engine.run(bytes, input.kernel, input.source, limitMs);
          return (r.kind === 'threw' ? r.error : r.kind === 'done' ? r.outcome.problems.join('; ') : '').startsWith(key);
        };
        const small = await minimize(input.bytes, still);
        failure.minimized = failure.saved!.replace(/\.c$/, '.min.c');
        writeFileSync(failure.minimized, small);
        log(`    minimized to ${small.length} bytes: ${failure.minimized}`);
      }
    } else {
      analyzeMs.push(result.outcome.analyzeMs);
      engineSlow.push({ index, source: input.source, ms: Math.round(result.outcome.analyzeMs), kb: Math.round(input.bytes.length / 1024) });
      if (engineSlow.length > 50) engineSlow.sort((a, b) => b.ms - a.ms).splice(10);
      report.engine.fixesChecked += result.outcome.fixesChecked;
      report.engine.calls += result.outcome.calls;
      report.engine.findings += result.outcome.findings;
      if (result.outcome.sliceMismatch) {
        report.engine.sliceMismatches++;
        if (typeof index === 'number' && sliceMismatchExamples.length < 20) sliceMismatchExamples.push({ index, source: input.source, ops: input.ops });
      }
    }
    return result;
  };

  const judgeServer = async (index: number, input: Input, text: string, limitMs: number): Promise<{ problems: string[]; maxMs: number }> => {
    const outcome = await server!.run(index, text, input.rng, limitMs);
    report.server.inputs++;
    report.server.requests += outcome.requests.length;
    let maxMs = 0;
    for (const r of outcome.requests) {
      if (r.method === 'pinsight/documentText') continue; // the harness's own check (a fresh parse), not an editor request
      latencies.push(r.ms);
      maxMs = Math.max(maxMs, r.ms);
      if (r.ms > options.budgetMs) {
        report.server.slow++;
        slow.push({ index, method: r.method, ms: Math.round(r.ms) });
      }
    }
    if (outcome.treeDiffers) {
      report.server.treeDiffers++;
      if (report.server.treeDifferExamples.length < 10) report.server.treeDifferExamples.push({ index, source: input.source, ops: input.ops, changes: outcome.treeDiffers });
    }
    if (outcome.hang) {
      report.server.hangs++;
      save({ index, target: 'server', source: input.source, ops: input.ops, problem: outcome.hang }, input.bytes);
    } else if (outcome.problems.length > 0) {
      report.server.crashes++;
      save({ index, target: 'server', source: input.source, ops: input.ops, problem: outcome.problems.join('; ') }, input.bytes);
    }
    return { problems: outcome.hang ? [outcome.hang, ...outcome.problems] : outcome.problems, maxMs };
  };

  const judgeCli = async (index: number | string, input: Pick<Input, 'bytes' | 'source' | 'ops' | 'kernel'>, plain: boolean, limitMs: number): Promise<string | undefined> => {
    const file = join(work, `input-${String(index).replace(/\W+/g, '-')}.c`);
    writeFileSync(file, input.bytes);
    const run = await runCliAsync(join(dist, 'cli.js'), ['scan', '--format', 'json', '--kernel', input.kernel, file], {
      env: { ...process.env, PINSIGHT_SCAN: plain ? 'plain' : '' },
      cwd: work,
      timeoutMs: limitMs,
    });
    rmSync(file, { force: true });
    report.cli.runs++;
    cliMs.push(run.ms);
    const problem = jsonScanProblem(run);
    if (problem) {
      report.cli.failures++;
      save({ index, target: 'cli', source: input.source, ops: [...input.ops, plain ? 'plain path' : 'fast path'], problem }, input.bytes);
    }
    return problem;
  };

  const indices = options.only ?? Array.from({ length: options.count }, (_, i) => i);
  const decoder = new TextDecoder('utf-8');
  let lastLog = performance.now();
  try {
    for (const [n, index] of indices.entries()) {
      const input = makeInput(corpus, options.seed, index);
      if (options.targets.engine) await judgeEngine(index, input, options.hangMs);
      if (server && index % options.serverEvery === 0) {
        let text = decoder.decode(input.bytes);
        // JSON carries lone surrogates, which no file on disk can: the server must cope with them.
        if (input.rng.chance(0.05)) {
          const p = input.rng.int(0, text.length);
          text = text.slice(0, p) + input.rng.pick(['\ud83d', '\udc27', '\udc27\ud83d']) + text.slice(p);
        }
        await judgeServer(index, input, text, options.hangMs);
        if (n % 100 === 0) server.sampleRss(index);
      }
      if (options.targets.cli && index % options.cliEvery === 0) await judgeCli(index, input, input.rng.chance(0.5), options.hangMs * 3);
      if (performance.now() - lastLog > 30_000) {
        lastLog = performance.now();
        log(`  ${n + 1}/${indices.length} inputs, ${failures.length} failure(s), ${Math.round((performance.now() - started) / 1000)} s`);
      }
    }
    server?.sampleRss(indices[indices.length - 1] ?? 0);

    if (options.giants) {
      for (const giant of giants(corpus, options.seed)) {
        const input = { bytes: giant.bytes, source: giant.name, ops: [], kernel: '6.1' };
        const row: FuzzReport['giants'][number] = { name: giant.name, mb: Math.round((giant.bytes.length / 1024 / 1024) * 10) / 10, engine: 'ok', cli: [], server: 'skipped' };
        log(`  giant: ${giant.name}`);
        if (options.targets.engine) {
          const t = performance.now();
          const result = await judgeEngine(`giant ${giant.name}`, input, options.giantHangMs);
          row.engineMs = Math.round(performance.now() - t);
          row.engine = result.kind === 'done' && result.outcome.problems.length === 0 ? 'ok' : result.kind === 'hang' ? 'hang' : 'crash';
        }
        if (options.targets.cli) {
          for (const plain of [false, true]) {
            const t = performance.now();
            const problem = await judgeCli(`giant ${giant.name} ${plain ? 'plain' : 'fast'}`, input, plain, options.giantHangMs);
            row.cli.push(`${plain ? 'plain' : 'fast'}: ${problem ?? 'ok'} (${Math.round(performance.now() - t)} ms)`);
          }
        }
        if (server) {
          // Latencies of the giants are reported on their own, not in the 1 s budget of real files.
          const before = latencies.length;
          const outcome = await server.run(-1, decoder.decode(giant.bytes), Rng.forInput(options.seed, -2), options.giantHangMs);
          const ms = outcome.requests.map((r) => r.ms);
          latencies.length = before;
          row.serverMaxMs = ms.length ? Math.round(Math.max(...ms)) : undefined;
          row.server = outcome.hang ? `hang: ${outcome.hang}` : outcome.problems.length ? `crash: ${outcome.problems.join('; ')}` : 'ok';
          if (outcome.hang || outcome.problems.length) {
            if (outcome.hang) report.server.hangs++;
            else report.server.crashes++;
            save({ index: `giant ${giant.name}`, target: 'server', source: giant.name, ops: [], problem: row.server }, giant.bytes);
          }
        }
        report.giants.push(row);
      }
    }
  } finally {
    await engine.close();
    const code = await server?.close();
    if (server && code !== 0 && code !== undefined) log(`  the server exited with ${code} on shutdown`);
    if (server) report.server.restarts = server.restarts;
    rmSync(work, { recursive: true, force: true });
    if (dist) rmSync(dist, { recursive: true, force: true });
  }

  report.engine.analyzeMs = stats(analyzeMs);
  report.engine.slowest = engineSlow.sort((a, b) => b.ms - a.ms).slice(0, 10);
  report.server.latency = stats(latencies);
  report.server.slowest = slow.sort((a, b) => b.ms - a.ms).slice(0, 10);
  report.cli.ms = stats(cliMs);
  if (server && server.rss.length > 0) {
    const mb = (b: number) => Math.round(b / 1024 / 1024);
    const warmAt = server.rss[Math.min(server.rss.length - 1, Math.floor(server.rss.length / 10))]!;
    report.server.rssMb = { warm: mb(warmAt.bytes), max: mb(Math.max(...server.rss.map((r) => r.bytes))), end: mb(server.rss[server.rss.length - 1]!.bytes) };
  }
  report.seconds = Math.round((performance.now() - started) / 100) / 10;
  writeFileSync(join(options.out, 'report.json'), JSON.stringify(report, null, 2));
  return report;
}

/** The report as a few lines for a terminal. */
export function summarize(r: FuzzReport): string[] {
  const s = (x: Stats) => `p50 ${x.p50} ms, p99 ${x.p99} ms, max ${x.max} ms`;
  const lines = [
    `fuzz: seed ${r.seed}, ${r.count} inputs from ${r.corpus}, ${r.seconds} s`,
    `  engine: ${r.engine.inputs} inputs, ${r.engine.crashes} crash(es), ${r.engine.hangs} hang(s); ${r.engine.calls} calls, ${r.engine.findings} findings, ${r.engine.fixesChecked} preferred fixes applied and re-parsed; parse+analysis ${s(r.engine.analyzeMs)}; sliced scan differs from whole-file on ${r.engine.sliceMismatches}`,
  ];
  for (const x of r.engine.slowest.slice(0, 3)) lines.push(`    slowest: #${x.index} ${x.source} (${x.kb} KB) ${x.ms} ms`);
  if (r.server.inputs > 0) {
    lines.push(
      `  server: ${r.server.inputs} documents, ${r.server.requests} requests, ${r.server.crashes} crash(es), ${r.server.hangs} hang(s), ${r.server.slow} over the budget; latency ${s(r.server.latency)}; incremental tree differs from a fresh parse on ${r.server.treeDiffers}; RSS ${r.server.rssMb.warm} MB after warm-up, max ${r.server.rssMb.max} MB, end ${r.server.rssMb.end} MB; ${r.server.restarts} restart(s)`,
    );
    for (const x of r.server.slowest.slice(0, 3)) lines.push(`    slow: #${x.index} ${x.method} ${x.ms} ms`);
  }
  if (r.cli.runs > 0) lines.push(`  cli: ${r.cli.runs} runs, ${r.cli.failures} failure(s); ${s(r.cli.ms)}`);
  for (const g of r.giants) lines.push(`  giant ${g.name} (${g.mb} MB): engine ${g.engine}${g.engineMs !== undefined ? ` ${g.engineMs} ms` : ''}; cli ${g.cli.join(', ') || 'skipped'}; server ${g.server}${g.serverMaxMs !== undefined ? ` (slowest request ${g.serverMaxMs} ms)` : ''}`);
  lines.push(r.failures.length === 0 ? '  0 failures' : `  ${r.failures.length} FAILURE(S): inputs saved beside report.json`);
  return lines;
}
