// The whole-tree scan behind `pinsight scan`: the same answer as analysing every file with
// analyzeFile() (the plain path, server/cli/scan.ts), at about the speed of ripgrep.
//
// 1. Candidates: ripgrep lists the files that name an entry point when it is on PATH; otherwise
//    (or when it fails) the tree is walked in Node (walk.ts) and every file goes to the readers.
// 2. Readers: the main thread and, once there is enough work, one worker thread per further core
//    (pool.ts) read each file once, reject it with a byte search unless it names an entry point
//    (needles.ts), and parse only what the engine can read (slice.ts) before calling the engine
//    (analyze-source.ts). A small scan never starts a worker.
// 3. The results come back sorted by path, as the plain path lists them.
//
// Environment, for benchmarks and tests: PINSIGHT_PREFILTER=auto|rg|node, PINSIGHT_WORKERS=N (worker
// threads beside the main thread), PINSIGHT_SCAN_STATS=1 (one line of counters and timings on stderr).
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { MacroFacts } from '../engine/macro-facts.js';
import { loadCParser, type CParser } from '../engine/parser.js';
import type { ScanCounters } from './analyze-source.js';
import type { CacheEntries, FileResult } from './file-result.js';
import { defaultWorkerCount, Lanes, type WorkerConfig } from './pool.js';
import { ResultCache, type CacheLocation } from './result-cache.js';
import { envPrefilter, planRipgrep, type Prefilter } from './prefilter.js';
import { startRipgrep } from './ripgrep.js';
import { classifyRoots, walkDirectories, type Roots } from './walk.js';
import type { KernelRange } from '../engine/types.js';
import { analyzeFile } from '../engine/index.js';
import { indexProject } from '../index/build.js';
import { indexAnalysis } from '../index/analyse.js';
import { ProjectIndex } from '../index/project-index.js';
import { treeSources } from '../index/tree-sources.js';

export { MissingPathError } from './walk.js';
export { preferQuickWasm } from './v8-flags.js';
export { bundleBuildId, defaultCacheDir, type CacheLocation } from './result-cache.js';
export type { ScanCounters } from './analyze-source.js';
export type { FileResult } from './file-result.js';

export type { Prefilter } from './prefilter.js';

export interface ScanTreeOptions {
  kernel: string;
  cwd?: string;
  /** Who picks the candidate files; default from PINSIGHT_PREFILTER, else 'auto' (rg when on PATH). */
  prefilter?: Prefilter;
  /** Worker threads beside the main thread; 0 analyses in-process only. Default from PINSIGHT_WORKERS, else one per further core. */
  workers?: number;
  /** false parses whole files (for comparisons); default true. */
  slice?: boolean;
  /** How much work starts the workers (a listed file weighs 1, an rg candidate 21); tests pass 0. */
  poolFrom?: number;
  /** Reuse earlier results of unchanged files (result-cache.ts); off when absent. */
  cache?: CacheLocation;
  /** The project's supported kernels: findings for each of them (server/engine/kernel-range.ts). */
  kernels?: KernelRange;
  /** Directories whose files are read for the project index only (a kernel tree's include/): never reported. */
  includeDirs?: readonly string[];
  /** The build's macro facts by absolute path (compile_commands.json); a file without any gets none. */
  macros?: Record<string, MacroFacts>;
}

export interface TreeScan {
  /** Files with a call or a finding, sorted by path. */
  files: FileResult[];
  /** Files the engine failed on ("PATH: message"), sorted; the scan went on without them. */
  errors: string[];
  /** Files listed under the roots (before any pre-filter), as the plain scan counts them. */
  filesScanned: number;
  counters: ScanCounters;
  /** What actually ran. */
  prefilter: 'rg' | 'node';
  workers: number;
  milliseconds: number;
  /** When ripgrep finished, from the start. */
  prefilterMs?: number;
  /** One line each: why the result cache is off (a directory or key another user could change). */
  warnings: string[];
  /** The project index: wrappers found, files that call one, and the time its rounds took. */
  index: { wrappers: number; callers: number; milliseconds: number };
}

// Work that justifies starting the workers: this many listed files (Node path) or candidates (rg).
// While ripgrep runs it keeps every core busy; on two cores a worker then only competes with it
// (6.12, 8 alternating runs: 1.74 s median with the main thread alone, 1.82 s with a worker), so
// there the main thread analyses a kernel tree's ~150 candidates by itself.
const POOL_FILES = 512;
const POOL_CANDIDATES = availableParallelism() > 2 ? 24 : 256;

