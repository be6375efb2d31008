// The editor figures, against the built language server (`node dist/server.js --stdio`) over a
// plain JSON-RPC client: edit -> publishDiagnostics latency, hover latency, and what extension
// activation costs outside VS Code (loading dist/extension.js, plus the server's start-up to its
// initialize reply, which is what `client.start()` in client/extension.ts waits for).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { JsonRpcClient, type Message } from '../lib/json-rpc-client.js';
import { percentile, summarize, type Summary } from './measure.js';

export interface Latency {
  label: string;
  samples: number;
  p50: number;
  p95: number;
  max: number;
}

const latency = (label: string, values: number[]): Latency => ({
  label,
  samples: values.length,
  p50: percentile(values, 50),
  p95: percentile(values, 95),
  max: Math.max(...values),
});

const INIT_OPTIONS = { pinsight: { scan: { onStartup: false } } };

/** What the project index of the workspace came to, and how long it took after `initialized`. */
export interface IndexBuilt {
  line: string;
  ms: number;
}

/**
 * Starts the server; with `root`, as the workspace, and waits until its project index is built
 * (server/index/: the edits are then timed with the index loaded, as in a real workspace).
 */
async function startServer(node: string, server: string, root?: string): Promise<{ client: JsonRpcClient; ms: number; index?: IndexBuilt }> {
  const started = performance.now();
  const client = new JsonRpcClient(['--stdio'], server, node);
  const rootUri = root ? pathToFileURL(root).href : null;
  const workspaceFolders = rootUri ? [{ uri: rootUri, name: 'tree' }] : null;
  const reply = await client.request('initialize', { processId: process.pid, rootUri, workspaceFolders, capabilities: {}, initializationOptions: INIT_OPTIONS });
  if (reply.error) throw new Error(`initialize failed: ${reply.error.message}`);
  const ms = performance.now() - started;
  const indexed = root ? client.next((m) => m.method === 'window/logMessage' && /project index/.test(String(m.params?.message))) : undefined;
  const initialized = performance.now();
  client.notify('initialized', {});
  if (!indexed) return { client, ms };
  const line = String((await indexed).params?.message);
  return { client, ms, index: { line, ms: performance.now() - initialized } };
}

const isDiagnostics = (uri: string, version: number) => (m: Message) =>
  m.method === 'textDocument/publishDiagnostics' && m.params?.uri === uri && m.params?.version === version;

/** Opens `path` as kernel `kernel` code and times `edits` keystrokes (a space typed, then deleted). */
export async function editLatency(node: string, server: string, path: string, line: number, edits: number, root?: string): Promise<Latency & { openMs: number; findings: number; index?: IndexBuilt }> {
  const { client, index } = await startServer(node, server, root);
  try {
    const uri = pathToFileURL(path).href;
    const text = readFileSync(path, 'utf8');
    let version = 1;
    const opened = performance.now();
    const first = client.next(isDiagnostics(uri, version));
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version, text } });
    const diagnostics = await first;
    const openMs = performance.now() - opened;
    const column = /^\s*/.exec(text.split('\n')[line] ?? '')![0].length;
    const times: number[] = [];
    for (let i = 0; i < edits + 5; i++) {
      version++;
      const typed = i % 2 === 0;
      const range = typed
        ? { start: { line, character: column }, end: { line, character: column } }
        : { start: { line, character: column }, end: { line, character: column + 1 } };
      const published = client.next(isDiagnostics(uri, version));
      const sent = performance.now();
      client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text: typed ? ' ' : '' }] });
      await published;
      if (i >= 5) times.push(performance.now() - sent); // the first five warm the JIT
    }
    return { ...latency(path, times), openMs, findings: (diagnostics.params?.diagnostics ?? []).length, ...(index ? { index } : {}) };
  } finally {
    await client.close();
  }
}

/** Times `count` hover requests at each of `positions` in `path`. */
export async function hoverLatency(node: string, server: string, path: string, positions: { line: number; character: number }[], count: number): Promise<Latency & { empty: number }> {
  const { client } = await startServer(node, server);
  try {
    const uri = pathToFileURL(path).href;
    const opened = client.next(isDiagnostics(uri, 1));
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: readFileSync(path, 'utf8') } });
    await opened;
    const times: number[] = [];
    let empty = 0;
    for (let i = 0; i < count + 5; i++) {
      const position = positions[i % positions.length]!;
      const sent = performance.now();
      const reply = await client.request('textDocument/hover', { textDocument: { uri }, position });
      if (i >= 5) times.push(performance.now() - sent);
      if (i >= 5 && !reply.result) empty++;
    }
    return { ...latency(path, times), empty };
  } finally {
    await client.close();
  }
}

/** Server start-up to its initialize reply, `runs` times. */
export async function serverStartup(node: string, server: string, runs: number): Promise<Summary> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { client, ms } = await startServer(node, server);
    times.push(ms);
    await client.close();
  }
  return summarize(times);
}

// Loads the extension bundle in a fresh Node with a stand-in `vscode` module (a proxy on which every
// member is callable and constructible), then calls nothing: the cost of loading the code.
const LOAD_EXTENSION = `
const Module = require('module');
const stub = new Proxy(function () {}, { get: (t, p) => (p === Symbol.toPrimitive ? () => '' : p === 'then' ? undefined : stub), apply: () => stub, construct: () => stub });
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) { return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest); };
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: stub };
const t = process.hrtime.bigint();
const ext = require(process.argv[1]);
const ms = Number(process.hrtime.bigint() - t) / 1e6;
if (typeof ext.activate !== 'function') throw new Error('no activate()');
process.stdout.write(String(ms));
`;

/** Loading dist/extension.js (require only), `runs` times in fresh processes. */
export function extensionLoad(node: string, extension: string, runs: number): Summary | undefined {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = spawnSync(node, ['-e', LOAD_EXTENSION, extension], { encoding: 'utf8' });
    if (out.status !== 0) return undefined;
    times.push(Number(out.stdout));
  }
  return summarize(times);
}
