// The engine target's worker thread: runs checkEngine on each input it is sent. A worker, so the
// harness can stop an input that hangs (terminate) and go on with a fresh one.
import { parentPort } from 'node:worker_threads';
import { loadCParser } from '../../server/engine/parser.js';
import { checkEngine, describeError } from './engine-check.js';

export interface EngineRequest {
  id: number;
  bytes: Uint8Array;
  kernel: string;
  path: string;
}

const decoder = new TextDecoder('utf-8'); // invalid bytes become U+FFFD, as readFileSync(path, 'utf8') does
const parser = loadCParser();

parentPort!.on('message', async (request: EngineRequest) => {
  try {
    const outcome = checkEngine(await parser, decoder.decode(request.bytes), request.kernel, request.path);
    parentPort!.postMessage({ id: request.id, outcome, rss: process.memoryUsage().rss });
  } catch (error) {
    parentPort!.postMessage({ id: request.id, error: describeError(error), rss: process.memoryUsage().rss });
  }
});
