// The project index on a module organised as out-of-tree drivers are (test/fixtures/project-index/
// acme_dma): a compat header's per-kernel macro, a `static inline` wrapper in a header, a function
// in one .c file whose flags come from callers in another, a macro wrapping a wrapper, and pre-4.9
// `int write` arguments. Every call site is listed with its flags resolved, through the wrappers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadCParser } from '../../server/engine/parser.js';
import { analyzeFile, applyEdits } from '../../server/engine/index.js';
import type { CallSite, FileAnalysis } from '../../server/engine/types.js';
import { ProjectIndex } from '../../server/index/project-index.js';
import { indexProject, memorySources } from '../../server/index/build.js';
import type { CParser } from '../../server/engine/parser.js';

const root = join(__dirname, '../fixtures/project-index/acme_dma');

function sources(dir: string): { path: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.[ch]$/.test(name) ? [{ path: relative(root, path), text: readFileSync(path, 'utf8') }] : [];
  });
}

async function analyseModule(kernel: string): Promise<{ index: ProjectIndex; files: Map<string, FileAnalysis> }> {
  const parser = await loadCParser();
  const all = sources(root);
  const index = new ProjectIndex();
  await fill(index, all, parser, kernel);
  const files = new Map(all.map((s) => [s.path, analyzeFile(parser, s.path, s.text, { kernel, wrappers: index.table })]));
  return { index, files };
}

function fill(index: ProjectIndex, texts: { path: string; text: string }[], parser: CParser, kernel: string): Promise<Set<string>> {
  return indexProject(index, memorySources(texts), (path, text, wrappers) => analyzeFile(parser, path, text, { kernel, wrappers, collectWrappers: true }));
}

const sets = (call: CallSite) => call.flagSets.map((s) => `${s.flags.join('|')}${s.unknown.length ? ` ?${s.unknown.join(',')}` : ''}${s.path ? ` @ ${s.path}` : ''}`).sort();
const callAt = (a: FileAnalysis | undefined, line: number) => a?.calls.find((c) => c.range.start.row + 1 === line);

test('project index: the module defines four wrappers, one of them a wrapper of a wrapper', async () => {
  const { index } = await analyseModule('6.1');
  assert.deepEqual(index.names(), ['ACME_PIN_RING', 'ACME_PIN_USER_PAGES', 'acme_pin_longterm', 'acme_umem_get']);
  const ring = index.table.get('ACME_PIN_RING')![0]!;
  assert.equal(ring.entry, 'pin_user_pages_fast');
  assert.deepEqual(ring.via, ['acme_pin_longterm']);
  // Both arms of the compat header, each with the condition nothing here decides.
  assert.deepEqual(index.table.get('ACME_PIN_USER_PAGES')!.map((d) => [d.kind, d.arm]), [
    ['macro', '#if defined(ACME_PIN_USER_PAGES_HAS_ARGS_VMAS)'],
    ['alias', '#else of #if defined(ACME_PIN_USER_PAGES_HAS_ARGS_VMAS)'],
  ]);
});

test('project index: calls through a compat macro, an inline wrapper and a chain are listed as entry-point calls, via the wrapper', async () => {
  const { files } = await analyseModule('6.1');
  const main = files.get('acme_main.c');
  const frame = callAt(main, 9)!;
  assert.equal(frame.callee, 'pin_user_pages');
  assert.deepEqual(frame.via, ['ACME_PIN_USER_PAGES']);
  assert.deepEqual(sets(frame), [
    'FOLL_WRITE @ #else of #if defined(ACME_PIN_USER_PAGES_HAS_ARGS_VMAS)',
    'FOLL_WRITE @ #if defined(ACME_PIN_USER_PAGES_HAS_ARGS_VMAS)',
  ]);
  const ring = callAt(main, 15)!;
  assert.equal(ring.callee, 'pin_user_pages_fast');
  assert.deepEqual(sets(ring), ['FOLL_LONGTERM']);
  // FOLL_LONGTERM is written in the header: its origin says so.
  const origin = ring.flagSets[0]!.origins.find((o) => o.flag === 'FOLL_LONGTERM')!;
  assert.equal(origin.path, join('include', 'compat', 'mm.h'));
  assert.equal(origin.range.start.row + 1, 17);
  const chained = callAt(files.get('acme_ring.c'), 6)!;
  assert.deepEqual(chained.via, ['ACME_PIN_RING', 'acme_pin_longterm']);
  assert.deepEqual(sets(chained), ['FOLL_LONGTERM']);
});

