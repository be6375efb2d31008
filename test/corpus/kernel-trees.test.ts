// The engine on Debian's real kernel trees: 6.1 and 6.12 (the Done-when of issue 4), and 5.10, 7.2
// and 7.3 when cached (issue 19). Runs when the trees are in the cache (~/.cache/pinsight/kernels,
// or $PINSIGHT_CACHE), or fetches 6.1 and 6.12 first when PINSIGHT_CORPUS=1 (as .ci/run does). Kernel source is never copied into the
// project: the --fix check works on a temporary copy of the files concerned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { loadCParser } from '../../server/engine/parser.js';
import { entryPointAt, ENTRY_POINTS } from '../../server/engine/index.js';
import { scan } from '../../server/cli/scan.js';
import { listSourceFiles } from '../../server/cli/scan-files.js';
import type { ScanResult } from '../../server/cli/scan-report.js';
import { SERIES_CALLS } from './series.js';

const root = join(__dirname, '../..');
const cache = process.env.PINSIGHT_CACHE ?? join(homedir(), '.cache/pinsight');
const treeOf = (v: string) => join(cache, 'kernels', `linux-source-${v}`);
const ready = (v: string) => existsSync(join(treeOf(v), '.pinsight-complete'));

if (process.env.PINSIGHT_CORPUS === '1' && !(ready('6.1') && ready('6.12'))) {
  const fetched = spawnSync('bash', [join(root, 'scripts/fetch-kernel.sh'), '6.1', '6.12'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (fetched.status !== 0) throw new Error('scripts/fetch-kernel.sh failed');
}
const skip = ready('6.1') && ready('6.12') ? false : 'kernel trees not cached (set PINSIGHT_CORPUS=1 to fetch them)';

const scans = new Map<string, Promise<ScanResult>>();
function scanTree(version: string): Promise<ScanResult> {
  let result = scans.get(version);
  if (!result) {
    result = loadCParser().then((parser) => scan(parser, listSourceFiles([treeOf(version)], root), version, 'corpus'));
    scans.set(version, result);
  }
  return result;
}

const rel = (version: string, path: string) => relative(treeOf(version), path);
const setsKey = (sets: string[][]) => sets.map((s) => s.join('|')).sort().join(' ; ');

const ENTRY = new RegExp(`\\b(${ENTRY_POINTS.map((e) => e.name).join('|')})\\s*\\(`, 'g');

/** Every tree this test can read: 6.1 and 6.12 always (CI fetches them), the others when cached. */
const TREES = ['5.10', '6.1', '6.12', '7.2', '7.3'];
const skipFor = (v: string) => (ready(v) ? false : `linux-source-${v} not cached (bash scripts/fetch-kernel.sh ${v})`);

for (const version of TREES) test(`${version}: every GUP/PUP call in the .c files is listed, with its flag sets read from the right argument`, { skip: skipFor(version) }, async () => {
  const result = await scanTree(version);
  const listed = new Set(result.files.flatMap((f) => f.calls.map((c) => `${rel(version, f.path)}:${c.range.start.row + 1}:${c.callee}`)));
  const missing: string[] = [];
  let occurrences = 0;
  for (const path of listSourceFiles([treeOf(version)], root).filter((p) => p.endsWith('.c'))) {
    const text = readFileSync(path, 'latin1');
    if (!ENTRY.test(text)) continue;
    ENTRY.lastIndex = 0;
    text.split('\n').forEach((line, i) => {
      for (const m of line.matchAll(ENTRY)) {
        const before = line.slice(0, m.index);
        // Not a call: a definition or declaration (a type before the name at the line's start),
        // a comment, or a string.
        if (/^(static\s+|extern\s+)?(inline\s+)?(const\s+)?(unsigned\s+)?(int|long|bool|struct page\s*\*)\s*$/.test(before)) continue;
        if (/\/\*|\/\/|^\s*\*/.test(before) || (before.split('"').length - 1) % 2 === 1) continue;
        occurrences++;
        const key = `${rel(version, path)}:${i + 1}:${m[1]}`;
        if (!listed.has(key)) missing.push(key);
      }
    });
  }
  assert.deepEqual(missing, []);
  assert.ok(occurrences > 100, `only ${occurrences} calls found by the byte search`);
  for (const file of result.files) {
    for (const call of file.calls) {
      const entry = entryPointAt(call.callee, version)!;
      if (entry.flagsArg === undefined) continue;
      assert.ok(call.flagSets.length > 0, `${rel(version, file.path)}:${call.range.start.row + 1} has no flag set`);
    }
  }
});

test('6.1: foll-force-misuse flags exactly the calls the 6.2 series fixed', { skip }, async () => {
  const result = await scanTree('6.1');
  const flagged = result.files.flatMap((f) =>
    f.findings.filter((x) => x.code === 'foll-force-misuse').map((x) => {
      const call = f.calls.find((c) => x.related.some((r) => r.range.start.row === c.range.start.row && r.range.start.column === c.range.start.column))!;
      return `${rel('6.1', f.path)}:${call.function}:${call.callee}`;
    }),
  );
  const expected = SERIES_CALLS.map((c) => `${c.file61}:${c.function}:${c.callee}`);
  assert.deepEqual([...flagged].sort(), [...expected].sort());
});

for (const version of ['6.12', '7.2', '7.3']) test(`${version}: no foll-force-misuse at all (the debugger-style callers are legitimate)`, { skip: skipFor(version) }, async () => {
  const result = await scanTree(version);
  assert.deepEqual(result.files.flatMap((f) => f.findings.filter((x) => x.code === 'foll-force-misuse').map((x) => `${rel(version, f.path)}:${x.range.start.row + 1}`)), []);
  assert.ok(result.files.reduce((n, f) => n + f.calls.length, 0) > 100);
});

test('5.10: FOLL_FORCE is found at the series\' driver sites, the read-only idiom is a note, and no release mismatch where each branch releases its own pages', { skip: skipFor('5.10') }, async () => {
  const result = await scanTree('5.10');
  const forced = result.files.flatMap((f) => f.findings.filter((x) => x.code === 'foll-force-misuse').map((x) => ({ file: rel('5.10', f.path), x })));
  for (const site of ['drivers/infiniband/core/umem.c', 'drivers/gpu/drm/etnaviv/etnaviv_gem.c', 'drivers/media/pci/ivtv/ivtv-udma.c', 'drivers/infiniband/hw/qib/qib_user_pages.c']) {
    assert.ok(forced.some((f) => f.file === site), `no foll-force-misuse in ${site}`);
  }
  const umem = forced.find((f) => f.file === 'drivers/infiniband/core/umem.c')!.x;
  assert.equal(umem.severity, 'information');
  assert.deepEqual(umem.fixes, []);
  assert.deepEqual(result.files.flatMap((f) => f.findings.filter((x) => x.code === 'pin-release-mismatch').map((x) => `${rel('5.10', f.path)}:${x.range.start.row + 1}`)), []);
  // 5.10's own entry points: get_vaddr_frames() pins through pin_user_pages_locked(), ptrace through __access_remote_vm(tsk, mm, ...).
  const calls = result.files.flatMap((f) => f.calls.map((c) => ({ file: rel('5.10', f.path), c })));
  assert.ok(calls.some(({ file, c }) => file === 'mm/frame_vector.c' && c.callee === 'pin_user_pages_locked'));
  const ptrace = calls.find(({ file, c }) => file === 'kernel/ptrace.c' && c.callee === '__access_remote_vm')!;
  assert.ok(ptrace.c.flagSets.some((s) => s.flags.includes('FOLL_FORCE')), JSON.stringify(ptrace.c.flagSets));
});

test('6.12 shows the flag sets the series gave, where later commits did not change the driver again', { skip }, async () => {
  const result = await scanTree('6.12');
  for (const c of SERIES_CALLS.filter((s) => s.file612)) {
    const file = result.files.find((f) => rel('6.12', f.path) === c.file612);
    const calls = file?.calls.filter((x) => x.function === c.function && x.callee === c.callee) ?? [];
    assert.ok(calls.length > 0, `${c.file612}: no ${c.callee}() in ${c.function}()`);
    for (const call of calls) assert.equal(setsKey(call.flagSets.map((s) => s.flags)), setsKey(c.seriesSets), `${c.file612} ${c.function}`);
  }
});

/** A temporary copy of the 6.1 tree's top Makefile and the files the series changed. */
function copySeriesFiles(): { copy: string; files: string[]; sources: string[] } {
  const copy = mkdtempSync(join(tmpdir(), 'pinsight-corpus-fix-'));
  const files = ['Makefile', ...new Set(SERIES_CALLS.map((c) => c.file61))];
  for (const f of files) {
    mkdirSync(dirname(join(copy, f)), { recursive: true });
    copyFileSync(join(treeOf('6.1'), f), join(copy, f));
  }
  return { copy, files, sources: listSourceFiles([copy], root) };
}

// The series landed in 6.2: its fixes are right for a driver that targets 6.2 or later, so the 6.1
// files are fixed as 6.2 code here. On 6.1 itself the read-only idiom stays (the next test).
test('scan --fix on a copy of the 6.1 files, as 6.2 code, gives each call the series\' flag sets, idempotently', { skip }, async () => {
  const parser = await loadCParser();
  const { copy, files, sources } = copySeriesFiles();
  try {
    const first = scan(parser, sources, '6.2', 'corpus', true);
    assert.equal(first.fixed!.findings, SERIES_CALLS.length);
    for (const c of SERIES_CALLS) {
      const file = first.files.find((f) => relative(copy, f.path) === c.file61)!;
      const calls = file.calls.filter((x) => x.function === c.function && x.callee === c.callee);
      assert.ok(calls.length > 0);
      for (const call of calls) assert.equal(setsKey(call.flagSets.map((s) => s.flags)), setsKey(c.seriesSets), `${c.file61} ${c.function} (${c.commit})`);
    }
    for (const f of files.filter((x) => x.endsWith('.c'))) assert.doesNotMatch(readFileSync(join(copy, f), 'utf8'), /\bFOLL_FORCE\b/, f);
    const before = files.map((f) => readFileSync(join(copy, f), 'utf8'));
    const second = scan(parser, sources, '6.2', 'corpus', true);
    assert.equal(second.fixed!.findings, 0);
    assert.deepEqual(files.map((f) => readFileSync(join(copy, f), 'utf8')), before);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test('scan --fix on a copy of the 6.1 files, as 6.1 code: no warning it did not have before, and the read-only idiom stays as a note', { skip }, async () => {
  const parser = await loadCParser();
  const { copy, sources } = copySeriesFiles();
  try {
    const warnings = (r: ReturnType<typeof scan>) => {
      const counts = new Map<string, number>();
      for (const f of r.files) for (const x of f.findings) if (x.severity === 'error' || x.severity === 'warning') counts.set(`${relative(copy, f.path)} ${x.code}`, (counts.get(`${relative(copy, f.path)} ${x.code}`) ?? 0) + 1);
      return counts;
    };
    const before = warnings(scan(parser, sources, '6.1', 'corpus', false));
    const fixed = scan(parser, sources, '6.1', 'corpus', true);
    for (const [key, n] of warnings(fixed)) assert.ok(n <= (before.get(key) ?? 0), `${key}: ${n} after --fix, ${before.get(key) ?? 0} before`);
    // The read-only long-term pins of the series' RDMA sites keep FOLL_FORCE, said as a note.
    const umem = fixed.files.find((f) => relative(copy, f.path) === 'drivers/infiniband/core/umem.c')!;
    assert.ok(umem.findings.some((x) => x.code === 'foll-force-misuse' && x.severity === 'information' && /keep it until the driver requires 6\.2/.test(x.message)));
    assert.match(readFileSync(join(copy, 'drivers/infiniband/core/umem.c'), 'utf8'), /FOLL_FORCE/);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test('the entry-point table matches the declarations of every cached tree', { skip }, async () => {
  const parser = await loadCParser();
  for (const version of TREES.filter((v) => ready(v))) {
    const declared = new Map<string, string[]>();
    for (const header of ['include/linux/mm.h', 'include/linux/ptrace.h']) {
      const tree = parser.parse(readFileSync(join(treeOf(version), header), 'utf8'));
      for (const d of tree.rootNode.descendantsOfType('function_declarator')) {
        const name = d?.childForFieldName('declarator')?.text;
        if (!d || !name || !ENTRY_POINTS.some((e) => e.name === name) || declared.has(name)) continue;
        const params = d.childForFieldName('parameters')!.namedChildren.filter((p) => p?.type === 'parameter_declaration');
        declared.set(name, params.map((p) => /(\w+)\s*$/.exec(p!.childForFieldName('declarator')?.text ?? '')?.[1] ?? ''));
      }
      tree.delete();
    }
    assert.ok(declared.size >= 12, `only ${[...declared.keys()].join(', ')} declared in ${version}`);
    for (const entry of ENTRY_POINTS) {
      const resolved = entryPointAt(entry.name, version)!;
      const params = declared.get(entry.name);
      if (!params) {
        // Only the static worker of 6.12 and the entry points a version lacks are undeclared.
        assert.ok(!resolved.exists || entry.name === '__access_remote_vm', `${entry.name} is not declared in ${version}`);
        continue;
      }
      assert.ok(resolved.exists, `${entry.name} is declared in ${version} but the table says it does not exist`);
      assert.equal(params.length, resolved.params.length, `${entry.name} on ${version}: ${params.join(', ')}`);
      assert.equal(params.indexOf('gup_flags'), resolved.flagsArg ?? -1, `${entry.name} on ${version}: flags argument`);
    }
  }
});
