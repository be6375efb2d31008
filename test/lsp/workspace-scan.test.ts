// The workspace scan's loop: which files it reads, what it publishes, how it stops when cancelled.
// The host is a recording test double; the scanner and the file system are real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver';
import { mentionsEntryPoint } from '../../server/engine/index.js';
import { findRipgrep } from '../../server/scan/ripgrep.js';
import { WorkspaceScanner, type ScanHost, type ScanProgress } from '../../server/lsp/workspace-scan.js';

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'pinsight-scan-'));
  mkdirSync(join(root, 'drivers/a'), { recursive: true });
  mkdirSync(join(root, '.git'), { recursive: true });
  const pin = 'int f(unsigned long a, struct page **p) { return pin_user_pages_fast(a, 1, FOLL_LONGTERM, p); }\n';
  writeFileSync(join(root, 'drivers/a/one.c'), pin);
  writeFileSync(join(root, 'drivers/a/two.c'), pin);
  writeFileSync(join(root, 'drivers/a/three.h'), pin);
  writeFileSync(join(root, 'drivers/a/plain.c'), 'int g(void) { return 0; }\n');
  writeFileSync(join(root, 'drivers/a/notes.txt'), pin);
  writeFileSync(join(root, '.git/hidden.c'), pin);
  return root;
}

interface Recorder extends ScanHost {
  analysed: string[];
  published: Map<string, Diagnostic[]>;
}

function host(root: string, options: { ripgrep?: string; findings?: (path: string) => boolean; onAnalyse?: () => void } = {}): Recorder {
  const analysed: string[] = [];
  const published = new Map<string, Diagnostic[]>();
  return {
    analysed,
    published,
    roots: () => [root],
    ripgrep: options.ripgrep,
    isOpen: () => false,
    mayMatter: mentionsEntryPoint,
    analyzeFile(path) {
      analysed.push(path);
      options.onAnalyse?.();
      const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
      return (options.findings ?? (() => true))(path) ? [{ range, message: path, source: 'pinsight', code: 'x' }] : [];
    },
    publish: (uri, diagnostics) => void published.set(uri, diagnostics),
  };
}

function progress(cancelAfter = Infinity): ScanProgress & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    begin: () => void events.push('begin'),
    report: (p) => void events.push(`report ${p}`),
    done: () => void events.push('done'),
    get cancelled() {
      return events.filter((e) => e.startsWith('report')).length > cancelAfter;
    },
  };
}

const rel = (root: string, paths: string[]) => paths.map((p) => p.slice(root.length + 1)).sort();

test('reads only C files naming an entry point, skips hidden directories, publishes findings', async () => {
  const root = tree();
  const h = host(root);
  const p = progress();
  const summary = await new WorkspaceScanner(h).run(p);
  assert.deepEqual(rel(root, h.analysed), ['drivers/a/one.c', 'drivers/a/three.h', 'drivers/a/two.c']);
  assert.deepEqual([...h.published.keys()].sort(), ['one.c', 'three.h', 'two.c'].map((f) => pathToFileURL(join(root, 'drivers/a', f)).href).sort());
  assert.deepEqual({ ...summary }, { files: 4, analysed: 3, withFindings: 3, cancelled: false });
  assert.equal(p.events[0], 'begin');
  assert.equal(p.events.at(-1), 'done');
});

test('ripgrep, when there is one, picks the same files as the walk', { skip: findRipgrep() ? false : 'no rg on PATH' }, async () => {
  const root = tree();
  const walked = host(root);
  await new WorkspaceScanner(walked).run(progress());
  const grepped = host(root, { ripgrep: findRipgrep() });
  await new WorkspaceScanner(grepped).run(progress());
  assert.deepEqual(rel(root, grepped.analysed), rel(root, walked.analysed));
});

test('cancelling stops the scan at the next file and still ends the progress', async () => {
  const root = tree();
  const h = host(root);
  const p = progress(1);
  const summary = await new WorkspaceScanner(h).run(p);
  assert.equal(summary.cancelled, true);
  assert.ok(h.analysed.length < 3, `analysed ${h.analysed.length}`);
  assert.equal(p.events.at(-1), 'done');
});

test('a new scan clears the files whose findings are gone', async () => {
  const root = tree();
  let withFindings = (_: string) => true;
  const h = host(root, { findings: (path) => withFindings(path) });
  const scanner = new WorkspaceScanner(h);
  await scanner.run(progress());
  withFindings = (path) => path.endsWith('one.c');
  await scanner.run(progress());
  const two = pathToFileURL(join(root, 'drivers/a/two.c')).href;
  assert.deepEqual(h.published.get(two), []);
  assert.equal(h.published.get(pathToFileURL(join(root, 'drivers/a/one.c')).href)!.length, 1);
  assert.deepEqual([...scanner.publishedUris], [pathToFileURL(join(root, 'drivers/a/one.c')).href]);
});
