// The smallest LSP client the editor benchmark needs: JSON-RPC 2.0 with Content-Length framing over
// a child's stdio, requests with replies, and waiting for a notification that passes a test.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface Message {
  jsonrpc: '2.0';
  id?: number | string | null;
  method?: string;
  params?: any;
  result?: any;
  error?: { code: number; message: string };
}

export class LspClient {
  readonly child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly replies = new Map<number, (m: Message) => void>();
  private waiters: { test: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  stderr = '';

  constructor(node: string, server: string) {
    this.child = spawn(node, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  request(method: string, params?: unknown): Promise<Message> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.replies.set(id, resolve);
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params?: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** The next message (from now on) that passes `test`. */
  next(test: (m: Message) => boolean): Promise<Message> {
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  async close(): Promise<void> {
    await this.request('shutdown');
    this.notify('exit');
    await new Promise((resolve) => this.child.once('exit', resolve));
  }

  private send(message: Message): void {
    const body = JSON.stringify(message);
    this.child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end === -1) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString())?.[1]);
      if (this.buffer.length < end + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString()) as Message;
      this.buffer = this.buffer.subarray(end + 4 + length);
      this.dispatch(message);
    }
  }

  private dispatch(message: Message): void {
    if (message.id !== undefined && message.method === undefined) {
      this.replies.get(message.id as number)?.(message);
      this.replies.delete(message.id as number);
      return;
    }
    if (message.id !== undefined && message.method !== undefined) {
      // A request from the server (progress, registration): accept it.
      this.send({ jsonrpc: '2.0', id: message.id, result: null });
    }
    const waiter = this.waiters.findIndex((w) => w.test(message));
    if (waiter !== -1) this.waiters.splice(waiter, 1)[0]!.resolve(message);
  }
}
