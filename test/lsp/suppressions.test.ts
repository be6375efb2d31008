// The language server and issue 20: `pinsight: ignore` comments silence diagnostics, a quick fix
// writes one, `.pinsight.json` is honoured as the CLI honours it (and the settings win), and the
// diagnostics link each rule's page. dist/server.js over stdio; needs `npm run build` first.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JsonRpcClient, startInWorkspace, type Message } from '../../scripts/lib/json-rpc-client.js';
import { pinsight } from '../cli/scan-helpers.js';

const OPTS = { timeout: 30_000 };
after(() => JsonRpcClient.killAll());

const FORCED = 'int forced(unsigned long s, int n, struct page **p)\n{\n\treturn pin_user_pages_fast(s, n,\n\t\t\t\t   FOLL_FORCE | FOLL_WRITE | FOLL_LONGTERM, p);\n}\n';
const RO_PIN = 'int ro(unsigned long s, int n, struct page **p)\n{\n\treturn pin_user_pages_fast(s, n, FOLL_LONGTERM, p);\n}\n';

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-lsp-adopt-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function start(dir: string, settings: unknown = { scan: { onStartup: false } }, workspace: object = {}): Promise<JsonRpcClient> {
  return startInWorkspace(dir, settings, {
    workspace: { configuration: true, ...workspace },
    textDocument: { publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true } },
  });
}

/** Waits until the server has the client's settings (they are fetched after `initialized`). */
async function settled(client: JsonRpcClient, kernelSetting: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { result } = await client.request('pinsight/targetKernel', {});
    if (result.setting === kernelSetting) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the settings never arrived');
}

async function stop(client: JsonRpcClient): Promise<void> {
  await client.request('shutdown');
  client.notify('exit');
  await client.exited;
}

function open(client: JsonRpcClient, uri: string, text: string, version = 1): Promise<Message> {
  const diagnostics = client.nextDiagnostics(uri, version);
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version, text } });
  return diagnostics;
}

function change(client: JsonRpcClient, uri: string, text: string, version: number): Promise<Message> {
  const diagnostics = client.nextDiagnostics(uri, version);
  client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  return diagnostics;
}

