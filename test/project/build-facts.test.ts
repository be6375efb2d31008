// The build's facts (server/project/build-facts.ts, compile-commands.ts, file-facts.ts and the KDIR
// of server/engine/build-tree.ts): what a compiler command line and the headers it forces in say,
// read from files that are untrusted input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { factsFromArgs, headerMacros, HeaderReader, macroFactsFor, parseCompilerArgs, shellWords } from '../../server/project/build-facts.js';
import { CompileDatabase } from '../../server/project/compile-commands.js';
import { BuildFactsLookup } from '../../server/project/file-facts.js';
import { ProjectFiles } from '../../server/project/project-file.js';
import { moduleKdir, moduleKernel } from '../../server/engine/build-tree.js';
import { findKernelMakefile } from '../../server/engine/kernel-version.js';

const MODULE = join(__dirname, '../fixtures/kbuild-module');
const FAKE = join(MODULE, 'fake-kbuild');

function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-facts-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

test('Kbuild CHECK arguments: -D/-U in order, -I/-isystem, -include; every other option skipped', () => {
  const args = parseCompilerArgs([
    '-D__linux__', '-Dlinux', '-D__STDC__', '-Wbitwise', '-Wno-return-void', '--arch=x86', '-D__CHECK_ENDIAN__', '-mlittle-endian',
    '-m64', '-Wp,-MMD,drivers/foo/.foo.o.d', '-nostdinc', '-I./arch/x86/include', '-I', 'include', '-isystem', '/usr/lib/gcc/include',
    '-include', './include/linux/kconfig.h', '-std=gnu11', '-fno-strict-aliasing', '-mcmodel=kernel', '-DKBUILD_MODNAME="foo"',
    '-D', 'HAVE_Y=2', '-UHAVE_Y', '-DHAVE_Y=3', '-U', 'linux', '-o', 'foo.o', '-x', 'c', '-DBAD-NAME', 'drivers/foo/foo.c',
  ]);
  assert.deepEqual(args.includes, ['./arch/x86/include', 'include', '/usr/lib/gcc/include']);
  assert.deepEqual(args.forcedIncludes, ['./include/linux/kconfig.h']);
  assert.deepEqual(args.files, ['drivers/foo/foo.c'], '-o foo.o and -x c take their values');
  assert.deepEqual(args.macros, [
    ['__linux__', '1'], ['linux', '1'], ['__STDC__', '1'], ['__CHECK_ENDIAN__', '1'], ['KBUILD_MODNAME', '"foo"'],
    ['HAVE_Y', '2'], ['HAVE_Y', undefined], ['HAVE_Y', '3'], ['linux', undefined],
  ]);
});

test('compile_commands.json `command`: words split as a shell splits them', () => {
  assert.deepEqual(shellWords(`gcc -DKBUILD_BASENAME='"pindrv"' -DX="a b" -I\\ dir  c.c`), ['gcc', '-DKBUILD_BASENAME="pindrv"', '-DX=a b', '-I dir', 'c.c']);
  assert.deepEqual(shellWords(`cc "-DQ=\\"x\\""`), ['cc', '-DQ="x"']);
});

test('a forced header: its top-level #defines are facts, those under a condition are not; an include guard is no condition', () => {
  const m = headerMacros(['#ifndef _CFG_H', '#define _CFG_H', '#define HAVE_A 1', '#undef HAVE_B', '#ifdef X', '#define HAVE_C 1', '#endif', '#define F(x) x', '#endif', ''].join('\n'));
  assert.deepEqual(m.macros, [['HAVE_A', '1'], ['HAVE_B', undefined]]);
  assert.deepEqual([...m.conditional], ['HAVE_C']);
});

test('a forced header: a #define inside a comment is none, and comments and continuations leave the value alone', () => {
  const m = headerMacros(['/*', '#define IN_COMMENT 1', '*/', '#define HAVE_A 2 /* two */', '#define HAVE_B \\', '  3 // three', '#define S "/* not a comment */"', ''].join('\n'));
  assert.deepEqual(m.macros, [['HAVE_A', '2'], ['HAVE_B', '3'], ['S', '"/* not a comment */"']]);
});

test('kconfig.h brings the build\'s autoconf.h; version.h from the include paths gives the kernel', () => {
  const facts = factsFromArgs(['-I./fake-kbuild/include', '-I./fake-kbuild/include/generated/uapi', '-include', './fake-kbuild/include/linux/kconfig.h', '-DPINDRV_HAVE_FORCE', '-UNDEBUG', 'pindrv.c'], MODULE, new HeaderReader());
  assert.equal(facts.config?.CONFIG_HUGETLBFS, '1');
  assert.equal(facts.config?.CONFIG_TRANSPARENT_HUGEPAGE, undefined);
  assert.deepEqual(facts.kernelVersion, { version: '6.1', code: 393648, file: join(FAKE, 'include/generated/uapi/linux/version.h') });
  assert.deepEqual(facts.includes, [join(FAKE, 'include'), join(FAKE, 'include/generated/uapi')]);
  assert.deepEqual(facts.sourceFiles, ['pindrv.c']);
  const macros = macroFactsFor(facts, '6.1');
  assert.equal(macros.defined.LINUX_VERSION_CODE, '393648');
  assert.equal(macros.defined.PINDRV_HAVE_FORCE, '1');
  assert.deepEqual(macros.undefined, ['NDEBUG']);
  // Asked about another kernel (--kernel 6.12), the build's LINUX_VERSION_CODE does not apply.
  assert.equal(macroFactsFor(facts, '6.12').defined.LINUX_VERSION_CODE, undefined);
});

