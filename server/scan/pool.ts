// Where the files are analysed: lanes that pull batches of paths from one queue. The main thread is
// always a lane (it would otherwise sit idle while ripgrep or the walk feeds the queue); worker
// threads (worker.ts) join when there is enough work to pay for starting them. A lane takes a new
// batch when it has room (a worker holds two, so it never waits for its next one), which spreads
// slow files (mm/gup.c) over the lanes instead of queueing them behind one another.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CParser } from '../engine/parser.js';
import type { MacroFacts } from '../engine/macro-facts.js';
import { addCounters, emptyCounters, SourceAnalyzer, type ScanCounters } from './analyze-source.js';
import type { CacheEntries, FileResult } from './file-result.js';
import type { KernelRange } from '../engine/types.js';

export interface WorkerConfig {
  kernel: string;
  /** The project's supported kernels (findings for each, server/engine/kernel-range.ts). */
  kernels?: KernelRange;
  slice: boolean;
  /** Earlier results (result-cache.ts); each lane reports what it adds. */
  cached?: CacheEntries;
  /** The build's macro facts by absolute path (one copy of a shared autoconf.h per worker: structured clone keeps shared objects shared). */
  macros?: Record<string, MacroFacts>;
}

/** A batch's outcome, or `failure` when a worker cannot work at all (the grammar did not load). */
export type BatchReply =
  | { results: FileResult[]; errors: string[]; counters: ScanCounters; seen: CacheEntries; failure?: undefined }
  | { failure: string };

/**
 * Paths to analyse. `searched`: ripgrep listed them because they hold an entry point's name, so
 * the byte search that would reject the others is skipped (it could not reject one).
 */
export interface Batch {
  paths: string[];
  searched: boolean;
}

/** Analyses one batch and reports it: counters and cache entries for this batch only. */
export function analyzeBatch(analyzer: SourceAnalyzer, batch: Batch): BatchReply {
  const before = { ...analyzer.counters };
  const { results, errors } = analyzer.analyzePaths(batch.paths, batch.searched);
  const counters = emptyCounters();
  for (const key of Object.keys(counters) as (keyof ScanCounters)[]) counters[key] = analyzer.counters[key] - before[key];
  const seen = { ...analyzer.seen };
  for (const path of Object.keys(analyzer.seen)) delete analyzer.seen[path];
  return { results, errors, counters, seen };
}

/** Worker threads beside the main thread: one per further core. */
export function defaultWorkerCount(): number {
  return Math.max(0, Math.min(availableParallelism(), 8) - 1);
}

/** Starts a worker: the bundle beside dist/cli.js, or the TypeScript source through tsx (tests). */
function startWorker(config: WorkerConfig): Worker {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const bundled = join(here, 'scan-worker.js');
  if (existsSync(bundled)) return new Worker(bundled, { workerData: config });
  const source = join(here, 'worker.ts');
  if (!existsSync(source)) throw new Error(`pinsight: cannot find the scan worker (${bundled})`);
  // tsx's loader does not reach worker threads by itself: register its require hook first.
  const tsx = createRequire(source).resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, { eval: true, workerData: config });
}

interface Lane {
  inFlight: number;
  capacity: number;
  run(batch: Batch): void;
  stop(): Promise<unknown>;
}

export class Lanes {
  readonly results: FileResult[] = [];
  readonly errors: string[] = [];
  readonly counters = emptyCounters();
  /** Cache entries of every candidate seen (result-cache.ts). */
  readonly seen: CacheEntries = {};
  workersStarted = 0;
  private readonly lanes: Lane[] = [];
  private readonly queue: Batch[] = [];
  private ended = false;
  private failure: Error | undefined;
  private settle: (() => void) | undefined;

  constructor(
    private readonly config: WorkerConfig,
    parser: () => Promise<CParser>,
  ) {
    this.lanes.push(this.mainLane(parser));
  }

  /** Adds `count` worker threads as further lanes. */
  startWorkers(count: number): void {
    for (let i = 0; i < count; i++) this.lanes.push(this.workerLane());
    this.workersStarted += count;
    this.pump();
  }

  add(batch: Batch): void {
    if (batch.paths.length === 0) return;
    this.queue.push(batch);
    this.pump();
  }

  /** Resolves once every batch added so far is analysed; then the workers are stopped. */
  async finish(): Promise<void> {
    this.ended = true;
    try {
      if (!this.drained() && !this.failure) await new Promise<void>((resolve) => (this.settle = resolve));
      if (this.failure) throw this.failure;
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    this.ended = true;
    this.queue.length = 0;
    await Promise.all(this.lanes.map((l) => l.stop()));
  }

  private drained(): boolean {
    return this.ended && this.queue.length === 0 && this.lanes.every((l) => l.inFlight === 0);
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.failure) {
      let best: Lane | undefined;
      for (const l of this.lanes) if (l.inFlight < l.capacity && (!best || l.inFlight < best.inFlight)) best = l;
      if (!best) return;
      best.inFlight++;
      best.run(this.queue.shift()!);
    }
  }

  private done(lane: Lane, reply: BatchReply): void {
    lane.inFlight--;
    if (reply.failure !== undefined) return this.fail(new Error(reply.failure));
    for (const r of reply.results) this.results.push(r);
    for (const e of reply.errors) this.errors.push(e);
    Object.assign(this.seen, reply.seen);
    addCounters(this.counters, reply.counters);
    this.pump();
    if (this.drained()) this.settle?.();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.settle?.();
  }

  /** The main thread: one batch at a time, each in its own macrotask so I/O callbacks run between. */
  private mainLane(parser: () => Promise<CParser>): Lane {
    let analyzer: SourceAnalyzer | undefined;
    const lane: Lane = {
      inFlight: 0,
      capacity: 1,
      run: (batch) => {
        parser().then(
          (p) =>
            setImmediate(() => {
              analyzer ??= new SourceAnalyzer(p, this.config.kernel, this.config.slice, this.config.cached, this.config.kernels, this.config.macros);
              this.done(lane, analyzeBatch(analyzer, batch));
            }),
          (error: unknown) => this.done(lane, { failure: error instanceof Error ? error.message : String(error) }),
        );
      },
      stop: async () => undefined,
    };
    return lane;
  }

  private workerLane(): Lane {
    const worker = startWorker(this.config);
    const lane: Lane = {
      inFlight: 0,
      capacity: 2,
      run: (batch) => worker.postMessage(batch),
      stop: () => worker.terminate(),
    };
    worker.on('message', (reply: BatchReply) => this.done(lane, reply));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      if (!this.drained()) this.fail(new Error(`scan worker exited (code ${code})`));
    });
    return lane;
  }
}
