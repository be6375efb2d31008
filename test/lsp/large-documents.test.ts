// The language server under load (issue 14): a storm of didChange is one analysis of the latest
// version, not one per change; a document above pinsight.analysis.maxFileSize is not parsed, is
// told about once, and leaves the server answering. Bounds are on counts and memory, never time.
// Needs `npm run build` first.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JsonRpcClient, startInWorkspace, type Message } from '../../scripts/lib/json-rpc-client.js';
import { manyCallsSource } from '../../scripts/bench/many-calls.js';

const FIXTURE = join(__dirname, 'fixtures/kernel-6.1');
const UMEM = join(FIXTURE, 'drivers/demo/demo_umem.c');
const UMEM_URI = pathToFileURL(UMEM).href;
const UMEM_TEXT = readFileSync(UMEM, 'utf8');
const OPTS = { timeout: 120_000 };

after(() => JsonRpcClient.killAll());

function start(settings: unknown = { scan: { onStartup: false } }): Promise<JsonRpcClient> {
  return startInWorkspace(FIXTURE, settings);
}

function open(client: JsonRpcClient, uri: string, text: string, version = 1): Promise<Message> {
  const diagnostics = client.nextDiagnostics(uri, version);
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version, text } });
  return diagnostics;
}

const publishes = (client: JsonRpcClient, uri: string, from: number) =>
  client.received.slice(from).filter((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri);

/** Typing at the top of the file: `count` changes, each inserting one space (then, the next, deleting it). */
function storm(client: JsonRpcClient, uri: string, count: number, firstVersion: number): number {
  let version = firstVersion;
  for (let i = 0; i < count; i++) {
    const typed = i % 2 === 0;
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: typed ? 0 : 1 } };
    client.notify('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ range, text: typed ? ' ' : '' }] });
  }
  return version;
}

test('1,000 rapid didChange give a few publishDiagnostics, the last for the final version with its findings', OPTS, async () => {
  const client = await start();
  const opened = await open(client, UMEM_URI, UMEM_TEXT);
  assert.ok(opened.params.diagnostics.length > 0, 'the fixture has findings');
  const from = client.received.length;
  const last = storm(client, UMEM_URI, 1000, 1);
  const final = await client.nextDiagnostics(UMEM_URI, last);
  // An even number of changes: the text is the opened one again, and so are the findings.
  assert.deepEqual(final.params.diagnostics, opened.params.diagnostics);
  await client.request('shutdown'); // every notification before it has been handled
  const sent = publishes(client, UMEM_URI, from);
  if (process.env.PINSIGHT_TEST_VERBOSE) console.log(`${sent.length} publishDiagnostics for 1,000 changes`);
  assert.ok(sent.length <= 20, `${sent.length} publishDiagnostics for 1,000 changes`);
  assert.equal(sent.at(-1)!.params.version, last, 'nothing is published after the final version');
  const versions = sent.map((m) => m.params.version as number);
  assert.deepEqual(versions, [...versions].sort((a, b) => a - b), 'versions only go up');
  client.notify('exit');
  await client.exited;
});

test('edits that wait for their diagnostics each get their own (coalescing drops none)', OPTS, async () => {
  const client = await start();
  await open(client, UMEM_URI, UMEM_TEXT);
  for (let version = 2; version <= 6; version++) {
    const published = client.nextDiagnostics(UMEM_URI, version);
    storm(client, UMEM_URI, 1, version - 1); // one change, to `version`
    const m = await published;
    assert.equal(m.params.version, version);
  }
  await client.close();
});

test('a document above pinsight.analysis.maxFileSize is not analysed and is told about once', OPTS, async () => {
  // 0.002 MB: the umem fixture (about 1,500 characters) is analysed, the same code padded is not.
  const client = await start({ scan: { onStartup: false }, analysis: { maxFileSize: 0.002 } });
  const small = await open(client, UMEM_URI, UMEM_TEXT);
  assert.ok(small.params.diagnostics.length > 0, 'a document under the limit is analysed');
  const uri = pathToFileURL(join(FIXTURE, 'drivers/demo/demo_big.c')).href;
  const big = `${UMEM_TEXT}\n${'/* padding */\n'.repeat(200)}`;
  const from = client.received.length;
  const first = await open(client, uri, big);
  assert.deepEqual(first.params.diagnostics, [], 'no findings from a document too large to analyse');
  const last = storm(client, uri, 6, 1);
  await client.nextDiagnostics(uri, last);
  const told = client.received.slice(from).filter((m) => m.method === 'window/showMessage');
  assert.equal(told.length, 1, 'one message per document, not one per change');
  assert.match(told[0]!.params.message, /demo_big\.c: 0\.0 MB, above pinsight\.analysis\.maxFileSize \(0\.002 MB\): not analysed in the editor/);
  // A call hover needs the analysis: on the too-large document's pin_user_pages_fast call there is
  // only the name's documentation; the same call in the small document gets its flag sets.
  const line = big.split('\n').findIndex((l) => l.includes('pin_user_pages_fast('));
  const position = { line, character: big.split('\n')[line]!.indexOf('pin_user_pages_fast') + 3 };
  const hoverText = async (on: string) => {
    const hover = await client.request('textDocument/hover', { textDocument: { uri: on }, position });
    assert.equal(hover.error, undefined);
    return JSON.stringify(hover.result ?? '');
  };
  assert.match(await hoverText(UMEM_URI), /sim-core, pin then a write/);
  assert.doesNotMatch(await hoverText(uri), /sim-core, pin then a write/);
  // Closing forgets it: opened again, it is told again.
  client.notify('textDocument/didClose', { textDocument: { uri } });
  const again = client.received.length;
  await open(client, uri, big, 10);
  await client.waitFor((m) => m.method === 'window/showMessage', again);
  await client.close();
});

test('a 12 MB document over the default limit leaves the server small and answering', OPTS, async () => {
  const client = await start();
  const text = manyCallsSource(200_000, 'dense').slice(0, 12e6);
  const uri = pathToFileURL(join(FIXTURE, 'drivers/demo/demo_huge.c')).href;
  const first = await open(client, uri, text);
  assert.deepEqual(first.params.diagnostics, []);
  const last = storm(client, uri, 50, 1);
  await client.nextDiagnostics(uri, last);
  // Another document is analysed as ever.
  const umem = await open(client, UMEM_URI, UMEM_TEXT);
  assert.ok(umem.params.diagnostics.length > 0);
  // Its tree alone would take some 45 bytes a character (over 500 MB); the text is 24 MB as UTF-16.
  const status = readFileSync(`/proc/${client.process.pid}/status`, 'utf8');
  const rssMB = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
  assert.ok(rssMB < 400, `peak RSS ${rssMB.toFixed(0)} MB`);
  await client.close();
});
