// A scan worker thread (dist/scan-worker.js once bundled): analyses the files the pool sends it,
// batch by batch, with its own parser. See pool.ts for the protocol.
import { parentPort, workerData } from 'node:worker_threads';
import { loadCParser } from '../engine/parser.js';
import { SourceAnalyzer } from './analyze-source.js';
import { analyzeBatch, type Batch, type BatchReply, type WorkerConfig } from './pool.js';

const config = workerData as WorkerConfig;
const analyzer = loadCParser().then((parser) => new SourceAnalyzer(parser, config.kernel, config.slice, config.cached, config.kernels, config.macros));

// Listening at once: messages that arrive while the grammar loads wait in the port's queue.
parentPort!.on('message', (batch: Batch) => {
  analyzer.then(
    (a) => parentPort!.postMessage(analyzeBatch(a, batch)),
    (error: unknown) => {
      const reply: BatchReply = { failure: error instanceof Error ? error.message : String(error) };
      parentPort!.postMessage(reply);
    },
  );
});