/** Scans `paths` (files or directories, relative to options.cwd); throws MissingPathError for a bad path. */
export async function scanTree(paths: readonly string[], options: ScanTreeOptions): Promise<TreeScan> {
  const started = performance.now();
  const roots = classifyRoots(paths, options.cwd ?? process.cwd());
  const prefilter = options.prefilter ?? envPrefilter();
  const workers = options.workers ?? envWorkers() ?? defaultWorkerCount();
  const slice = options.slice ?? true;
  // A declared range changes every answer, and so do the build's facts (a changed compile_commands.json): both key the cache.
  const rangeKernel = options.kernels ? `${options.kernel} of ${options.kernels.from}..${options.kernels.to}` : options.kernel;
  const cacheKernel = options.macros ? `${rangeKernel}|${macrosDigest(options.macros)}` : rangeKernel;
  const cache = options.cache && ResultCache.open(options.cache, cacheKernel, [...roots.dirs, ...roots.files]);
  const runner = new Runner({ kernel: options.kernel, kernels: options.kernels, slice, cached: cache?.entries, macros: options.macros }, workers, options.poolFrom ?? envNumber('PINSIGHT_POOL_FROM') ?? POOL_FILES);
  let used: 'rg' | 'node' = 'node';
  let filesScanned: number | undefined;
  let prefilterMs: number | undefined;
  try {
    const plan = planRipgrep(roots, prefilter);
    if (prefilter === 'rg' && !plan) throw new Error('PINSIGHT_PREFILTER=rg, but no usable rg on PATH (or the roots overlap)');
    if (plan) {
      try {
        // The run dist/cli.js started before this code was loaded, when it has this plan.
        const running = startRipgrep(plan).attach((path) => runner.add([path], POOL_FILES / POOL_CANDIDATES, true));
        runner.loadParser();
        const run = await running;
        used = 'rg';
        prefilterMs = performance.now() - started;
        filesScanned = run.searched + roots.files.length;
        runner.add(roots.files, 1);
      } catch (error) {
        if (prefilter === 'rg') throw error;
        // Start again from the Node walk; a candidate rg listed before it failed is analysed
        // twice and kept once.
      }
    }
    if (used === 'node') {
      runner.loadParser();
      const seen = new Set(roots.files);
      runner.add(roots.files, 1);
      filesScanned = await walkDirectories(roots.dirs, (batch) => runner.add(batch, 1), 128, seen);
    }
    await runner.finish();
    if (cache) {
      cache.save(runner.seen);
    }
  } finally {
    await runner.close();
  }
  const indexed = await throughWrappers(runner.results(), roots, options, used === 'rg', await runner.loadParser());
  const result: TreeScan = {
    files: indexed.files,
    errors: [...runner.errors(), ...indexed.errors].sort(),
    filesScanned: filesScanned ?? 0,
    counters: runner.counters,
    prefilter: used,
    workers: runner.workersStarted,
    milliseconds: performance.now() - started,
    prefilterMs,
    warnings: cache?.warning ? [cache.warning] : [],
    index: indexed.index,
  };
  if (process.env.PINSIGHT_SCAN_STATS === '1') process.stderr.write(statsLine(result) + '\n');
  return result;
}

/** A digest of the facts by path; a shared autoconf.h is hashed once. */
function macrosDigest(macros: Record<string, MacroFacts>): string {
  const hash = createHash('sha1');
  const configIds = new Map<object, number>();
  for (const path of Object.keys(macros).sort()) {
    const m = macros[path]!;
    let id = m.config ? configIds.get(m.config) : -1;
    if (id === undefined) {
      configIds.set(m.config!, (id = configIds.size));
      hash.update(`config ${id} ${JSON.stringify(m.config)}\0`);
    }
    hash.update(`${path}\0${JSON.stringify(m.defined)}\0${JSON.stringify(m.undefined ?? [])}\0${id}\0`);
  }
  return hash.digest('hex');
}

/**
 * The project index (server/index/) after the scan: the wrappers the scanned files define (their
 * results carry them) and those under options.includeDirs, closed over wrappers of wrappers; then
 * every file under the roots that calls a wrapper, analysed whole with the finished table. Returns
 * the scan's files with those results in place, the wrappers left out of the output.
 */
