// `pinsight scan` with the project index on a module organised as out-of-tree drivers are
// (test/fixtures/project-index): calls through wrappers in other files are listed, both scan paths
// agree, include directories are read for wrappers and never reported, and --fix edits the caller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinsight } from './scan-helpers.js';

const fixtures = join(__dirname, '../fixtures/project-index');
const module = join(fixtures, 'acme_dma');

interface JsonCall {
  file: string;
  line: number;
  callee: string;
  via?: string[];
  flagSets: string[][];
  partlyUnresolved: boolean;
}

async function calls(argv: string[], cwd = module, env: Record<string, string> = {}): Promise<{ calls: JsonCall[]; json: string; code: number; err: string }> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const run = await pinsight(['scan', '--format', 'json', ...argv], cwd);
    return { calls: JSON.parse(run.out).calls, json: run.out, code: run.code, err: run.err };
  } finally {
    process.env = saved;
  }
}

const at = (cs: JsonCall[], file: string, line: number) => cs.find((c) => c.file === file && c.line === line);

test('scan: every call through a wrapper of the module is listed, the callee the entry point, the wrappers in via', async () => {
  const { calls: cs } = await calls(['--kernel', '6.1', '.']);
  const via = cs.filter((c) => c.via).map((c) => `${c.file}:${c.line} ${c.via!.join('>')} -> ${c.callee}`);
  assert.deepEqual(via.sort(), [
    'acme_main.c:15 acme_pin_longterm -> pin_user_pages_fast',
    'acme_main.c:21 acme_pin_longterm -> pin_user_pages_fast',
    'acme_main.c:9 ACME_PIN_USER_PAGES -> pin_user_pages',
    'acme_ring.c:6 ACME_PIN_RING>acme_pin_longterm -> pin_user_pages_fast',
    'acme_user.c:7 acme_umem_get -> pin_user_pages_fast',
  ]);
  // Without the include directory, the kernel header's wrapper is unknown: its call is not a call.
  assert.equal(cs.filter((c) => c.file === 'acme_kdir.c').length, 0);
});

test('scan: a wrapper function\'s own call takes its flags from its callers in other files', async () => {
  const { calls: cs } = await calls(['--kernel', '6.1', '.']);
  const umem = at(cs, 'acme_umem.c', 10)!;
  assert.deepEqual(umem.flagSets, [['FOLL_LONGTERM', 'FOLL_WRITE'], ['FOLL_LONGTERM']]);
  assert.equal(umem.partlyUnresolved, false);
  const inline = at(cs, 'include/compat/mm.h', 17)!;
  assert.deepEqual(inline.flagSets.map((s) => s.join('|')).sort(), ['FOLL_FORCE|FOLL_LONGTERM|FOLL_WRITE', 'FOLL_LONGTERM']);
  assert.ok(cs.every((c) => !c.partlyUnresolved), 'every call of the module is resolved');
});

test('scan: the fast and the plain path give the same answer, with and without an include directory', async () => {
  for (const argv of [['--kernel', '6.1', '.'], ['--kernel', '6.12', '-I', '../kdir/include', '.']]) {
    const fast = await calls(argv);
    const plain = await calls(argv, module, { PINSIGHT_SCAN: 'plain' });
    assert.equal(plain.json, fast.json, argv.join(' '));
  }
});

test('scan -I: an include directory is read for wrappers and never reported', async () => {
  const { calls: cs } = await calls(['--kernel', '6.1', '-I', '../kdir/include', '.']);
  const kdir = at(cs, 'acme_kdir.c', 6)!;
  assert.deepEqual(kdir.via, ['kcompat_pin_longterm']);
  assert.deepEqual(kdir.flagSets, [['FOLL_LONGTERM', 'FOLL_WRITE']]);
  assert.equal(cs.filter((c) => c.file.includes('kdir/include')).length, 0);
  const missing = await pinsight(['scan', '--kernel', '6.1', '-I', 'no/such/dir', '.'], module);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /-I: '.*no\/such\/dir' is not a directory/);
});

test('scan: a project file\'s include directories are read as -I is', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-index-'));
  try {
    cpSync(fixtures, dir, { recursive: true });
    writeFileSync(join(dir, 'acme_dma/.pinsight.json'), JSON.stringify({ kernel: '6.1', include: ['../kdir/include'] }));
    const { calls: cs } = await calls(['.'], join(dir, 'acme_dma'));
    assert.deepEqual(at(cs, 'acme_kdir.c', 6)?.via, ['kcompat_pin_longterm']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('scan --fix: FOLL_FORCE passed to a wrapper is removed where the caller wrote it; the wrapper is left alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-index-'));
  try {
    cpSync(module, dir, { recursive: true });
    const header = readFileSync(join(dir, 'include/compat/mm.h'), 'utf8');
    const run = await pinsight(['scan', '--kernel', '6.12', '--fix', '.'], dir);
    assert.notEqual(run.code, 2, run.err);
    assert.match(readFileSync(join(dir, 'acme_main.c'), 'utf8'), /acme_pin_longterm\(addr, n, FOLL_WRITE, pages\);/);
    assert.equal(readFileSync(join(dir, 'include/compat/mm.h'), 'utf8'), header);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