test('without a version.h, include/config/kernel.release of the build directory gives the kernel', () => {
  const dir = scratch({ 'include/config/kernel.release': '6.12.17-custom\n' });
  try {
    assert.equal(factsFromArgs(['-I', 'include', 'x.c'], dir, new HeaderReader()).kernelVersion?.version, '6.12');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('compile_commands.json is untrusted: bad JSON, a wrong shape, bad entries and a FIFO are one warning each', () => {
  const dir = scratch({
    'bad.json': '[{"directory": ".", "file": ',
    'object.json': '{"directory": "."}',
    'mixed.json': JSON.stringify([{ directory: '.', file: 'a.c', arguments: ['cc', '-DA', 'a.c'] }, { file: 'b.c' }, 7, { directory: '.', file: 'c.c', command: 'cc -DC=2 c.c' }]),
  });
  try {
    const warnings: string[] = [];
    assert.equal(CompileDatabase.load(join(dir, 'bad.json'), (w) => warnings.push(w)), undefined);
    assert.equal(CompileDatabase.load(join(dir, 'object.json'), (w) => warnings.push(w)), undefined);
    const db = CompileDatabase.load(join(dir, 'mixed.json'), (w) => warnings.push(w))!;
    assert.equal(db.size, 2);
    assert.equal(db.factsFor(join(dir, 'a.c'))?.defines.get('A'), '1');
    assert.equal(db.factsFor(join(dir, 'c.c'))?.defines.get('C'), '2');
    assert.equal(db.factsFor(join(dir, 'b.c')), undefined);
    assert.equal(warnings.length, 3, warnings.join('\n'));
    assert.match(warnings[0]!, /bad\.json: not JSON/);
    assert.match(warnings[1]!, /object\.json: expected a JSON array/);
    assert.match(warnings[2]!, /mixed\.json: 2 of 4 entries/);
    execFileSync('mkfifo', [join(dir, 'compile_commands.json')]);
    const fifo: string[] = [];
    assert.equal(CompileDatabase.load(join(dir, 'compile_commands.json'), (w) => fifo.push(w)), undefined);
    assert.match(fifo[0]!, /not a regular file|FIFO/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a .pinsight.json names the database; otherwise the nearest compile_commands.json above the file', () => {
  const entry = (file: string, define: string) => ({ directory: '.', file, arguments: ['cc', `-D${define}`, file] });
  const dir = scratch({
    'compile_commands.json': JSON.stringify([entry('drv/a.c', 'ROOT_DB')]),
    'drv/a.c': '',
    'mod/.pinsight.json': JSON.stringify({ compileCommands: 'build/compile_commands.json' }),
    'mod/build/compile_commands.json': JSON.stringify([{ directory: join('..'), file: 'm.c', arguments: ['cc', '-DNAMED_DB', 'm.c'] }]),
    'mod/m.c': '',
  });
  try {
    const projects = new ProjectFiles([]);
    const lookup = new BuildFactsLookup((p, isDir) => projects.forPath(p, isDir));
    assert.equal(lookup.factsForFile(join(dir, 'drv/a.c'))?.defines.get('ROOT_DB'), '1');
    assert.equal(lookup.factsForFile(join(dir, 'mod/m.c'))?.defines.get('NAMED_DB'), '1');
    assert.deepEqual([...lookup.factsUnder(join(dir, 'drv'), true)].map(([f]) => f), [join(dir, 'drv/a.c')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a module Makefile\'s KDIR: a path, $(shell uname -r), the environment for ?=, and what is said when it is no build tree', () => {
  const dir = scratch({
    'lit/Makefile': `obj-m := x.o\nKDIR := ${FAKE}\nall:\n\t$(MAKE) -C $(KDIR) M=$(PWD) modules\n`,
    'run/Makefile': 'KDIR ?= /lib/modules/$(shell uname -r)/build\n',
    'var/Makefile': `KVER = 6.1\nKERNEL_SRC ?= ${FAKE}/../fake-kbuild\n`,
    'plain/Makefile': 'all:\n\tmake -C /lib/modules/`uname -r`/build M=$$PWD\n',
  });
  const saved = process.env.KDIR;
  try {
    delete process.env.KDIR;
    assert.equal(moduleKdir(join(dir, 'lit'))?.kdir, FAKE);
    assert.equal(moduleKernel(join(dir, 'lit'))?.version, '6.1');
    assert.match(moduleKernel(join(dir, 'lit'))!.how, /KDIR := .* -> .*version\.h$/);
    assert.equal(moduleKdir(join(dir, 'run'))?.kdir, `/lib/modules/${release()}/build`);
    assert.equal(moduleKdir(join(dir, 'plain'))?.kdir, `/lib/modules/${release()}/build`);
    assert.equal(moduleKdir(join(dir, 'var'))?.kdir, FAKE);
    const notes: string[] = [];
    process.env.KDIR = join(dir, 'nowhere');
    assert.equal(moduleKernel(join(dir, 'run'), (n) => notes.push(n)), undefined);
    assert.match(notes[0]!, /KDIR=.*nowhere \(environment\): .* has neither include\/generated\/uapi\/linux\/version\.h nor include\/config\/kernel\.release/);
    process.env.KDIR = FAKE;
    // findKernelMakefile, as scan and the editor call it: the module's Makefile, and how.
    const found = findKernelMakefile(join(dir, 'run'));
    assert.equal(found?.version, '6.1');
    assert.match(found!.how!, /KDIR=.*fake-kbuild \(environment\) -> /);
    // Inside a kernel tree, the tree's own Makefile wins over a test module's KDIR (tools/testing/nvdimm).
    writeFileSync(join(dir, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 3\n');
    assert.deepEqual(findKernelMakefile(join(dir, 'run')), { version: '6.12', makefile: join(dir, 'Makefile') });
  } finally {
    if (saved === undefined) delete process.env.KDIR;
    else process.env.KDIR = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});
