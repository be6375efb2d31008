// A raw JSON-RPC 2.0 client for the language server over stdio, with LSP's Content-Length framing
// and no LSP library, so it can send what no well-behaved editor would: broken frames, bad JSON,
// wrong types. Used by the fuzz harness and by test/robustness.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { FrameReader } from '../lib/lsp-frames.js';

export interface Message {
  jsonrpc?: string;
  id?: number | string | null;
  method?: string;
  params?: any;
  result?: any;
  error?: { code: number; message: string; data?: unknown };
}

export interface Timed {
  message: Message;
  ms: number;
}

export class RequestTimeout extends Error {
  override name = 'RequestTimeout';
}

export class ServerExited extends Error {
  override name = 'ServerExited';
}

export class LspClient {
  readonly process: ChildProcessWithoutNullStreams;
  /** Every message the server sent, in order (notifications, responses, server requests). */
  readonly received: Message[] = [];
  /** Frames the client could not parse (the server must never send any). */
  readonly malformed: string[] = [];
  stderr = '';
  exitCode: number | null | undefined = undefined;
  readonly exited: Promise<number | null>;
  /** The `pinsight` settings answered to workspace/configuration. */
  settings: unknown = { scan: { onStartup: false } };
  private readonly frames = new FrameReader((m) => this.dispatch(m as Message), (text) => void this.malformed.push(text));
  private nextId = 1;
  private readonly pending = new Map<number | string, (m: Message) => void>();
  private readonly listeners = new Set<(m: Message) => void>();

  constructor(serverJs: string, args: string[] = ['--stdio']) {
    if (!existsSync(serverJs)) throw new Error(`${serverJs} is missing: run \`npm run build\` first`);
    this.process = spawn(process.execPath, [serverJs, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stdout.on('data', (chunk: Buffer) => this.frames.push(chunk));
    this.process.stderr.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 1_000_000) this.stderr += chunk.toString();
    });
    // A write after the server died must not crash the client.
    this.process.stdin.on('error', () => {});
    this.exited = new Promise((resolve) =>
      this.process.on('exit', (code) => {
        this.exitCode = code;
        for (const reject of this.pending.values()) reject({ error: { code: -1, message: 'server exited' } });
        this.pending.clear();
        resolve(code);
      }),
    );
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  /** Starts an LSP session: initialize (no workspace, so no workspace scan) and initialized. */
  async initialize(params: object = {}): Promise<Message> {
    const { message } = await this.request('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { configuration: true }, textDocument: { hover: { contentFormat: ['markdown'] } } },
      initializationOptions: { pinsight: this.settings },
      ...params,
    });
    this.notify('initialized', {});
    return message;
  }

  /** Sends a request and resolves with the response and how long it took; rejects on timeout. */
  request(method: string, params?: unknown, timeoutMs = 60_000): Promise<Timed> {
    const id = this.nextId++;
    return this.requestWithId(id, { jsonrpc: '2.0', id, method, params }, timeoutMs);
  }

  /** Sends any message with an id (possibly malformed) and waits for the response with that id. */
  requestWithId(id: number | string, message: unknown, timeoutMs = 60_000): Promise<Timed> {
    if (!this.alive) return Promise.reject(new ServerExited(`server exited (${this.exitCode})`));
    const start = performance.now();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestTimeout(`no response to ${JSON.stringify(message).slice(0, 120)} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (m) => {
        clearTimeout(timer);
        if (m.error?.code === -1 && m.id === undefined) reject(new ServerExited('server exited'));
        else resolve({ message: m, ms: performance.now() - start });
      });
      this.sendRaw(JSON.stringify(message));
    });
  }

  notify(method: string, params?: unknown): void {
    this.sendRaw(JSON.stringify({ jsonrpc: '2.0', method, params }));
  }

  /** Writes one frame with a correct Content-Length around `body` (a string or raw bytes). */
  sendRaw(body: string | Buffer): void {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    this.write(Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`, 'ascii'), bytes]));
  }

  /** Writes bytes as they are: broken headers, wrong lengths. */
  write(bytes: Buffer | string): void {
    if (this.alive) this.process.stdin.write(bytes);
  }

  /** Resolves with the next message from the server that passes `test`. */
  next(test: (m: Message) => boolean, timeoutMs = 60_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new RequestTimeout(`no matching message within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (m: Message) => {
        if (!test(m)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(m);
      };
      this.listeners.add(listener);
    });
  }

  /** The server's resident set size in bytes (Linux /proc), or undefined. */
  rss(): number | undefined {
    try {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.process.pid}/status`, 'utf8'))?.[1];
      return kb ? Number(kb) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  /** shutdown, exit, and the exit code (kills the server if it does not go within the time). */
  async stop(timeoutMs = 10_000): Promise<number | null> {
    if (!this.alive) return this.exitCode ?? null;
    try {
      await this.request('shutdown', undefined, timeoutMs);
      this.notify('exit');
    } catch {
      this.process.kill('SIGKILL');
    }
    const timer = setTimeout(() => this.process.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  kill(): void {
    if (this.alive) this.process.kill('SIGKILL');
  }

  private dispatch(m: Message): void {
    if (this.received.length < 100_000) this.received.push(m);
    if (m.method === undefined && m.id !== undefined && m.id !== null) {
      const resolve = this.pending.get(m.id);
      this.pending.delete(m.id);
      resolve?.(m);
    } else if (m.method === undefined && m.id === null) {
      // A response to a message the server could not read: no one waits for it by id.
    } else if (m.method !== undefined && m.id !== undefined) {
      this.sendRaw(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: this.answer(m) }));
    }
    for (const listener of [...this.listeners]) listener(m);
  }

  private answer(m: Message): unknown {
    if (m.method === 'workspace/configuration') return (m.params?.items ?? [{}]).map(() => this.settings);
    return null;
  }
}
