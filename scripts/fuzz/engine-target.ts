// Runs inputs through the engine in a worker thread with a watchdog: an input that takes longer
// than its limit is a hang; the worker is terminated and a fresh one takes the next input.
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { EngineOutcome } from './engine-check.js';

const WASM_TRAP = /RuntimeError|memory access out of bounds|unreachable|wasm/;

export type EngineResult = { kind: 'done'; outcome: EngineOutcome; rss: number } | { kind: 'threw'; error: string } | { kind: 'hang'; limitMs: number };

export class EngineTarget {
  private worker: Worker | undefined;
  private nextId = 1;
  restarts = 0;

  private spawn(): Worker {
    // The worker is TypeScript, loaded through tsx (engine-worker.cjs).
    const worker = new Worker(join(__dirname, 'engine-worker.cjs'));
    worker.unref();
    return worker;
  }

  run(bytes: Buffer, kernel: string, path: string, limitMs: number): Promise<EngineResult> {
    this.worker ??= this.spawn();
    const worker = this.worker;
    const id = this.nextId++;
    return new Promise((resolve) => {
      const done = (result: EngineResult) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        resolve(result);
      };
      const timer = setTimeout(() => {
        void worker.terminate();
        this.worker = undefined;
        this.restarts++;
        done({ kind: 'hang', limitMs });
      }, limitMs);
      const onMessage = (m: { id: number; outcome?: EngineOutcome; error?: string; rss: number }) => {
        if (m.id !== id) return;
        // A wasm trap leaves tree-sitter's module corrupted for every later parse in that thread:
        // the next input gets a fresh worker, so one crash is counted once.
        if (WASM_TRAP.test(m.error ?? '') || m.outcome?.problems.some((p) => WASM_TRAP.test(p))) {
          void worker.terminate();
          this.worker = undefined;
          this.restarts++;
        }
        done(m.outcome ? { kind: 'done', outcome: m.outcome, rss: m.rss } : { kind: 'threw', error: m.error ?? 'unknown' });
      };
      // An error escaping the worker (out of memory, a wasm abort) kills it: a crash of this input.
      const onError = (error: Error) => {
        this.worker = undefined;
        this.restarts++;
        done({ kind: 'threw', error: `worker died: ${error.message}` });
      };
      const onExit = (code: number) => {
        this.worker = undefined;
        this.restarts++;
        done({ kind: 'threw', error: `worker exited with ${code}` });
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ id, bytes, kernel, path });
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}