test('project index: a function whose flags come from callers in another file is a call in each caller', async () => {
  const { files } = await analyseModule('6.1');
  const user = callAt(files.get('acme_user.c'), 7)!;
  assert.equal(user.callee, 'pin_user_pages_fast');
  assert.deepEqual(user.via, ['acme_umem_get']);
  assert.deepEqual(sets(user), ['FOLL_LONGTERM @ !writable', 'FOLL_LONGTERM|FOLL_WRITE @ writable']);
});

test('project index: findings hold per kernel at the caller; a flag written in a wrapper is reported once, where it is written', async () => {
  for (const [kernel, severity] of [['6.1', 'warning'], ['6.12', 'information']] as const) {
    const { files } = await analyseModule(kernel);
    const readOnly = files.get('acme_main.c')!.findings.filter((f) => f.code === 'longterm-readonly');
    assert.deepEqual(readOnly.map((f) => [f.range.start.row + 1, f.severity]), [[15, severity]], kernel);
    assert.deepEqual(files.get('acme_user.c')!.findings.map((f) => [f.code, f.range.start.row + 1, f.severity]), [['longterm-readonly', 7, severity]], kernel);
    // The wrappers' own calls take their flags from a parameter: nothing to report there.
    assert.deepEqual(files.get(join('include', 'compat', 'mm.h'))!.findings, [], kernel);
    assert.deepEqual(files.get('acme_umem.c')!.findings, [], kernel);
  }
});

test('project index: the FOLL_FORCE fix edits the caller, who passes the flag, never the header', async () => {
  const { files } = await analyseModule('6.12');
  const force = files.get('acme_main.c')!.findings.find((f) => f.code === 'foll-force-misuse')!;
  assert.equal(force.range.start.row + 1, 21);
  const fix = force.fixes.find((x) => x.preferred)!;
  const text = readFileSync(join(root, 'acme_main.c'), 'utf8');
  const fixed = applyEdits(text, fix.edits);
  assert.match(fixed, /acme_pin_longterm\(addr, n, FOLL_WRITE, pages\)/);
});

test('project index: pre-4.9 `int write` arguments resolve to flag sets, with no unknown part', async () => {
  const { files } = await analyseModule('6.1');
  const legacy = files.get('legacy.c')!;
  assert.deepEqual(sets(callAt(legacy, 8)!), ['FOLL_WRITE']);
  assert.deepEqual(sets(callAt(legacy, 10)!), [' @ !(direction != DMA_TO_DEVICE)', 'FOLL_WRITE @ direction != DMA_TO_DEVICE']);
  assert.deepEqual(legacy.findings.map((f) => f.code), ['legacy-write-flag', 'legacy-write-flag']);
});

test('project index: a header edit that changes a wrapper changes the table; an unrelated edit does not', async () => {
  const parser = await loadCParser();
  const index = new ProjectIndex();
  const header = sources(root).find((s) => s.path.endsWith('mm.h'))!;
  await fill(index, [header], parser, '6.1');
  const before = index.key();
  await fill(index, [{ ...header, text: header.text.replace('/* Long-term', '/* Long term') }], parser, '6.1');
  assert.equal(index.key(), before);
  const edited = header.text.replace('gup_flags | FOLL_LONGTERM', 'gup_flags | FOLL_LONGTERM | FOLL_FORCE');
  await fill(index, [{ ...header, text: edited }], parser, '6.1');
  assert.notEqual(index.key(), before);
  assert.deepEqual(index.table.get('acme_pin_longterm')![0]!.flagPaths[0]!.flags.map((f) => f.flag).sort(), ['FOLL_FORCE', 'FOLL_LONGTERM']);
});
