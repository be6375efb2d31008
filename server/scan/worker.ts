// A scan worker thread (dist/scan-worker.js once bundled): analyses the files the pool sends it,
// batch by batch, with its own parser. See pool.ts for the protocol.
import { parentPort, workerData } from 'node:worker_threads';
import { loadCParser } from '../engine/parser.js';
import { SourceAnalyzer } from './analyze-source.js';
import type { BatchReply, WorkerConfig } from './pool.js';

const config = workerData as WorkerConfig;
const analyzer = loadCParser().then((parser) => new SourceAnalyzer(parser, config.kernel, config.slice));

// Listening at once: messages that arrive while the grammar loads wait in the port's queue.
parentPort!.on('message', (files: string[]) => {
  analyzer.then(
    (a) => {
      const before = { ...a.counters };
      const { results, errors } = a.analyzePaths(files);
      const counters = { ...a.counters };
      for (const key of Object.keys(counters) as (keyof typeof counters)[]) counters[key] -= before[key];
      const reply: BatchReply = { results, errors, counters };
      parentPort!.postMessage(reply);
    },
    (error: unknown) => {
      const reply: BatchReply = { failure: error instanceof Error ? error.message : String(error) };
      parentPort!.postMessage(reply);
    },
  );
});
