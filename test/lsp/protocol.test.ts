// The language server as an editor sees it: dist/server.js over stdio, driven by a plain JSON-RPC
// client. Needs `npm run build` first.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JsonRpcClient, type Message } from '../../scripts/lib/json-rpc-client.js';

const FIXTURE = join(__dirname, 'fixtures/kernel-6.1');
const UMEM = join(FIXTURE, 'drivers/demo/demo_umem.c');
const UMEM_URI = pathToFileURL(UMEM).href;
const MM_H = join(FIXTURE, 'include/linux/mm.h');
const UMEM_TEXT = readFileSync(UMEM, 'utf8');
const LINES = UMEM_TEXT.split('\n');
const FORCE_LINE = LINES.findIndex((l) => l.includes('gup_flags |= FOLL_FORCE'));
const CALL_LINE = LINES.findIndex((l) => l.includes('pin_user_pages_fast('));
const OPTS = { timeout: 30_000 };

// A failed assertion leaves its server running; it must not keep the test process alive.
after(() => JsonRpcClient.killAll());

interface Session {
  client: JsonRpcClient;
  init: Message;
}

/** Starts the server and initializes it for the fixture tree (no workspace scan unless asked). */
async function start(options: { settings?: unknown; scan?: boolean; capabilities?: object } = {}): Promise<Session> {
  const client = new JsonRpcClient();
  const settings = options.settings ?? { scan: { onStartup: options.scan === true } };
  client.onServerRequest = (m) => (m.method === 'workspace/configuration' ? [settings] : null);
  const init = await client.request('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(FIXTURE).href,
    workspaceFolders: [{ uri: pathToFileURL(FIXTURE).href, name: 'kernel-6.1' }],
    capabilities: {
      workspace: { configuration: true, workspaceEdit: { documentChanges: true } },
      window: { workDoneProgress: true },
      textDocument: { publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true } },
      ...options.capabilities,
    },
  });
  client.notify('initialized', {});
  return { client, init };
}

async function stop(client: JsonRpcClient): Promise<void> {
  await client.request('shutdown');
  client.notify('exit');
  await client.exited;
}

function open(client: JsonRpcClient, uri = UMEM_URI, text = UMEM_TEXT, version = 1): Promise<Message> {
  const diagnostics = client.nextDiagnostics(uri, version);
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version, text } });
  return diagnostics;
}

