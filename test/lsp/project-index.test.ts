// The language server and the project index (issue 13): a call through a wrapper defined in another
// file of the workspace gets its diagnostics at the caller, and an edit of the header that defines
// the wrapper re-analyses the open files that call it. dist/server.js over stdio; needs `npm run build`.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JsonRpcClient, startInWorkspace, type Message } from '../../scripts/lib/json-rpc-client.js';

const OPTS = { timeout: 30_000 };
after(() => JsonRpcClient.killAll());

const module = join(__dirname, '../fixtures/project-index/acme_dma');

interface Diagnostic {
  range: { start: { line: number } };
  code: string;
  severity: number;
}

const diagnosticsOf = (m: Message) => (m.params as { diagnostics: Diagnostic[] }).diagnostics.map((d) => `${d.code}@${d.range.start.line + 1}`).sort();

async function start(dir: string, settings: unknown): Promise<JsonRpcClient> {
  const client = await startInWorkspace(dir, settings);
  // The index is built after `initialized`; the server says so in its log.
  await client.waitFor((m) => m.method === 'window/logMessage' && /project index: \d+ wrapper/.test((m.params as { message: string }).message));
  return client;
}

test('a call through a wrapper in another file has its diagnostics; editing the wrapper updates them', OPTS, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-lsp-index-'));
  cpSync(module, dir, { recursive: true });
  const client = await start(dir, { kernel: '6.1', scan: { onStartup: false } });
  try {
    const main = pathToFileURL(join(dir, 'acme_main.c')).href;
    const mainText = readFileSync(join(dir, 'acme_main.c'), 'utf8');
    let diagnostics = client.nextDiagnostics(main, 1);
    client.notify('textDocument/didOpen', { textDocument: { uri: main, languageId: 'c', version: 1, text: mainText } });
    assert.deepEqual(diagnosticsOf(await diagnostics), ['foll-force-misuse@21', 'longterm-readonly@15']);
    // A file that calls no wrapper: the header's edit below does not concern it.
    const legacy = pathToFileURL(join(dir, 'legacy.c')).href;
    const legacyOpened = client.nextDiagnostics(legacy, 1);
    client.notify('textDocument/didOpen', { textDocument: { uri: legacy, languageId: 'c', version: 1, text: readFileSync(join(dir, 'legacy.c'), 'utf8') } });
    await legacyOpened;

    // The wrapper now asks for FOLL_WRITE itself: the ring is no longer a read-only pin.
    const header = pathToFileURL(join(dir, 'include/compat/mm.h')).href;
    const headerText = readFileSync(join(dir, 'include/compat/mm.h'), 'utf8');
    client.notify('textDocument/didOpen', { textDocument: { uri: header, languageId: 'c', version: 1, text: headerText } });
    diagnostics = client.next((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === main);
    const edited = headerText.replace('gup_flags | FOLL_LONGTERM', 'gup_flags | FOLL_LONGTERM | FOLL_WRITE');
    client.notify('textDocument/didChange', { textDocument: { uri: header, version: 2 }, contentChanges: [{ text: edited }] });
    assert.deepEqual(diagnosticsOf(await diagnostics), ['foll-force-misuse@21']);

    // A hover on the call through the wrapper names the entry point.
    const { result } = await client.request('textDocument/hover', { textDocument: { uri: main }, position: { line: 14, character: 10 } });
    assert.match(JSON.stringify(result), /pin_user_pages_fast/);
    const published = (uri: string) => client.received.filter((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === uri).length;
    assert.equal(published(legacy), 1, 'legacy.c was analysed once, when opened: the wrapper it does not call changed');
  } finally {
    await client.request('shutdown');
    client.notify('exit');
    await client.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a header of the kernel tree named in pinsight.index.includeDirs is read for wrappers', OPTS, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-lsp-index-'));
  cpSync(join(module, '..'), dir, { recursive: true });
  const ws = join(dir, 'acme_dma');
  const client = await start(ws, { kernel: '6.1', scan: { onStartup: false }, index: { includeDirs: ['../kdir/include'] } });
  try {
    const uri = pathToFileURL(join(ws, 'acme_kdir.c')).href;
    const text = readFileSync(join(ws, 'acme_kdir.c'), 'utf8').replace('FOLL_WRITE', 'FOLL_FORCE | FOLL_WRITE');
    writeFileSync(join(ws, 'acme_kdir.c'), text);
    const diagnostics = client.nextDiagnostics(uri, 1);
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
    assert.deepEqual(diagnosticsOf(await diagnostics), ['foll-force-misuse@6']);
  } finally {
    await client.request('shutdown');
    client.notify('exit');
    await client.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
