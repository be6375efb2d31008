// The language server under malformed and hostile LSP traffic, over stdio with a raw JSON-RPC client
// (scripts/fuzz/lsp-client.ts): bad JSON, wrong types, positions past the end, inverted and
// malformed ranges, out-of-order versions, unknown methods, documents never opened, a flood of
// didChange. Every request gets an answer (a result or an LSP error, never InternalError), the
// server stays up, and afterwards its text and tree for each document are the expected ones
// (pinsight/documentText). Needs `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient, type Message } from '../../scripts/fuzz/lsp-client.js';

const SERVER = process.env.PINSIGHT_LSP_SERVER ?? join(__dirname, '../../dist/server.js');
const FIXTURE = readFileSync(join(__dirname, '../lsp/fixtures/kernel-6.1/drivers/demo/demo_umem.c'), 'utf8');
const OPTS = { timeout: 180_000 };
/** JSON-RPC and LSP error codes a request may be refused with; -32603 (InternalError) means a handler threw. */
const REFUSALS = new Set([-32700, -32600, -32601, -32602, -32002, -32800, -32801, -32802, -32803]);

/** How many hostile messages the tests below sent, for RELIABILITY.md. */
let sent = 0;

async function start(): Promise<LspClient> {
  const client = new LspClient(SERVER);
  await client.initialize();
  return client;
}

function open(client: LspClient, uri: string, text: string, version = 1): void {
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version, text } });
}

/** The server's text and tree agreement for a document. */
async function documentText(client: LspClient, uri: string): Promise<{ text: string; version: number; treeMatchesText: boolean }> {
  const { message } = await client.request('pinsight/documentText', { textDocument: { uri } });
  assert.equal(message.error, undefined, JSON.stringify(message.error));
  return message.result;
}

/** A request must be answered with a result or a refusal, not an internal error. */
function assertAnswered(message: Message, what: string): void {
  if (message.error) assert.ok(REFUSALS.has(message.error.code), `${what}: ${JSON.stringify(message.error)}`);
  else assert.ok('result' in message, `${what}: neither result nor error: ${JSON.stringify(message)}`);
}

/** The server still works: a hover on an open document answers with the call's documentation. */
async function assertHealthy(client: LspClient, uri: string): Promise<void> {
  assert.ok(client.alive, `server exited: ${client.stderr}`);
  const lines = FIXTURE.split('\n');
  const line = lines.findIndex((l) => l.includes('pin_user_pages_fast('));
  const { message } = await client.request('textDocument/hover', { textDocument: { uri }, position: { line, character: lines[line]!.indexOf('pin_user_pages_fast') + 2 } }, 30_000);
  assert.match(message.result?.contents?.value ?? '', /pin_user_pages_fast/, JSON.stringify(message));
  assert.deepEqual(client.malformed, [], 'the server sent a frame that is not JSON');
}

