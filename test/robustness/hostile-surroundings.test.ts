// Issue 14, "hostile surroundings": what a cloned tree or a shared cache holds must never make
// pinsight hang, overwrite anything or lie. Here, through dist/ (`npm run build` first): a top
// Makefile that is a FIFO, a link to /dev/zero or oversized (the CLI's scan on both paths, and the
// language server with kernel: auto, which must keep answering); a scan-result cache file forged to
// hide findings; file names holding terminal escapes, printed escaped and byte-identical from the
// cache. The caches' own defences are tested beside them (test/scan/result-cache.test.ts,
// test/cli/code-cache.test.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JsonRpcClient } from '../../scripts/lib/json-rpc-client.js';
import { runCli } from './run-cli.js';

const GUP_CALL = 'static int f(unsigned long a, struct page **p)\n{\n\treturn pin_user_pages_fast(a, 1, FOLL_WRITE | FOLL_FORCE, p);\n}\n';
const MAKEFILE_61 = 'VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 0\n';

let dir: string;
/** A cache and a key of this test's own: the runs never touch the user's. */
let env: NodeJS.ProcessEnv;

const TRAPS: [string, (path: string) => void, RegExp][] = [
  ['a FIFO', (p) => execFileSync('mkfifo', [p]), /not a regular file \(a FIFO\)/],
  ['a link to /dev/zero', (p) => symlinkSync('/dev/zero', p), /not a regular file \(a character device\)/],
  ['2 MB', (p) => writeFileSync(p, `VERSION = 6\nPATCHLEVEL = 12\n${'#'.repeat(2 << 20)}\n`), /larger than 1048576 bytes/],
];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'pinsight-hostile-'));
  chmodSync(dir, 0o755);
  env = { ...process.env, PINSIGHT_CACHE: join(dir, 'cache'), XDG_CONFIG_HOME: join(dir, 'config') };
  // tree/Makefile sets 6.1; tree/<trap>/Makefile is the trap, tree/<trap>/drv.c calls GUP.
  // bare/<trap>/ has no kernel Makefile above the trap at all.
  for (const top of ['tree', 'bare']) {
    mkdirSync(join(dir, top));
    if (top === 'tree') writeFileSync(join(dir, top, 'Makefile'), MAKEFILE_61);
    for (const [name, plant] of TRAPS) {
      const sub = join(dir, top, name.replace(/\W+/g, '-'));
      mkdirSync(sub);
      plant(join(sub, 'Makefile'));
      writeFileSync(join(sub, 'drv.c'), GUP_CALL);
    }
  }
});

after(() => {
  JsonRpcClient.killAll();
  rmSync(dir, { recursive: true, force: true });
});

for (const plain of [false, true]) {
  const path = plain ? 'plain path' : 'fast path';
  for (const [name, , why] of TRAPS) {
    const sub = name.replace(/\W+/g, '-');
    test(`${path}: a top Makefile that is ${name}: skipped with one line, the Makefile above is used`, () => {
      const run = runCli(['scan', join(dir, 'tree', sub)], { env: { ...env, PINSIGHT_SCAN: plain ? 'plain' : '' }, cwd: dir, timeoutMs: 30_000 });
      assert.equal(run.timedOut, false);
      assert.equal(run.status, 1, run.stderr);
      assert.match(run.stdout, /^pinsight: Linux 6\.1 \(tree\/Makefile\)$/m);
      assert.match(run.stdout, /drv\.c:3:\d+: warning: .*\[foll-force-misuse\]/);
      const lines = run.stderr.trim().split('\n');
      assert.equal(lines.length, 1, run.stderr);
      assert.ok(lines[0]!.startsWith(`pinsight scan: ${join(dir, 'tree', sub, 'Makefile')}: `), lines[0]);
      assert.match(lines[0]!, why);
    });
    test(`${path}: a top Makefile that is ${name} and none above: the note, then the usage error, exit 2`, () => {
      const run = runCli(['scan', join(dir, 'bare', sub)], { env: { ...env, PINSIGHT_SCAN: plain ? 'plain' : '' }, cwd: dir, timeoutMs: 30_000 });
      assert.equal(run.timedOut, false);
      assert.equal(run.status, 2, run.stderr);
      const lines = run.stderr.trim().split('\n');
      assert.equal(lines.length, 2, run.stderr);
      assert.match(lines[0]!, why);
      assert.match(lines[1]!, /cannot tell the kernel version of .*pass --kernel V$/);
    });
  }
}

