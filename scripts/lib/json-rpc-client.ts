// A plain JSON-RPC 2.0 client over a child process's stdio, with LSP's Content-Length framing:
// no LSP library, so the tests see exactly what any editor would receive. The editor benchmark
// (scripts/bench/editor.ts) drives the server through it too.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FrameReader } from './lsp-frames.js';

export const SERVER = process.env.PINSIGHT_LSP_SERVER ?? fileURLToPath(new URL('../../dist/server.js', `file://${__filename}`));

export interface Message {
  jsonrpc: '2.0';
  id?: number | string | null;
  method?: string;
  params?: any;
  result?: any;
  error?: { code: number; message: string; data?: unknown };
}

/** Every client started, so a test file can kill the servers a failed test left running. */
export const STARTED: JsonRpcClient[] = [];

export class JsonRpcClient {
  readonly process: ChildProcessWithoutNullStreams;
  readonly received: Message[] = [];
  readonly stderr: string[] = [];
  private readonly frames = new FrameReader((m) => this.dispatch(m as Message));
  private nextId = 1;
  private readonly pending = new Map<number, (m: Message) => void>();
  private waiters: { test: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  /** Replies to server-to-client requests (workspace/configuration, window/workDoneProgress/create, ...). */
  onServerRequest: (m: Message) => unknown = () => null;
  readonly exited: Promise<number | null>;

  constructor(args: string[] = ['--stdio'], server = SERVER, node = process.execPath) {
    if (!existsSync(server)) throw new Error(`${server} is missing: run \`npm run build\` first`);
    this.process = spawn(node, [server, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stdout.on('data', (chunk: Buffer) => this.frames.push(chunk));
    this.process.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    this.exited = new Promise((resolve) => this.process.on('exit', (code) => resolve(code)));
    STARTED.push(this);
  }

  /** Kills every server still running (for an `after` hook). */
  static killAll(): void {
    for (const c of STARTED) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
  }

  request(method: string, params?: unknown): Promise<Message> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params?: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** Writes a raw frame, for malformed-input tests. */
  sendRaw(body: string): void {
    this.process.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  /** Resolves with the first message (already received or future) that passes `test`. */
  waitFor(test: (m: Message) => boolean, from = 0): Promise<Message> {
    const seen = this.received.slice(from).find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /** The next publishDiagnostics for `uri` (optionally with a given version), from now on. */
  nextDiagnostics(uri: string, version?: number): Promise<Message> {
    return this.waitFor(
      (m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri && (version === undefined || m.params.version === version),
      this.received.length,
    );
  }

  /** The next message, from now on, that passes `test`. */
  next(test: (m: Message) => boolean): Promise<Message> {
    return this.waitFor(test, this.received.length);
  }

  /** The polite ending: shutdown, exit, and the process gone. */
  async close(): Promise<void> {
    await this.request('shutdown');
    this.notify('exit');
    await this.exited;
  }

  kill(): void {
    this.process.kill();
  }

  private send(message: Message): void {
    this.sendRaw(JSON.stringify(message));
  }

  private dispatch(m: Message): void {
    this.received.push(m);
    if (m.method === undefined && typeof m.id === 'number') {
      this.pending.get(m.id)?.(m);
      this.pending.delete(m.id);
    } else if (m.method !== undefined && m.id !== undefined) {
      this.send({ jsonrpc: '2.0', id: m.id, result: this.onServerRequest(m) ?? null });
    }
    const ready = this.waiters.filter((w) => w.test(m));
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(m);
  }
}

/**
 * A server initialized with `dir` as its one workspace folder; `settings` answers the server's
 * workspace/configuration requests.
 */
export async function startInWorkspace(dir: string, settings: unknown, capabilities: object = { workspace: { configuration: true } }): Promise<JsonRpcClient> {
  const client = new JsonRpcClient();
  client.onServerRequest = (m) => (m.method === 'workspace/configuration' ? [settings] : null);
  const uri = pathToFileURL(dir).href;
  await client.request('initialize', { processId: process.pid, rootUri: uri, workspaceFolders: [{ uri, name: basename(dir) }], capabilities });
  client.notify('initialized', {});
  return client;
}
