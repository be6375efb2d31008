// A pool of scan workers (worker.ts), one per core. The pool hands out batches of paths, at most
// two in flight per worker so a worker never waits for its next batch and a slow file (mm/gup.c)
// holds up only its own worker; the replies carry the files' results and counters.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { addCounters, emptyCounters, type FileResult, type ScanCounters } from './analyze-source.js';

export interface WorkerConfig {
  kernel: string;
  slice: boolean;
}

/** A batch's outcome, or `failure` when the worker cannot work at all (the grammar did not load). */
export type BatchReply = { results: FileResult[]; errors: string[]; counters: ScanCounters; failure?: undefined } | { failure: string };

const IN_FLIGHT = 2;

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

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(availableParallelism(), 8));
}

interface Slot {
  worker: Worker;
  inFlight: number;
}

export class WorkerPool {
  readonly results: FileResult[] = [];
  readonly errors: string[] = [];
  readonly counters = emptyCounters();
  private readonly slots: Slot[];
  private readonly queue: string[][] = [];
  private ended = false;
  private failure: Error | undefined;
  private settle: (() => void) | undefined;

  constructor(size: number, config: WorkerConfig) {
    this.slots = Array.from({ length: size }, () => {
      const slot: Slot = { worker: startWorker(config), inFlight: 0 };
      slot.worker.on('message', (reply: BatchReply) => this.onReply(slot, reply));
      slot.worker.on('error', (error) => this.fail(error));
      slot.worker.on('exit', (code) => {
        if (!this.finished()) this.fail(new Error(`scan worker exited (code ${code})`));
      });
      return slot;
    });
  }

  add(batch: string[]): void {
    if (batch.length === 0) return;
    this.queue.push(batch);
    this.dispatch();
  }

  /** Resolves once every batch added so far is analysed; then the workers are stopped. */
  async finish(): Promise<void> {
    this.ended = true;
    try {
      if (!this.finished() && !this.failure) await new Promise<void>((resolve) => (this.settle = resolve));
      if (this.failure) throw this.failure;
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    this.ended = true;
    this.queue.length = 0;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private finished(): boolean {
    return this.ended && this.queue.length === 0 && this.slots.every((s) => s.inFlight === 0);
  }

  private dispatch(): void {
    for (;;) {
      if (this.queue.length === 0) return;
      let best: Slot | undefined;
      for (const s of this.slots) if (s.inFlight < IN_FLIGHT && (!best || s.inFlight < best.inFlight)) best = s;
      if (!best) return;
      best.inFlight++;
      best.worker.postMessage(this.queue.shift());
    }
  }

  private onReply(slot: Slot, reply: BatchReply): void {
    slot.inFlight--;
    if (reply.failure !== undefined) return this.fail(new Error(reply.failure));
    for (const r of reply.results) this.results.push(r);
    for (const e of reply.errors) this.errors.push(e);
    addCounters(this.counters, reply.counters);
    this.dispatch();
    if (this.finished()) this.settle?.();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.settle?.();
  }
}
