// `pinsight check`: Kbuild's CHECK program. It takes what `$(CHECK) $(CHECKFLAGS) $(c_flags) $<`
// passes, decides the file's #ifdef/#if arms from -D/-U/-include and the build's autoconf.h and
// version.h, and prints findings gcc-style on stderr as sparse does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pinsight } from './scan-helpers.js';

const MODULE = join(__dirname, '../fixtures/kbuild-module');

/** What Kbuild passes for the fixture module (CHECKFLAGS, then c_flags, then the file), run in the object tree. */
const KBUILD_ARGS = [
  '-D__linux__', '-Dlinux', '-D__STDC__', '-Dunix', '-D__unix__', '-Wbitwise', '-Wno-return-void', '-Wno-unknown-attribute', '-D__x86_64__', '--arch=x86',
  '-mlittle-endian', '-m64', '-D__CHECK_ENDIAN__',
  '-Wp,-MMD,./.pindrv.o.d', '-nostdinc', '-I./fake-kbuild/arch/x86/include', '-I./fake-kbuild/include', '-I./fake-kbuild/include/generated/uapi',
  '-include', './fake-kbuild/include/linux/compiler-version.h', '-include', './fake-kbuild/include/linux/kconfig.h', '-D__KERNEL__',
  '-fmacro-prefix-map=./=', '-std=gnu11', '-fno-strict-aliasing', '-mcmodel=kernel', '-Wall', '-Wno-sign-compare', '-fno-stack-protector',
  '-isystem', '/usr/lib/gcc/x86_64-linux-gnu/12/include', '-g', '-O2',
  '-DPINDRV_HAVE_FORCE', '-DMODULE', '-DKBUILD_BASENAME="pindrv"', '-DKBUILD_MODNAME="pindrv"', '-D__KBUILD_MODNAME=kmod_pindrv',
];

const lines = (err: string) => err.split('\n').filter((l) => /:\d+:\d+: (warning|error|note):/.test(l));

test('check with the build\'s flags: every arm decided, one finding (the FOLL_FORCE arm -DPINDRV_HAVE_FORCE compiles)', async () => {
  const run = await pinsight(['check', ...KBUILD_ARGS, './pindrv.c'], MODULE);
  assert.equal(run.out, '', 'findings go to stderr, as sparse writes them');
  assert.deepEqual(lines(run.err).map((l) => l.replace(/: (warning|note): .*\[/, ': $1: [')), ['pindrv.c:28:15: warning: [foll-force-misuse]']);
  assert.equal(run.code, 1, 'a warning fails the run by default, as scan does');
});

test('check without -include kconfig.h and -D: CONFIG_* and the configure-test macro are unknown, both arms are kept', async () => {
  const run = await pinsight(['check', '--kernel', '6.1', '-Wbitwise', './pindrv.c'], MODULE);
  const found = lines(run.err).map((l) => l.replace(/: (warning|note): .*\[/, ': $1: ['));
  assert.deepEqual(found, [
    'pindrv.c:14:27: warning: [longterm-readonly]',
    'pindrv.c:25:27: warning: [longterm-readonly]',
    'pindrv.c:28:15: note: [foll-force-misuse]',
    'pindrv.c:37:38: warning: [foll-force-misuse]',
  ]);
});

test('check: -UPINDRV_HAVE_FORCE after -D undefines it again (the last one wins)', async () => {
  const run = await pinsight(['check', ...KBUILD_ARGS, '-UPINDRV_HAVE_FORCE', 'pindrv.c'], MODULE);
  assert.deepEqual(lines(run.err).map((l) => l.replace(/: (warning|note): .*\[/, ': $1: [')), ['pindrv.c:25:27: warning: [longterm-readonly]']);
});

test('check: unknown options are ignored, never an error; --fail-on, --disable and --severity are pinsight\'s', async () => {
  const odd = ['-fsanitize=kernel-address', '--param', 'asan-globals=1', '-Wp,-D_FORTIFY_SOURCE=2', '-gdwarf-5', '--some-new-sparse-flag', '-Wsparse-all', '-fdiagnostics-color=always'];
  const never = await pinsight(['check', '--fail-on', 'never', ...odd, ...KBUILD_ARGS, 'pindrv.c'], MODULE);
  assert.equal(never.code, 0);
  assert.equal(lines(never.err).length, 1);
  const disabled = await pinsight(['check', '--disable=foll-force-misuse', ...KBUILD_ARGS, 'pindrv.c'], MODULE);
  assert.deepEqual([disabled.code, lines(disabled.err)], [0, []]);
  const note = await pinsight(['check', '--severity', 'foll-force-misuse=note', ...KBUILD_ARGS, 'pindrv.c'], MODULE);
  assert.equal(note.code, 0, 'a note does not fail the run');
  assert.match(lines(note.err)[0]!, /: note: /);
  const bad = await pinsight(['check', '--fail-on', 'sometimes', 'pindrv.c'], MODULE);
  assert.equal(bad.code, 2);
});

test('check: the kernel comes from the build\'s version.h (said with --pinsight-verbose); --kernel wins', async () => {
  const run = await pinsight(['check', '--pinsight-verbose', ...KBUILD_ARGS, 'pindrv.c'], MODULE);
  assert.match(run.err, /pinsight: pindrv\.c: Linux 6\.1 \(fake-kbuild\/include\/generated\/uapi\/linux\/version\.h\)/);
  const on612 = await pinsight(['check', '--pinsight-verbose', '--kernel', '6.12', ...KBUILD_ARGS, 'pindrv.c'], MODULE);
  assert.match(on612.err, /Linux 6\.12 \(--kernel\)/);
  assert.match(lines(on612.err)[0]!, /on Linux 6\.12/);
});

test('check: no file is bad usage (2); a missing or unreadable file is 2 with its reason', async () => {
  const none = await pinsight(['check', ...KBUILD_ARGS], MODULE);
  assert.equal(none.code, 2);
  assert.match(none.err, /no source FILE given/);
  const missing = await pinsight(['check', ...KBUILD_ARGS, 'nosuch.c'], MODULE);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /nosuch\.c: no such file/);
  const dir = await pinsight(['check', ...KBUILD_ARGS, 'fake-kbuild'], MODULE);
  assert.equal(dir.code, 2);
  assert.match(dir.err, /fake-kbuild: not a regular file|directory/);
});

test('check: a file that names no entry point is read and left: nothing printed, exit 0, no kernel needed', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-check-'));
  try {
    writeFileSync(join(dir, 'plain.c'), 'int f(void)\n{\n\treturn 0;\n}\n');
    const run = await pinsight(['check', '-D__KERNEL__', '-include', 'nosuch/kconfig.h', 'plain.c'], dir);
    assert.deepEqual([run.code, run.out, run.err], [0, '', '']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('check without the build\'s version.h: the file\'s .pinsight.json kernel, else a clear usage error', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-check-'));
  try {
    writeFileSync(join(dir, 'drv.c'), 'int f(unsigned long s, struct page **p)\n{\n\treturn pin_user_pages_fast(s, 1, FOLL_LONGTERM, p);\n}\n');
    const none = await pinsight(['check', '-D__KERNEL__', 'drv.c'], dir);
    assert.equal(none.code, 2);
    assert.match(none.err, /cannot tell the kernel version of .*drv\.c.*pass --kernel V/);
    writeFileSync(join(dir, '.pinsight.json'), JSON.stringify({ kernel: '6.12' }));
    const project = await pinsight(['check', '--pinsight-verbose', '-D__KERNEL__', 'drv.c'], dir);
    assert.match(project.err, /drv\.c: Linux 6\.12 \(\.pinsight\.json\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