test('the language server with kernel: auto keeps answering beside a FIFO or /dev/zero Makefile, and logs one line each', { timeout: 60_000 }, async () => {
  const client = new JsonRpcClient();
  await client.request('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(join(dir, 'tree')).href,
    capabilities: {},
    initializationOptions: { pinsight: { scan: { onStartup: false } } },
  });
  client.notify('initialized', {});
  for (const [top, kernel, source] of [['tree', '6.1', 'detected'], ['bare', '6.12', 'fallback']] as const) {
    for (const [name, , why] of TRAPS) {
      const file = join(dir, top, name.replace(/\W+/g, '-'), 'drv.c');
      const uri = pathToFileURL(file).href;
      const diagnostics = client.nextDiagnostics(uri);
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: GUP_CALL } });
      const published = (await diagnostics).params.diagnostics as { code: string }[];
      assert.ok(published.some((d) => d.code === 'foll-force-misuse'), `${top}/${name}: ${JSON.stringify(published)}`);
      const target = await client.request('pinsight/targetKernel', { textDocument: { uri } });
      assert.deepEqual([target.result.kernel, target.result.source], [kernel, source], `${top}/${name}`);
      const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 10 } });
      assert.match(hover.result.contents.value, /FOLL_FORCE/);
      const makefile = join(dir, top, name.replace(/\W+/g, '-'), 'Makefile');
      const logged = client.received.filter((m) => m.method === 'window/logMessage' && String(m.params.message).includes(makefile));
      assert.equal(logged.length, 1, `${top}/${name}`);
      assert.match(logged[0]!.params.message, why);
    }
  }
  const shutdown = await client.request('shutdown');
  assert.equal(shutdown.error, undefined);
});

test('a scan-result cache file forged to hide the findings is ignored: exit 1 as without the cache', () => {
  const tree = join(dir, 'tree', 'a-FIFO');
  const own = { ...env, PINSIGHT_CACHE: join(dir, 'forged-cache') };
  const fresh = runCli(['scan', tree], { env: own, cwd: dir });
  assert.equal(fresh.status, 1, fresh.stderr);
  const cacheDir = join(dir, 'forged-cache/scan-results');
  const files = readdirSync(cacheDir);
  assert.equal(files.length, 1);
  const path = join(cacheDir, files[0]!);
  const text = readFileSync(path, 'utf8');
  const json = JSON.parse(text.slice(text.indexOf('\n') + 1));
  for (const entry of Object.values(json.entries) as { result: unknown }[]) entry.result = null;
  // Kept the MAC line: it no longer matches. Dropped it: the old, unauthenticated format.
  for (const forged of [`${text.slice(0, text.indexOf('\n'))}\n${JSON.stringify(json)}`, JSON.stringify(json)]) {
    writeFileSync(path, forged);
    const again = runCli(['scan', tree], { env: own, cwd: dir });
    assert.equal(again.status, 1, again.stderr);
    assert.equal(again.stdout, fresh.stdout);
  }
});

test('terminal escapes in file names are printed escaped, the same from the cache as fresh', () => {
  const tree = join(dir, 'escapes');
  mkdirSync(tree);
  // ESC [2J clears the screen; U+009B is CSI to some terminals; U+202E reverses what follows.
  const names = ['clear\u001b[2J.c', 'csi\u009b31m.c', 'rlo\u202ec.lave.c', 'line\nbreak.c'];
  for (const name of names) writeFileSync(join(tree, name), GUP_CALL);
  for (const format of ['text', 'json', 'sarif']) {
    const runs = [0, 1].map(() => runCli(['scan', '--kernel', '6.1', '--format', format, tree], { env, cwd: tree }));
    for (const run of runs) {
      assert.equal(run.status, 1, run.stderr);
      assert.doesNotMatch(run.stdout, /[\u001b\u009b\u202e]/, format);
      if (format !== 'text') assert.ok(JSON.parse(run.stdout));
    }
    assert.equal(runs[1]!.stdout, runs[0]!.stdout, `${format}: from the cache, the same bytes`);
    if (format === 'text') {
      for (const shown of ['clear\\x1b[2J.c:3:', 'csi\\x9b31m.c:3:', 'rlo\\u{202e}c.lave.c:3:', 'line\\x0abreak.c:3:']) assert.ok(runs[0]!.stdout.includes(shown), shown);
      assert.equal(runs[0]!.stdout.trim().split('\n').length, 2 + names.length);
    }
    if (format === 'json') {
      const files = (JSON.parse(runs[0]!.stdout).findings as { file: string }[]).map((f) => f.file).sort();
      assert.deepEqual(files, [...names].sort(), 'JSON keeps the names exactly');
    }
  }
});
