// The acceptance check on Debian's real 6.1 tree: drivers/infiniband/core/umem.c and
// include/linux/mm.h through the built server. Skipped when the trees are not fetched
// (bash scripts/fetch-kernel.sh).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JsonRpcClient } from '../../scripts/lib/json-rpc-client.js';

const KERNELS = join(process.env.PINSIGHT_CACHE ?? join(homedir(), '.cache/pinsight'), 'kernels');
const K61 = join(KERNELS, 'linux-source-6.1');
const K612 = join(KERNELS, 'linux-source-6.12');
const UMEM = 'drivers/infiniband/core/umem.c';
const skip = !existsSync(join(K61, UMEM)) || !existsSync(join(K612, UMEM)) ? 'kernel trees not fetched' : false;

after(() => JsonRpcClient.killAll());

async function start(root: string, kernel = 'auto'): Promise<JsonRpcClient> {
  const client = new JsonRpcClient();
  await client.request('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(root).href,
    capabilities: { workspace: { workspaceEdit: { documentChanges: true } } },
    initializationOptions: { pinsight: { kernel, scan: { onStartup: false } } },
  });
  client.notify('initialized', {});
  return client;
}

async function open(client: JsonRpcClient, path: string, text = readFileSync(path, 'utf8')) {
  const uri = pathToFileURL(path).href;
  const diagnostics = client.nextDiagnostics(uri, 1);
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
  return { uri, text, lines: text.split('\n'), diagnostics: (await diagnostics).params.diagnostics as any[] };
}

test('6.1 umem.c on its own kernel: the read-only idiom is a note, with no quick fix that removes it', { skip, timeout: 60_000 }, async () => {
  const client = await start(K61);
  const umem = await open(client, join(K61, UMEM));
  const force = umem.diagnostics.find((d) => d.code === 'foll-force-misuse');
  assert.ok(force, JSON.stringify(umem.diagnostics));
  assert.equal(force.severity, 3);
  assert.match(force.message, /keeps this read-only long-term pin coherent on Linux 6\.1/);
  const actions = await client.request('textDocument/codeAction', { textDocument: { uri: umem.uri }, range: force.range, context: { diagnostics: [force] } });
  assert.ok(!actions.result.some((a: any) => a.isPreferred && a.diagnostics?.some((d: any) => d.code === 'foll-force-misuse')), JSON.stringify(actions.result));
});

test('6.1 umem.c as 6.2 code: diagnostic, hover, and the preferred fix gives upstream\'s flag sets', { skip, timeout: 60_000 }, async () => {
  const client = await start(K61, '6.2');
  const umem = await open(client, join(K61, UMEM));
  const force = umem.diagnostics.find((d) => d.code === 'foll-force-misuse');
  assert.ok(force, JSON.stringify(umem.diagnostics));
  const call = umem.lines.findIndex((l) => l.includes('pin_user_pages_fast('));
  assert.ok(umem.lines[force.range.start.line]!.includes('FOLL_FORCE') || force.range.start.line === call);

  const hover = await client.request('textDocument/hover', { textDocument: { uri: umem.uri }, position: { line: call, character: umem.lines[call]!.indexOf('pin_user_pages_fast') + 2 } });
  const md: string = hover.result.contents.value;
  assert.match(md, /FOLL_FORCE/);
  assert.match(md, /shared zeropage/);
  assert.match(md, /target kernel \*\*6\.2\*\*/);

  const mmh = await open(client, join(K61, 'include/linux/mm.h'));
  const def = mmh.lines.findIndex((l) => l.startsWith('static inline bool gup_must_unshare('));
  const doc = await client.request('textDocument/hover', { textDocument: { uri: mmh.uri }, position: { line: def, character: mmh.lines[def]!.indexOf('gup_must_unshare') + 4 } });
  for (const name of [/FOLL_LONGTERM/, /is_cow_mapping/, /6\.2/]) assert.match(doc.result.contents.value, name);

  const actions = await client.request('textDocument/codeAction', { textDocument: { uri: umem.uri }, range: force.range, context: { diagnostics: [force] } });
  const preferred = actions.result.find((a: any) => a.isPreferred);
  assert.ok(preferred, JSON.stringify(actions.result));
  const edits = preferred.edit.documentChanges[0].edits;
  const next = client.nextDiagnostics(umem.uri, 2);
  // Content changes apply one after the other: last position first keeps the others valid.
  const changes = [...edits]
    .sort((a: any, b: any) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)
    .map((e: any) => ({ range: e.range, text: e.newText }));
  client.notify('textDocument/didChange', { textDocument: { uri: umem.uri, version: 2 }, contentChanges: changes });
  await next;
  const fixedSets = await flagSets(client, umem.uri, call);

  // Upstream's answer, read by the same server from the 6.12 tree's umem.c.
  const upstream = await open(client, join(K612, UMEM));
  const upstreamCall = upstream.lines.findIndex((l) => l.includes('pin_user_pages_fast('));
  assert.deepEqual(fixedSets, await flagSets(client, upstream.uri, upstreamCall));
  assert.deepEqual(fixedSets, ['FOLL_LONGTERM', 'FOLL_LONGTERM|FOLL_WRITE']);
  await client.request('shutdown');
  client.notify('exit');
});

async function flagSets(client: JsonRpcClient, uri: string, line: number): Promise<string[]> {
  const sim = await client.request('pinsight/simulate', { textDocument: { uri }, position: { line, character: 12 } });
  return sim.result.flagSets.map((s: any) => s.callerFlags.join('|')).sort();
}