/** Applies LSP text edits to a text (edits do not overlap; applied from the end). */
function applyLspEdits(text: string, edits: { range: any; newText: string }[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

test('initialize announces incremental sync, hover, quick fixes and the scan command', OPTS, async () => {
  const { client, init } = await start();
  const caps = init.result.capabilities;
  assert.equal(caps.textDocumentSync.change, 2);
  assert.equal(caps.textDocumentSync.openClose, true);
  assert.equal(caps.hoverProvider, true);
  assert.deepEqual(caps.codeActionProvider.codeActionKinds, ['quickfix']);
  assert.deepEqual(caps.executeCommandProvider.commands, ['pinsight.scanWorkspace']);
  assert.equal(init.result.serverInfo.name, 'pinsight');
  await stop(client);
});

test('didOpen publishes foll-force-misuse at the FOLL_FORCE line, with link and related information', OPTS, async () => {
  const { client } = await start();
  const published = await open(client);
  const d = published.params.diagnostics.find((x: any) => x.code === 'foll-force-misuse');
  assert.ok(d, JSON.stringify(published.params.diagnostics));
  assert.equal(d.range.start.line, FORCE_LINE);
  assert.equal(LINES[FORCE_LINE]!.slice(d.range.start.character, d.range.end.character), 'FOLL_FORCE');
  assert.equal(d.source, 'pinsight');
  // The fixture is a 6.1 tree: there the read-only idiom keeps the pin coherent, so it is a note.
  assert.equal(d.severity, 3);
  assert.match(d.codeDescription.href, /^https:\/\//);
  assert.ok(d.relatedInformation.some((r: any) => r.location.uri === UMEM_URI && r.location.range.start.line === CALL_LINE));
  assert.ok(d.relatedInformation.some((r: any) => r.location.range.start.line === FORCE_LINE));
  await stop(client);
});

test('hover on the call names FOLL_FORCE, the shared zeropage and kernel 6.1, with sim-core verdicts', OPTS, async () => {
  const { client } = await start();
  await open(client);
  const character = LINES[CALL_LINE]!.indexOf('pin_user_pages_fast') + 3;
  const hover = await client.request('textDocument/hover', { textDocument: { uri: UMEM_URI }, position: { line: CALL_LINE, character } });
  const md: string = hover.result.contents.value;
  assert.equal(hover.result.contents.kind, 'markdown');
  assert.match(md, /pin_user_pages_fast/);
  assert.match(md, /FOLL_FORCE/);
  assert.match(md, /shared zeropage/);
  assert.match(md, /kernel \*\*6\.1\*\*/);
  assert.match(md, /gup_must_unshare/);
  assert.match(md, /slow path \| GUP-fast/);
  assert.match(md, /`!umem->writable`/);
  assert.match(md, /FOLL_FORCE` from line \d+: `gup_flags \|= FOLL_FORCE;`/);
  await stop(client);
});

test('hover on gup_must_unshare in include/linux/mm.h names FOLL_LONGTERM, is_cow_mapping and 6.2', OPTS, async () => {
  const { client } = await start();
  const text = readFileSync(MM_H, 'utf8');
  const uri = pathToFileURL(MM_H).href;
  await open(client, uri, text);
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('gup_must_unshare('));
  const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line, character: lines[line]!.indexOf('gup_must_unshare') + 5 } });
  const md: string = hover.result.contents.value;
  assert.match(md, /FOLL_LONGTERM/);
  assert.match(md, /is_cow_mapping/);
  assert.match(md, /6\.2/);
  assert.match(md, /target kernel \*\*6\.1\*\*/);
  assert.match(md, /include\/linux\/mm\.h/);
  // A FOLL_* flag in a #define, and nothing on a word pinsight does not document.
  const flagLine = lines.findIndex((l) => l.startsWith('#define FOLL_FORCE'));
  const flag = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: flagLine, character: 10 } });
  assert.match(flag.result.contents.value, /\*\*FOLL_FORCE\*\*/);
  const none = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
  assert.equal(none.result, null);
  await stop(client);
});

test('the preferred quick fix leaves the call with the flag sets upstream gave it (for a driver that targets 6.2)', OPTS, async () => {
  const { client } = await start({ settings: { kernel: '6.2', scan: { onStartup: false } } });
  const published = await open(client);
  const diagnostic = published.params.diagnostics.find((x: any) => x.code === 'foll-force-misuse');
  const actions = await client.request('textDocument/codeAction', {
    textDocument: { uri: UMEM_URI },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic], only: ['quickfix'] },
  });
  const preferred = actions.result.filter((a: any) => a.isPreferred);
  assert.equal(preferred.length, 1);
  assert.equal(preferred[0].kind, 'quickfix');
  assert.deepEqual(preferred[0].diagnostics, [diagnostic]);
  const change = preferred[0].edit.documentChanges[0];
  assert.deepEqual(change.textDocument, { uri: UMEM_URI, version: 1 });
  const fixed = applyLspEdits(UMEM_TEXT, change.edits);
  assert.doesNotMatch(fixed, /FOLL_FORCE/);
  // Apply it as an editor would (a full-text change) and look again.
  const after = client.nextDiagnostics(UMEM_URI, 2);
  client.notify('textDocument/didChange', { textDocument: { uri: UMEM_URI, version: 2 }, contentChanges: [{ text: fixed }] });
  assert.ok(!(await after).params.diagnostics.some((d: any) => d.code === 'foll-force-misuse'));
  const sim = await client.request('pinsight/simulate', { textDocument: { uri: UMEM_URI }, position: { line: CALL_LINE, character: 12 } });
  const sets = sim.result.flagSets.map((s: any) => s.callerFlags.join('|')).sort();
  assert.deepEqual(sets, ['FOLL_LONGTERM', 'FOLL_LONGTERM|FOLL_WRITE']);
  // the steps after the pin, as the view asks for them; unknown steps are the caller's error
  const stepped = await client.request('pinsight/simulate', { textDocument: { uri: UMEM_URI }, position: { line: CALL_LINE, character: 12 }, then: ['madv-dontneed', 'write'] });
  assert.deepEqual(stepped.result.then, ['madv-dontneed', 'write']);
  assert.ok(stepped.result.steps.some((s: any) => s.name === 'swapin' && typeof s.description === 'string'));
  const bad = await client.request('pinsight/simulate', { textDocument: { uri: UMEM_URI }, position: { line: CALL_LINE, character: 12 }, then: ['dance'] });
  assert.equal(bad.error?.code, -32602);
  assert.match(bad.error?.message ?? '', /unknown step "dance"/);
  const none = await client.request('pinsight/simulate', { textDocument: { uri: UMEM_URI }, position: { line: CALL_LINE, character: 12 }, then: 'write' });
  assert.equal(none.error?.code, -32602);
  await stop(client);
});

test('incremental edits republish diagnostics for the new version', OPTS, async () => {
  const { client } = await start();
  await open(client);
  // Delete "FOLL_FORCE" and type FOLL_WRITE over it, one edit per notification.
  const at = LINES[FORCE_LINE]!.indexOf('FOLL_FORCE');
  const range = { start: { line: FORCE_LINE, character: at }, end: { line: FORCE_LINE, character: at + 'FOLL_FORCE'.length } };
  client.notify('textDocument/didChange', { textDocument: { uri: UMEM_URI, version: 2 }, contentChanges: [{ range, text: '' }] });
  const v3 = client.nextDiagnostics(UMEM_URI, 3);
  client.notify('textDocument/didChange', {
    textDocument: { uri: UMEM_URI, version: 3 },
    contentChanges: [{ range: { start: range.start, end: range.start }, text: 'FOLL_WRITE' }],
  });
  assert.ok(!(await v3).params.diagnostics.some((d: any) => d.code === 'foll-force-misuse'));
  // And back: one character at a time is the hot path.
  const v4 = client.nextDiagnostics(UMEM_URI, 4);
  client.notify('textDocument/didChange', {
    textDocument: { uri: UMEM_URI, version: 4 },
    contentChanges: [{ range: { start: { line: FORCE_LINE, character: at + 5 }, end: { line: FORCE_LINE, character: at + 10 } }, text: 'FORCE' }],
  });
  const back = (await v4).params.diagnostics.find((d: any) => d.code === 'foll-force-misuse');
  assert.equal(back.range.start.line, FORCE_LINE);
  await stop(client);
});

test('bad requests get LSP errors and the server keeps answering', OPTS, async () => {
  const { client } = await start();
  await open(client);
  const unknownDoc = await client.request('textDocument/hover', { textDocument: { uri: 'file:///nowhere.c' }, position: { line: 0, character: 0 } });
  assert.equal(unknownDoc.error?.code, -32602);
  assert.match(unknownDoc.error!.message, /unknown document/);
  const pastEnd = await client.request('textDocument/hover', { textDocument: { uri: UMEM_URI }, position: { line: 9999, character: 0 } });
  assert.equal(pastEnd.error?.code, -32602);
  const pastLine = await client.request('textDocument/hover', { textDocument: { uri: UMEM_URI }, position: { line: 0, character: 500 } });
  assert.equal(pastLine.error?.code, -32602);
  const noPosition = await client.request('textDocument/hover', { textDocument: { uri: UMEM_URI } });
  assert.equal(noPosition.error?.code, -32602);
  const badRange = await client.request('textDocument/codeAction', { textDocument: { uri: UMEM_URI }, range: { start: { line: 3, character: 0 }, end: { line: 1, character: 0 } }, context: { diagnostics: [] } });
  assert.equal(badRange.error?.code, -32602);
  const unknownMethod = await client.request('pinsight/noSuchThing', {});
  assert.equal(unknownMethod.error?.code, -32601);
  const badCommand = await client.request('workspace/executeCommand', { command: 'rm -rf', arguments: [] });
  assert.equal(badCommand.error?.code, -32602);
  client.sendRaw('{"jsonrpc":"2.0","id":99,"method":"textDocument/hover","params":');
  client.notify('textDocument/didChange', { textDocument: { uri: 'file:///nowhere.c', version: 2 }, contentChanges: [{ text: 'x' }] });
  const still = await client.request('textDocument/hover', { textDocument: { uri: UMEM_URI }, position: { line: CALL_LINE, character: 12 } });
  assert.match(still.result.contents.value, /pin_user_pages_fast/);
  await stop(client);
});

test('a bad setting is a warning and its default; a configuration change re-evaluates open documents', OPTS, async () => {
  let settings: any = { kernel: 'six point one', findings: { severity: { 'foll-force-misuse': 'fatal' } }, scan: { onStartup: false } };
  const client = new JsonRpcClient();
  client.onServerRequest = (m) => (m.method === 'workspace/configuration' ? [settings] : null);
  await client.request('initialize', { processId: process.pid, rootUri: pathToFileURL(FIXTURE).href, capabilities: { workspace: { configuration: true } } });
  const warnings = client.received.length;
  client.notify('initialized', {});
  const warning = await client.waitFor((m) => m.method === 'window/showMessage' && /pinsight\.kernel/.test(m.params.message), warnings);
  assert.equal(warning.params.type, 2);
  await client.waitFor((m) => m.method === 'window/showMessage' && /foll-force-misuse: "fatal"/.test(m.params.message), warnings);
  const first = await open(client);
  const d = first.params.diagnostics.find((x: any) => x.code === 'foll-force-misuse');
  assert.equal(d.severity, 3, 'the rule\'s own severity stands (a note on 6.1, where the idiom keeps the pin coherent)');
  const kernel = await client.request('pinsight/targetKernel', { textDocument: { uri: UMEM_URI } });
  assert.deepEqual([kernel.result.kernel, kernel.result.source, kernel.result.setting], ['6.1', 'detected', 'auto']);

  settings = { kernel: '6.12', findings: { severity: { 'foll-force-misuse': 'error' } }, scan: { onStartup: false } };
  let next = client.nextDiagnostics(UMEM_URI, 1);
  client.notify('workspace/didChangeConfiguration', { settings: null });
  const errorNow = (await next).params.diagnostics.find((x: any) => x.code === 'foll-force-misuse');
  assert.equal(errorNow.severity, 1);
  const k612 = await client.request('pinsight/targetKernel', { textDocument: { uri: UMEM_URI } });
  assert.deepEqual([k612.result.kernel, k612.result.source], ['6.12', 'setting']);

  settings = { findings: { disabled: ['foll-force-misuse'] }, scan: { onStartup: false } };
  next = client.nextDiagnostics(UMEM_URI, 1);
  client.notify('workspace/didChangeConfiguration', { settings: null });
  assert.ok(!(await next).params.diagnostics.some((x: any) => x.code === 'foll-force-misuse'));
  await stop(client);
});

test('settings pushed with didChangeConfiguration work for clients without workspace/configuration', OPTS, async () => {
  const client = new JsonRpcClient();
  await client.request('initialize', { processId: null, rootUri: null, capabilities: {}, initializationOptions: { pinsight: { kernel: '6.12', scan: { onStartup: false } } } });
  client.notify('initialized', {});
  await open(client);
  const k = await client.request('pinsight/targetKernel', { textDocument: { uri: UMEM_URI } });
  assert.equal(k.result.kernel, '6.12');
  const next = client.nextDiagnostics(UMEM_URI, 1);
  client.notify('workspace/didChangeConfiguration', { settings: { pinsight: { findings: { severity: { 'foll-force-misuse': 'hint' } }, scan: { onStartup: false } } } });
  assert.equal((await next).params.diagnostics.find((x: any) => x.code === 'foll-force-misuse').severity, 4);
  await stop(client);
});

test('the workspace scan reports progress and publishes findings of files that are not open', OPTS, async () => {
  const { client } = await start({ scan: true });
  const create = await client.waitFor((m) => m.method === 'window/workDoneProgress/create');
  const token = create.params.token;
  const published = await client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === UMEM_URI);
  assert.ok(published.params.diagnostics.some((d: any) => d.code === 'foll-force-misuse'));
  const end = await client.waitFor((m) => m.method === '$/progress' && m.params.token === token && m.params.value.kind === 'end');
  const progress = client.received.filter((m) => m.method === '$/progress' && m.params.token === token).map((m) => m.params.value);
  assert.equal(progress[0].kind, 'begin');
  assert.equal(progress[0].cancellable, true);
  assert.ok(progress.some((v) => v.kind === 'report'));
  assert.ok(client.received.indexOf(end) > 0);
  await stop(client);
});

test('shutdown then exit ends the process with 0; exit without shutdown with 1', OPTS, async () => {
  const { client } = await start();
  const shutdown = await client.request('shutdown');
  assert.equal(shutdown.result, null);
  client.notify('exit');
  assert.equal(await client.exited, 0);

  const abrupt = (await start()).client;
  abrupt.notify('exit');
  assert.equal(await abrupt.exited, 1);
});

test('without a transport argument the server prints its usage and exits 2', OPTS, async () => {
  const client = new JsonRpcClient([]);
  assert.equal(await client.exited, 2);
  assert.match(client.stderr.join(''), /usage: pinsight-lsp --stdio/);
});

test('a kernel outside the trees pinsight is held to is answered as the nearest one, and the editor says so', OPTS, async () => {
  const { client } = await start({ settings: { kernel: '7.4', scan: { onStartup: false } } });
  await open(client);
  const kernel = await client.request('pinsight/targetKernel', { textDocument: { uri: UMEM_URI } });
  assert.equal(kernel.result.kernel, '7.4');
  assert.match(kernel.result.note, /Linux 7\.4 is newer than the kernels pinsight is checked against \(5\.10 to 7\.3\): answered as 7\.3/);
  const character = LINES[CALL_LINE]!.indexOf('pin_user_pages_fast') + 3;
  const hover = await client.request('textDocument/hover', { textDocument: { uri: UMEM_URI }, position: { line: CALL_LINE, character } });
  assert.match(hover.result.contents.value, /answered as 7\.3/);
  await stop(client);
});