test('bad JSON, non-objects, wrong JSON-RPC shapes and invalid UTF-8: answered or ignored, server up', OPTS, async () => {
  const client = await start();
  const uri = 'file:///abuse/json.c';
  open(client, uri, FIXTURE);
  const bodies: (string | Buffer)[] = [
    '{', '}', '{"jsonrpc":', 'null', '[]', '[1,2,3]', '42', '"text"', 'true', '{}', '{"jsonrpc":"1.0"}',
    '{"jsonrpc":"2.0"}', '{"jsonrpc":"2.0","id":{},"method":"textDocument/hover"}', '{"jsonrpc":"2.0","id":1.5,"method":"x"}',
    '{"jsonrpc":"2.0","method":7}', '{"jsonrpc":"2.0","method":null,"params":{}}', '{"jsonrpc":"2.0","id":null,"method":"textDocument/hover"}',
    '{"jsonrpc":"2.0","id":-1,"result":{}}', '{"jsonrpc":"2.0","id":"zz","error":{"code":1,"message":"m"}}',
    `{"jsonrpc":"2.0","method":"textDocument/didOpen","params":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    `{"a":"${'\\u0000'.repeat(1000)}"}`, '{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"nope"}}',
    '{"jsonrpc":"2.0","method":"$/setTrace","params":{"value":{}}}', '{"jsonrpc":"2.0","method":"$/unknownNotification"}',
    Buffer.from([0xff, 0xfe, 0xfd]), Buffer.from([0x7b, 0xc0, 0x80, 0x7d]), Buffer.from('{"jsonrpc":"2.0","method":"x\udc00"}', 'utf8'),
    Buffer.alloc(0), Buffer.alloc(64, 0),
  ];
  for (let round = 0; round < 4; round++) {
    for (const body of bodies) {
      client.sendRaw(body);
      sent++;
    }
  }
  await assertHealthy(client, uri);
  const state = await documentText(client, uri);
  assert.equal(state.text, FIXTURE);
  assert.equal(state.treeMatchesText, true);
  await client.stop();
});

test('requests with params of every wrong type: each answered with a result or an LSP error', OPTS, async () => {
  const client = await start();
  const uri = 'file:///abuse/types.c';
  open(client, uri, FIXTURE);
  const methods = ['textDocument/hover', 'textDocument/codeAction', 'workspace/executeCommand', 'pinsight/simulate', 'pinsight/targetKernel', 'pinsight/documentText'];
  const position = fc.oneof(fc.anything(), fc.record({ line: fc.anything(), character: fc.anything() }), fc.record({ line: fc.integer(), character: fc.integer() }));
  const textDocument = fc.oneof(fc.anything(), fc.record({ uri: fc.oneof(fc.constant(uri), fc.anything(), fc.string()) }));
  const params = fc.oneof(
    fc.anything(),
    fc.record({ textDocument, position }, { requiredKeys: [] }),
    fc.record({ textDocument, range: fc.oneof(fc.anything(), fc.record({ start: position, end: position })), context: fc.oneof(fc.anything(), fc.record({ diagnostics: fc.anything(), only: fc.anything() })) }, { requiredKeys: [] }),
    fc.record({ command: fc.oneof(fc.string(), fc.anything()), arguments: fc.anything() }, { requiredKeys: [] }),
  );
  const failures: string[] = [];
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...methods), params, async (method, p) => {
      if (method === 'workspace/executeCommand' && (p as { command?: unknown })?.command === 'pinsight.scanWorkspace') return; // a real scan, not abuse
      sent++;
      const { message } = await client.request(method, p, 30_000);
      // vscode-languageserver itself reads `params.workDoneToken` of executeCommand before any
      // handler of ours runs: `null` params fail there (InternalError), the server stays up.
      if (method === 'workspace/executeCommand' && p === null) return;
      try {
        assertAnswered(message, `${method} ${JSON.stringify(p)?.slice(0, 200)}`);
      } catch (e) {
        failures.push((e as Error).message.split("\n")[0]!);
      }
    }),
    { numRuns: 400, seed: 42 },
  );
  assert.deepEqual(failures, []);
  await assertHealthy(client, uri);
  await client.stop();
});

test('notifications with params of every wrong type change nothing they should not', OPTS, async () => {
  const client = await start();
  const uri = 'file:///abuse/notifications.c';
  open(client, uri, FIXTURE);
  const methods = ['textDocument/didOpen', 'textDocument/didChange', 'textDocument/didClose', 'textDocument/didSave', 'workspace/didChangeConfiguration', 'workspace/didChangeWorkspaceFolders', 'workspace/didChangeWatchedFiles', 'initialized', '$/cancelRequest'];
  // Never the URI under test: its text must survive every one of these.
  const other = fc.oneof(fc.anything(), fc.record({ textDocument: fc.oneof(fc.anything(), fc.record({ uri: fc.oneof(fc.anything(), fc.constant('file:///abuse/other.c')), text: fc.anything(), version: fc.anything(), languageId: fc.anything() })), contentChanges: fc.anything(), settings: fc.anything() }, { requiredKeys: [] }));
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...methods), other, async (method, p) => {
      sent++;
      client.notify(method, p);
    }),
    { numRuns: 300, seed: 43 },
  );
  // Malformed didChange of the document under test: refused as a whole, text and tree unchanged.
  const malformed: unknown[] = [
    null, 'junk', [null], [{ text: 5 }], [{ range: null, text: 'x' }], [{ rangeLength: 3, text: 'x' }],
    [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, text: 'ok' }, { range: { start: { line: -1, character: 0 }, end: { line: 0, character: 0 } }, text: 'bad' }],
    [{ range: { start: { line: 0, character: 1.5 }, end: { line: 0, character: 2 } }, text: 'x' }],
    [{ range: { start: { line: 'a', character: 0 }, end: { line: 0, character: 2 } }, text: 'x' }],
    [{ range: { start: { line: 0 }, end: { line: 0, character: 2 } }, text: 'x' }],
  ];
  for (const contentChanges of malformed) {
    sent++;
    client.notify('textDocument/didChange', { textDocument: { uri, version: 99 }, contentChanges });
  }
  const state = await documentText(client, uri);
  assert.equal(state.text, FIXTURE);
  assert.equal(state.version, 1);
  assert.equal(state.treeMatchesText, true);
  await assertHealthy(client, uri);
  await client.stop();
});

test('positions past the end and inverted ranges: InvalidParams, never a crash', OPTS, async () => {
  const client = await start();
  const uri = 'file:///abuse/positions.c';
  open(client, uri, FIXTURE);
  const lines = FIXTURE.split('\n').length;
  const bad = [
    { line: lines + 5, character: 0 }, { line: 0, character: 10_000 }, { line: -1, character: 0 }, { line: 0, character: -1 },
    { line: 2 ** 53, character: 0 }, { line: 0.5, character: 0 }, { line: 1e308, character: 1e308 },
  ];
  for (const position of bad) {
    for (const method of ['textDocument/hover', 'pinsight/simulate']) {
      sent++;
      const { message } = await client.request(method, { textDocument: { uri }, position });
      assert.equal(message.error?.code, -32602, `${method} ${JSON.stringify(position)}: ${JSON.stringify(message)}`);
    }
    sent++;
    const { message } = await client.request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: position }, context: { diagnostics: [] } });
    assert.equal(message.error?.code, -32602, JSON.stringify(message));
  }
  sent++;
  const inverted = await client.request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 3, character: 0 }, end: { line: 1, character: 0 } }, context: { diagnostics: [] } });
  assert.equal(inverted.message.error?.code, -32602);
  await assertHealthy(client, uri);
  await client.stop();
});

test('unknown methods and documents never opened: MethodNotFound / InvalidParams, notifications ignored', OPTS, async () => {
  const client = await start();
  const uri = 'file:///abuse/known.c';
  open(client, uri, FIXTURE);
  for (const method of ['pinsight/frobnicate', 'textDocument/definition', 'textDocument/completion', 'workspace/symbol', 'foo', '']) {
    sent++;
    const { message } = await client.request(method, {});
    assert.equal(message.error?.code, -32601, `${method}: ${JSON.stringify(message)}`);
    client.notify(method, {});
    sent++;
  }
  const never = 'file:///abuse/never-opened.c';
  for (const method of ['textDocument/hover', 'textDocument/codeAction', 'pinsight/simulate', 'pinsight/documentText']) {
    sent++;
    const { message } = await client.request(method, { textDocument: { uri: never }, position: { line: 0, character: 0 }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } });
    assert.equal(message.error?.code, -32602, `${method}: ${JSON.stringify(message)}`);
  }
  // Changing or closing a document never opened does nothing; it stays unknown.
  client.notify('textDocument/didChange', { textDocument: { uri: never, version: 2 }, contentChanges: [{ text: 'int x;' }] });
  client.notify('textDocument/didClose', { textDocument: { uri: never } });
  sent += 2;
  const after = await client.request('pinsight/documentText', { textDocument: { uri: never } });
  assert.equal(after.message.error?.code, -32602);
  // A closed document is unknown again.
  client.notify('textDocument/didClose', { textDocument: { uri } });
  const closed = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
  assert.equal(closed.message.error?.code, -32602);
  assert.ok(client.alive);
  await client.stop();
});

/** One random content change against `doc`: positions inside, at and past the end, inverted ranges, CRLF, surrogates. */
function randomChange(random: () => number, doc: TextDocument): { range?: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string } {
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
  const position = () => {
    const line = Math.floor(random() * (doc.lineCount + 2));
    return { line, character: Math.floor(random() * 90) };
  };
  const text = pick(['', 'x', 'FOLL_FORCE', ' | FOLL_WRITE', '\n', '\r\n', '\r', '{', '}', '(', '/*', '*/', '🐧', '\ud83d', '\udc27', 'pin_user_pages_fast(a, 1, FOLL_LONGTERM, p);\n', '\t\tgup_flags |= FOLL_FORCE;\n']);
  if (random() < 0.01) return { text: FIXTURE }; // a full-text change now and then
  return { range: { start: position(), end: position() }, text: random() < 0.1 ? text.repeat(50) : text };
}

test('a flood of 3,000 didChange (past-the-end, inverted, CRLF, split surrogates, repeated and falling versions): text and tree stay exact', OPTS, async () => {
  const client = await start();
  const uri = 'file:///abuse/flood.c';
  open(client, uri, FIXTURE);
  let expected = TextDocument.create(uri, 'c', 1, FIXTURE);
  let seed = 1234567;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 3000; i++) {
    const changes = Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomChange(random, expected));
    // Versions that repeat, fall and jump: the server applies changes in the order they arrive.
    const version = random() < 0.2 ? Math.floor(random() * 5) : i + 2;
    expected = TextDocument.update(expected, changes, version);
    client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    sent++;
    if (i % 500 === 499) {
      const state = await documentText(client, uri);
      assert.equal(state.text, expected.getText(), `after change ${i}`);
      assert.equal(state.treeMatchesText, true, `tree after change ${i}`);
    }
  }
  const state = await documentText(client, uri);
  assert.equal(state.text, expected.getText());
  assert.equal(state.treeMatchesText, true);
  // The analysis follows the text: the same findings as a fresh document with the final text.
  const fresh = 'file:///abuse/fresh.c';
  const codes = async (u: string) => {
    const { message } = await client.request('textDocument/codeAction', { textDocument: { uri: u }, range: { start: { line: 0, character: 0 }, end: { line: expected.lineCount - 1, character: 0 } }, context: { diagnostics: [] } });
    assert.equal(message.error, undefined, JSON.stringify(message.error));
    return JSON.stringify(message.result).replaceAll(fresh, uri);
  };
  open(client, fresh, expected.getText());
  assert.equal(await codes(uri), await codes(fresh));
  assert.ok(client.alive);
  await client.stop();
});

test(`in all, the tests above sent at least 1,000 hostile messages`, (t) => {
  t.diagnostic(`${sent} hostile messages sent`);
  assert.ok(sent >= 1000, `only ${sent}`);
});

// Regression tests for the three state bugs the flood found, each with its minimal input.

test('regression: an inverted range (start after end) edits the tree as TextDocument edits the text', OPTS, async () => {
  const client = await start();
  const uri = 'file:///abuse/inverted.c';
  open(client, uri, 'int f(void);\nint g(void);\n');
  client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 0, character: 4 } }, text: 'XX' }] });
  const state = await documentText(client, uri);
  assert.equal(state.text, 'int XXint g(void);\n');
  assert.equal(state.treeMatchesText, true);
  await client.stop();
});

test('regression: a good change followed by a malformed one in the same didChange leaves text and tree as they were', OPTS, async () => {
  const client = await start();
  const uri = 'file:///abuse/partial.c';
  open(client, uri, 'int f(void);\n');
  client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } }, text: 'long' }, { range: null, text: 'x' }] });
  const state = await documentText(client, uri);
  assert.deepEqual({ ...state, uri: undefined }, { uri: undefined, text: 'int f(void);\n', version: 1, treeMatchesText: true });
  await client.stop();
});

test('regression: a change that keeps the version number still gets a fresh analysis (no stale quick fix)', OPTS, async () => {
  const client = await start();
  const uri = 'file:///abuse/same-version.c';
  const text = 'int f(void)\n{\n\treturn pin_user_pages_fast(0, 1, FOLL_WRITE | FOLL_FORCE, 0);\n}\n';
  open(client, uri, text, 5);
  const actionsAt = async (line: number) => {
    const { message } = await client.request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line, character: 0 }, end: { line, character: 60 } }, context: { diagnostics: [] } });
    // The engine's fixes (not the pinsight: ignore quick fix, which inserts a line above the call).
    return (message.result as { title: string; edit: { changes: Record<string, { range: { start: { line: number } } }[]> } }[])
      .filter((a) => !a.title.startsWith('Suppress '))
      .flatMap((a) => a.edit.changes[uri]!.map((e) => e.range.start.line));
  };
  assert.deepEqual(await actionsAt(2), [2]);
  client.notify('textDocument/didChange', { textDocument: { uri, version: 5 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n\n\n' }] });
  // The FOLL_FORCE is now on line 5: a quick fix computed for the old text would edit line 2.
  assert.deepEqual(await actionsAt(5), [5]);
  await client.stop();
});
