// The editor reads the build's facts as the CLI does: a compile_commands.json above the file (or
// named by .pinsight.json) decides its #ifdef/#if arms and says which kernel it is built against;
// a changed database is read again once the client reports it (forgetProjectFiles).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCParser } from '../../server/engine/parser.js';
import { Analyzer, kernelNote } from '../../server/lsp/analysis.js';
import { DocumentStore } from '../../server/lsp/document-store.js';

const MODULE = join(__dirname, '../fixtures/kbuild-module');

test('an open file of a module with a compile_commands.json: the build decides its arms and its kernel', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-lsp-build-'));
  const saved = process.env.KDIR;
  const store = new DocumentStore(await loadCParser());
  try {
    cpSync(MODULE, dir, { recursive: true });
    process.env.KDIR = join(dir, 'nowhere'); // the Makefile's KDIR names no tree: the database says the kernel
    const analyzer = new Analyzer(() => [dir]);
    const path = join(dir, 'pindrv.c');
    const doc = store.open(pathToFileURL(path).href, 'c', 1, readFileSync(path, 'utf8'));
    const target = analyzer.targetKernel(path);
    assert.equal(target.kernel, '6.1');
    assert.match(kernelNote(target), /from the build's .*fake-kbuild\/include\/generated\/uapi\/linux\/version\.h \(compile_commands\.json\)/);
    const codes = (a: ReturnType<Analyzer['analyze']>) => a.findings.map((f) => `${f.range.start.row + 1} ${f.code}`);
    assert.deepEqual(codes(analyzer.analyze(doc)), ['28 foll-force-misuse']);
    assert.equal(analyzer.analyze(doc).calls.length, 2, 'the THP-only call is not compiled');
    // The database changes (the configure-test macro is gone, -U says so): read again when told.
    const db = join(dir, 'compile_commands.json');
    writeFileSync(db, readFileSync(db, 'utf8').replace('-DPINDRV_HAVE_FORCE', '-UPINDRV_HAVE_FORCE'));
    analyzer.forgetProjectFiles();
    assert.deepEqual(codes(analyzer.analyze(doc)), ['25 longterm-readonly']);
    // A broken database is a warning, and the file is analysed without the build's facts.
    writeFileSync(db, '{ broken');
    analyzer.forgetProjectFiles();
    analyzer.targetKernel(path);
    const settingsKernel = analyzer.updateSettings({ kernel: '6.1' });
    assert.deepEqual(settingsKernel.warnings, []);
    assert.equal(analyzer.analyze(doc).findings.length, 4);
    assert.ok(analyzer.takeProjectWarnings().some((w) => /compile_commands\.json: not JSON/.test(w)));
  } finally {
    if (saved === undefined) delete process.env.KDIR;
    else process.env.KDIR = saved;
    store.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
