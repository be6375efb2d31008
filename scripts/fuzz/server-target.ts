// Runs inputs through the language server (dist/server.js --stdio) as an editor would: didOpen,
// hovers, code actions, a simulation, a few incremental didChange, didClose. Every request must
// be answered with a result or an LSP refusal, within the watchdog; each one's latency is kept;
// the server must log no failure; its text and tree must match the client's (pinsight/documentText).
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient, RequestTimeout, type Message } from './lsp-client.js';
import type { Rng } from './rng.js';

/** LSP refusals: a request the server declined on purpose. -32603 (InternalError) is a crash in a handler. */
const REFUSALS = new Set([-32700, -32600, -32601, -32602, -32002, -32800, -32801, -32802, -32803]);
const WORD = /\b(?:pin_user_pages\w*|get_user_pages\w*|access_process_vm|FOLL_\w+|gup_must_unshare|is_cow_mapping|FAULT_FLAG_UNSHARE)\b/g;

export interface ServerOutcome {
  problems: string[];
  /** Every request: method and latency in ms. */
  requests: { method: string; ms: number }[];
  hang?: string;
  /** Set when the incrementally re-parsed tree differs from a fresh parse of the same text. */
  treeDiffers?: string;
}

export class ServerTarget {
  private client: LspClient | undefined;
  private logSeen = 0;
  restarts = 0;
  /** The server's RSS samples (bytes), with the input index they were taken after. */
  readonly rss: { input: number; bytes: number }[] = [];

  constructor(private readonly serverJs: string) {}

  private async ensure(): Promise<LspClient> {
    if (this.client?.alive) return this.client;
    if (this.client) this.restarts++;
    this.client = new LspClient(this.serverJs);
    this.logSeen = 0;
    await this.client.initialize();
    return this.client;
  }

  sampleRss(input: number): void {
    const bytes = this.client?.rss();
    if (bytes) this.rss.push({ input, bytes });
  }

  async run(index: number, text: string, rng: Rng, limitMs: number): Promise<ServerOutcome> {
    const client = await this.ensure();
    const problems: string[] = [];
    const requests: { method: string; ms: number }[] = [];
    const uri = `file:///pinsight-fuzz/input-${index}.c`;
    let doc = TextDocument.create(uri, 'c', 1, text);
    const sent: unknown[] = [];
    let treeDiffers: string | undefined;
    const request = async (method: string, params: unknown): Promise<Message | undefined> => {
      const { message, ms } = await client.request(method, params, limitMs);
      requests.push({ method, ms });
      if (message.error && !REFUSALS.has(message.error.code)) problems.push(`${method} failed: ${message.error.message.split('\n')[0]}`);
      if (message.error?.code === -32602 && method !== 'pinsight/simulate') problems.push(`${method} refused valid params: ${message.error.message}`);
      return message;
    };
    const somewhere = () => wordPosition(doc, rng);
    try {
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
      await request('textDocument/hover', { textDocument: { uri }, position: somewhere() });
      await request('textDocument/codeAction', { textDocument: { uri }, range: someRange(doc, rng), context: { diagnostics: [] } });
      if (rng.chance(0.3)) await request('pinsight/simulate', { textDocument: { uri }, position: somewhere() });
      for (let n = rng.int(0, 3), version = 2; n > 0; n--, version++) {
        const changes = [randomChange(doc, rng)];
        sent.push(changes[0]!);
        doc = TextDocument.update(doc, changes, version);
        client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
        if (rng.chance(0.5)) await request('textDocument/hover', { textDocument: { uri }, position: somewhere() });
      }
      await request('textDocument/codeAction', { textDocument: { uri }, range: someRange(doc, rng), context: { diagnostics: [] } });
      if (rng.chance(0.25)) {
        const state = await request('pinsight/documentText', { textDocument: { uri } });
        const result = state?.result as { text: string; treeMatchesText: boolean } | undefined;
        if (result && result.text !== doc.getText()) problems.push('the server\'s text differs from the client\'s');
        // tree-sitter's incremental re-parse may recover from a syntax error differently from a
        // fresh parse (an ERROR where the fresh parse has a MISSING ";"): counted, not a failure.
        if (result && !result.treeMatchesText) treeDiffers = `after didOpen and the changes ${JSON.stringify(sent)}`;
      }
      client.notify('textDocument/didClose', { textDocument: { uri } });
    } catch (error) {
      if (error instanceof RequestTimeout || !client.alive) {
        const hang = client.alive ? `no answer within ${limitMs} ms` : `server exited (${client.exitCode}): ${client.stderr.split('\n').slice(-3).join(' ')}`;
        client.kill();
        await client.exited; // so the next input starts a fresh server, not this dying one
        return { problems, requests, hang };
      }
      throw error;
    }
    // The server turns an exception while publishing diagnostics into a log message: a crash too.
    const logs = client.received.filter((m) => m.method === 'window/logMessage' || m.method === 'window/showMessage');
    for (const m of logs.slice(this.logSeen)) {
      if (/failed|error|exception/i.test(m.params?.message ?? '')) problems.push(`server logged: ${String(m.params.message).split('\n')[0]}`);
    }
    this.logSeen = logs.length;
    if (client.malformed.length > 0) problems.push(`the server sent a frame that is not JSON: ${client.malformed[0]}`);
    if (!client.alive) problems.push(`server exited (${client.exitCode})`);
    // After a failure the server may be left broken (a wasm trap corrupts tree-sitter for every
    // later parse): the next input gets a fresh one, so one crash is counted once.
    if (problems.length > 0 && client.alive) {
      client.kill();
      await client.exited;
    }
    // received[] is only for diagnosis: keep it from growing over a long run.
    if (client.received.length > 5000) {
      client.received.splice(0, client.received.length);
      this.logSeen = 0;
    }
    return { problems, requests, treeDiffers };
  }

  async close(): Promise<number | null | undefined> {
    return this.client?.stop();
  }
}

/** On a word pinsight documents, when the text has one; else anywhere. */
function wordPosition(doc: TextDocument, rng: Rng): { line: number; character: number } {
  const text = doc.getText();
  const words = text.length < 4_000_000 ? [...text.matchAll(WORD)].map((m) => m.index! + rng.int(0, m[0].length)) : [];
  const offset = words.length > 0 && rng.chance(0.8) ? rng.pick(words) : rng.int(0, text.length);
  return doc.positionAt(offset);
}

function someRange(doc: TextDocument, rng: Rng) {
  const a = doc.positionAt(rng.int(0, doc.getText().length));
  const b = doc.positionAt(rng.int(0, doc.getText().length));
  const [start, end] = doc.offsetAt(a) <= doc.offsetAt(b) ? [a, b] : [b, a];
  return rng.chance(0.3) ? { start: { line: 0, character: 0 }, end: doc.positionAt(doc.getText().length) } : { start, end };
}

function randomChange(doc: TextDocument, rng: Rng) {
  const text = rng.pick(['', 'x', ' | FOLL_FORCE', 'FOLL_WRITE', '\n', '\r\n', '{', '}', '(', ')', '/*', '*/', ';', '🐧', 'pin_user_pages_fast(a, 1, FOLL_LONGTERM | FOLL_FORCE, p);\n']);
  const length = doc.getText().length;
  const start = rng.int(0, length);
  const end = Math.min(length, start + rng.int(0, 40));
  return { range: { start: doc.positionAt(start), end: doc.positionAt(end) }, text };
}