async function throughWrappers(results: FileResult[], roots: Roots, options: ScanTreeOptions, ripgrep: boolean, parser: CParser) {
  const started = performance.now();
  const index = new ProjectIndex();
  for (const r of results) if (r.wrappers) index.set(r.path, r.wrappers);
  const includeDirs = options.includeDirs ?? [];
  const kernel = options.kernel;
  const errors: string[] = [];
  const analyse = (path: string, text: string, collect: boolean, crossFile = false) => {
    try {
      const crossFileCallers = crossFile ? (name: string) => index.callersOf(name, path) : undefined;
      return analyzeFile(parser, path, text, { kernel, kernels: options.kernels, macros: options.macros?.[path], wrappers: index.table, collectWrappers: collect, crossFileCallers });
    } catch (error) {
      errors.push(`${path}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      return { calls: [], findings: [] };
    }
  };
  const sources = treeSources({ dirs: [...roots.dirs, ...includeDirs], files: roots.files, ripgrep });
  const definers = includeDirs.length > 0 ? treeSources({ dirs: includeDirs, files: [], ripgrep }) : undefined;
  const definersOnly = indexAnalysis(parser, () => kernel, options.kernels);
  const callers = await indexProject(index, sources, (path, text, wrappers, round) => (round === 0 ? definersOnly(path, text, wrappers, 0) : analyse(path, text, true)), { definers });
  const byPath = new Map(results.map((r) => [r.path, r]));
  const reported = (path: string) => roots.files.includes(path) || roots.dirs.some((d) => path.startsWith(d.endsWith('/') ? d : `${d}/`));
  for (const path of callers) {
    const text = sources.read(path);
    if (text === undefined) continue;
    const { calls, findings } = analyse(path, text, false);
    index.setCalls(path, calls);
    if (reported(path)) byPath.set(path, { path, calls, findings });
  }
  // The wrappers' own calls, their flags parameter followed into the callers just analysed.
  for (const path of index.filesWithCalledFunctions()) {
    const text = reported(path) ? sources.read(path) : undefined;
    if (text === undefined) continue;
    const { calls, findings } = analyse(path, text, false, true);
    byPath.set(path, { path, calls, findings });
  }
  const files = [...byPath.values()]
    .filter((r) => r.calls.length > 0 || r.findings.length > 0)
    .map(({ path, calls, findings }) => ({ path, calls, findings }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, errors, index: { wrappers: index.size, callers: callers.size, milliseconds: performance.now() - started } };
}

function envWorkers(): number | undefined {
  return envNumber('PINSIGHT_WORKERS');
}

function envNumber(name: string): number | undefined {
  const value = process.env[name];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

export function statsLine(scan: TreeScan): string {
  const c = scan.counters;
  const mb = (n: number) => (n / 1e6).toFixed(1);
  return [
    `pinsight scan stats: ${scan.milliseconds.toFixed(0)} ms`,
    `prefilter ${scan.prefilter}${scan.prefilterMs !== undefined ? ` (done at ${scan.prefilterMs.toFixed(0)} ms)` : ''}`,
    `workers ${scan.workers}`,
    `files ${scan.filesScanned}`,
    `read ${c.files} (${mb(c.bytes)} MB)`,
    `candidates ${c.candidates}`,
    `parsed ${c.parsed} (${c.keptLines}/${c.lines} lines kept)`,
    `from the result cache ${c.cached}`,
    `with results ${scan.files.length}`,
    `index ${scan.index.wrappers} wrappers, ${scan.index.callers} callers (${scan.index.milliseconds.toFixed(0)} ms)`,
    `CPU ${cpuMs().toFixed(0)} ms (this process, ripgrep not counted)`,
    `max RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB`,
  ].join(', ');
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Feeds the lanes (pool.ts): the main thread analyses from the first file on; the workers start
 * once there is enough work to pay for them. `add` takes a weight per path: a listed file is
 * cheap, an rg candidate needs a parse.
 */
class Runner {
  private readonly lanes: Lanes;
  private parser: Promise<CParser> | undefined;
  private weight = 0;
  private started = false;

  constructor(
    config: WorkerConfig,
    private readonly workers: number,
    private readonly poolFrom: number,
  ) {
    this.lanes = new Lanes(config, () => this.loadParser());
  }

  /**
   * Starts compiling the grammar, so that it compiles while ripgrep or the walk looks for the first
   * candidate. Called once ripgrep is spawned: the grammar's synchronous start (reading the wasm,
   * setting up the runtime, ~7 ms) would otherwise delay it.
   */
  loadParser(): Promise<CParser> {
    if (!this.parser) {
      this.parser = loadCParser();
      this.parser.catch(() => undefined); // a failure surfaces when the main lane awaits it
    }
    return this.parser;
  }

  get seen(): CacheEntries {
    return this.lanes.seen;
  }

  /** `searched`: the paths hold an entry point's name (ripgrep said so). */
  add(paths: string[], weightEach: number, searched = false): void {
    this.weight += paths.length * weightEach;
    if (!this.started && this.workers > 0 && this.weight >= this.poolFrom) {
      this.started = true;
      this.lanes.startWorkers(this.workers);
    }
    this.lanes.add({ paths, searched });
  }

  finish(): Promise<void> {
    return this.lanes.finish();
  }

  close(): Promise<void> {
    return this.lanes.close();
  }

  get workersStarted(): number {
    return this.lanes.workersStarted;
  }

  /** Results sorted by path; a file analysed twice (a failed rg run, then the walk) listed once. */
  results(): FileResult[] {
    const byPath = new Map(this.lanes.results.map((r) => [r.path, r]));
    return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  errors(): string[] {
    return [...new Set(this.lanes.errors)].sort();
  }

  get counters(): ScanCounters {
    return this.lanes.counters;
  }
}