test('a pinsight: ignore comment silences the diagnostic; the quick fix writes one; without a reason it does not apply', OPTS, async () => {
  const dir = workspace({ 'Makefile': 'VERSION = 6\nPATCHLEVEL = 1\n', 'drv/f.c': FORCED });
  const client = await start(dir);
  try {
    const uri = pathToFileURL(join(dir, 'drv/f.c')).href;
    const first = await open(client, uri, FORCED);
    const forced = first.params.diagnostics.find((d: any) => d.code === 'foll-force-misuse');
    assert.ok(forced, 'the finding is there first');
    assert.match(forced.codeDescription.href, /\/docs\/rules\/foll-force-misuse\.md$/);

    const { result: actions } = await client.request('textDocument/codeAction', { textDocument: { uri }, range: forced.range, context: { diagnostics: [forced] } });
    const ignore = actions.find((a: any) => /^Suppress foll-force-misuse here/.test(a.title));
    assert.ok(ignore, actions.map((a: any) => a.title).join(' | '));
    assert.equal(ignore.isPreferred, false);
    const [edit] = ignore.edit.changes[uri];
    // Above the call's first line (the finding is on its second line), with its indentation.
    assert.deepEqual(edit.range.start, { line: 2, character: 0 });
    assert.equal(edit.newText, '\t/* pinsight: ignore[foll-force-misuse] TODO: say why this is deliberate */\n');

    const lines = FORCED.split('\n');
    lines.splice(2, 0, edit.newText.slice(0, -1));
    const silenced = await change(client, uri, lines.join('\n'), 2);
    assert.deepEqual(silenced.params.diagnostics.map((d: any) => d.code).filter((c: string) => c === 'foll-force-misuse'), []);
    const after = await client.request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 4, character: 0 }, end: { line: 4, character: 40 } }, context: { diagnostics: [] } });
    assert.ok(!after.result.some((a: any) => /foll-force-misuse/.test(a.title)), 'no action for a suppressed finding');

    lines[2] = '\t/* pinsight: ignore[foll-force-misuse] */';
    const noReason = await change(client, uri, lines.join('\n'), 3);
    const back = noReason.params.diagnostics.find((d: any) => d.code === 'foll-force-misuse');
    assert.ok(back, 'a comment without a reason silences nothing');
    assert.ok(back.relatedInformation.some((r: any) => r.location.range.start.line === 2 && /has no reason/.test(r.message)));
  } finally {
    await stop(client);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('.pinsight.json: the server and the CLI report the same; the settings win over it', OPTS, async () => {
  const project = { kernel: '6.12', disable: ['foll-force-misuse'], severity: { 'longterm-readonly': 'warning' }, ignore: ['gen/**'] };
  const dir = workspace({ 'mod/.pinsight.json': JSON.stringify(project), 'mod/a.c': FORCED + RO_PIN, 'mod/gen/g.c': RO_PIN });
  const client = await start(dir);
  try {
    const uri = pathToFileURL(join(dir, 'mod/a.c')).href;
    const diagnostics = (await open(client, uri, FORCED + RO_PIN)).params.diagnostics;
    const kernel = await client.request('pinsight/targetKernel', { textDocument: { uri } });
    assert.deepEqual([kernel.result.kernel, kernel.result.source], ['6.12', 'project']);
    const cli = JSON.parse((await pinsight(['scan', '--format', 'json', 'mod'], dir)).out);
    const lsp = diagnostics.map((d: any) => [d.code, d.range.start.line + 1, d.severity]);
    const severityNumber: Record<string, number> = { error: 1, warning: 2, information: 3, hint: 4 };
    assert.deepEqual(lsp, cli.findings.map((f: any) => [f.code, f.line, severityNumber[f.severity]]));
    assert.deepEqual(lsp, [['longterm-readonly', 8, 2]], 'foll-force-misuse off, longterm-readonly raised to warning on 6.12');
    const ignored = await open(client, pathToFileURL(join(dir, 'mod/gen/g.c')).href, RO_PIN);
    assert.deepEqual(ignored.params.diagnostics, []);
  } finally {
    await stop(client);
  }
  // The user's settings over the project file: a severity per code, and a kernel.
  const user = await start(dir, { kernel: '6.1', findings: { severity: { 'longterm-readonly': 'error' } }, scan: { onStartup: false } });
  try {
    await settled(user, '6.1');
    const uri = pathToFileURL(join(dir, 'mod/a.c')).href;
    const diagnostics = (await open(user, uri, FORCED + RO_PIN)).params.diagnostics;
    assert.deepEqual(diagnostics.map((d: any) => [d.code, d.severity]), [['longterm-readonly', 1]]);
    assert.match(diagnostics[0].message, /Linux 6\.1/);
  } finally {
    await stop(user);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('.pinsight.json with bad content: one warning, and diagnostics as without it', OPTS, async () => {
  const dir = workspace({ 'Makefile': 'VERSION = 6\nPATCHLEVEL = 1\n', '.pinsight.json': '{ "disable": "everything",', 'f.c': FORCED });
  const client = await start(dir);
  try {
    const from = client.received.length;
    const uri = pathToFileURL(join(dir, 'f.c')).href;
    const diagnostics = (await open(client, uri, FORCED)).params.diagnostics;
    assert.ok(diagnostics.some((d: any) => d.code === 'foll-force-misuse'));
    const warning = await client.waitFor((m) => m.method === 'window/showMessage' && /\.pinsight\.json: not JSON/.test(m.params.message), from);
    assert.equal(warning.params.type, 2);
    await change(client, uri, FORCED + '\n', 2);
    const warnings = client.received.slice(from).filter((m) => m.method === 'window/showMessage' && /\.pinsight\.json/.test(m.params.message));
    assert.equal(warnings.length, 1, 'once, not on every keystroke');
  } finally {
    await stop(client);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a .pinsight.json written while the server runs applies at once (watched files)', OPTS, async () => {
  const dir = workspace({ 'Makefile': 'VERSION = 6\nPATCHLEVEL = 1\n', 'f.c': FORCED });
  const client = await start(dir, undefined, { didChangeWatchedFiles: { dynamicRegistration: true } });
  try {
    const registration = await client.waitFor((m) => m.method === 'client/registerCapability');
    assert.deepEqual(registration.params.registrations.map((r: any) => [r.method, r.registerOptions.watchers[0].globPattern]), [['workspace/didChangeWatchedFiles', '**/.pinsight.json']]);
    const uri = pathToFileURL(join(dir, 'f.c')).href;
    const before = (await open(client, uri, FORCED)).params.diagnostics;
    assert.ok(before.some((d: any) => d.code === 'foll-force-misuse'));
    writeFileSync(join(dir, '.pinsight.json'), JSON.stringify({ disable: ['foll-force-misuse'] }));
    // Wait for the publish without the code (the test's timeout fails it if none comes). The server
    // also re-reads a project file read more than PROJECT_FILE_MAX_AGE_MS ago, so on a loaded machine
    // a republish (the settings arrive after `initialized`) may apply it before the notification: both
    // are right, and which one came first is not this test's business.
    const from = client.received.length;
    const without = (m: Message) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri && !m.params.diagnostics.some((d: any) => d.code === 'foll-force-misuse');
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(dir, '.pinsight.json')).href, type: 1 }] });
    await client.waitFor(without, from);
  } finally {
    await stop(client);
    rmSync(dir, { recursive: true, force: true });
  }
});
