// pinsight as Kbuild's CHECK program, for real: `make M=<module> C=2 CHECK="node dist/cli.js check"`
// over the out-of-tree fixture module (test/fixtures/kbuild-module) against the 6.1 tree, prepared
// with `make O=<build dir> defconfig modules_prepare` (about a minute, cached under $PINSIGHT_CACHE
// keyed by the tree; the tree itself is never written: O= puts every output in the build directory).
// The arms of the module's #ifs are decided by what Kbuild really passes: CONFIG_HUGETLBFS=y and
// CONFIG_TRANSPARENT_HUGEPAGE unset in x86_64 defconfig (include/generated/autoconf.h through
// `-include include/linux/kconfig.h`), -DPINDRV_HAVE_FORCE from the module's ccflags-y, and Linux
// 6.1 from include/generated/uapi/linux/version.h.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '../..');
const cli = join(root, 'dist/cli.js');
const cache = process.env.PINSIGHT_CACHE || join(homedir(), '.cache/pinsight');
const tree = join(cache, 'kernels', 'linux-source-6.1');
const MODULE = join(root, 'test/fixtures/kbuild-module');

const have = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const TOOLS = ['gcc', 'make', 'flex', 'bison', 'bc'];

function whySkip(): string | false {
  if (!existsSync(join(tree, '.pinsight-complete'))) return 'linux-source-6.1 not cached (bash scripts/fetch-kernel.sh 6.1)';
  const missing = TOOLS.filter((t) => !have(t));
  if (missing.length > 0) return `a kernel build needs ${missing.join(', ')} (apt-get install ${missing.join(' ')} libelf-dev libssl-dev)`;
  if (!existsSync('/usr/include/gelf.h') && !existsSync('/usr/include/libelf.h')) return 'objtool needs libelf headers (apt-get install libelf-dev)';
  if (!existsSync(cli)) return 'dist/cli.js not built (npm run build)';
  return false;
}
const skip = whySkip();

/** The prepared build directory of this tree, made once: keyed by the tree's top Makefile and when it was fetched. */
function preparedBuild(): string {
  const key = createHash('sha1')
    .update(readFileSync(join(tree, 'Makefile')))
    .update(String(statSync(join(tree, '.pinsight-complete')).mtimeMs))
    .digest('hex')
    .slice(0, 12);
  const build = join(cache, 'kbuild', `linux-source-6.1-defconfig-${key}`);
  if (existsSync(join(build, '.pinsight-prepared'))) return build;
  // Made in place (O= records its own path in what it generates); a directory without the marker is an interrupted run.
  rmSync(build, { recursive: true, force: true });
  mkdirSync(build, { recursive: true });
  const jobs = `-j${Math.max(2, Math.min(4, availableParallelism()))}`;
  const made = spawnSync('nice', ['make', '-s', '-C', tree, `O=${build}`, jobs, 'defconfig', 'modules_prepare'], { encoding: 'utf8', timeout: 15 * 60 * 1000 });
  if (made.status !== 0) throw new Error(`make defconfig modules_prepare failed (${made.status ?? made.signal}):\n${(made.stderr ?? '').split('\n').slice(-20).join('\n')}`);
  writeFileSync(join(build, '.pinsight-prepared'), '');
  return build;
}

function makeCheck(build: string, module: string, check: string) {
  return spawnSync('make', ['-C', tree, `O=${build}`, `M=${module}`, 'C=2', `CHECK=${check}`, 'modules'], { encoding: 'utf8', timeout: 5 * 60 * 1000 });
}

test('make M=<module> C=2 CHECK="pinsight check" on 6.1: Kbuild\'s own flags decide the module\'s arms', { skip }, () => {
  const build = preparedBuild();
  const module = mkdtempSync(join(tmpdir(), 'pinsight-module-'));
  try {
    cpSync(join(MODULE, 'Makefile'), join(module, 'Makefile'));
    cpSync(join(MODULE, 'pindrv.c'), join(module, 'pindrv.c'));
    const marker = join(tree, '.pinsight-complete');
    const run = makeCheck(build, module, `node ${cli} check --fail-on never --pinsight-verbose`);
    const output = `${run.stdout}\n${run.stderr}`;
    assert.equal(run.status, 0, output);
    assert.match(output, new RegExp(`CHECK\\s+${module}/pindrv\\.c`));
    assert.match(output, /pinsight: .*pindrv\.c: Linux 6\.1 \(include\/generated\/uapi\/linux\/version\.h\)/);
    const findings = output.split('\n').filter((l) => /pindrv\.c:\d+:\d+: (warning|note|error):/.test(l));
    // Without the build's facts the same file has four findings (test/cli/check.test.ts): the
    // read-only arms of CONFIG_HUGETLBFS and PINDRV_HAVE_FORCE and the THP-only call are not compiled.
    assert.deepEqual(findings.map((l) => l.replace(/^.*pindrv\.c:(\d+:\d+): (\w+): .*\[(.*)\]$/, '$1 $2 $3')), ['28:15 warning foll-force-misuse']);
    // With the default --fail-on warning the check fails the file, and make stops, as with sparse -Wsparse-error.
    const failing = makeCheck(build, module, `node ${cli} check`);
    assert.notEqual(failing.status, 0);
    assert.match(`${failing.stdout}\n${failing.stderr}`, /pindrv\.c:28:15: warning: .*\[foll-force-misuse\]/);
    // The tree is never written (O= and M= hold every output).
    const written = spawnSync('find', [tree, '-newer', marker, '-not', '-path', '*/.git/*', '-print', '-quit'], { encoding: 'utf8' });
    assert.equal(written.stdout.trim(), '', 'the kernel tree was modified');
  } finally {
    rmSync(module, { recursive: true, force: true });
  }
});

test('the arguments Kbuild passes decide the tree\'s own arms: mm/rmap.c\'s CONFIG_DEVICE_PRIVATE call is not a call on x86_64 defconfig', { skip }, () => {
  const build = preparedBuild();
  const module = mkdtempSync(join(tmpdir(), 'pinsight-module-'));
  try {
    cpSync(join(MODULE, 'Makefile'), join(module, 'Makefile'));
    cpSync(join(MODULE, 'pindrv.c'), join(module, 'pindrv.c'));
    // A CHECK program that records its arguments: what Kbuild passes, for the module's file.
    const dump = join(module, 'dump-args.sh');
    writeFileSync(dump, `#!/bin/sh\nprintf '%s\\n' "$@" > ${join(module, 'args.txt')}\n`, { mode: 0o755 });
    const made = makeCheck(build, module, dump);
    assert.equal(made.status, 0, made.stderr);
    const args = readFileSync(join(module, 'args.txt'), 'utf8').split('\n').filter((a) => a !== '');
    assert.equal(args.at(-1), join(module, 'pindrv.c'));
    assert.ok(args.includes('--arch=x86') && args.includes('-Wbitwise') && args.filter((a) => a === '-include').length >= 2, args.join(' '));
    // The same flags on an in-tree file, run where Kbuild runs CHECK (the build directory).
    const rmap = join(tree, 'mm/rmap.c');
    const checked = spawnSync('node', [cli, 'check', '--fail-on', 'never', ...args.slice(0, -1), rmap], { cwd: build, encoding: 'utf8' });
    assert.equal(checked.status, 0, checked.stderr);
    const scanned = spawnSync('node', [cli, 'scan', '--kernel', '6.1', rmap], { encoding: 'utf8' });
    const at = (out: string) => out.split('\n').filter((l) => /rmap\.c:\d+:\d+: /.test(l)).map((l) => l.replace(/^.*rmap\.c:(\d+):\d+: .*\[(.*)\]$/, '$1 $2'));
    // make_device_exclusive_range() is under #ifdef CONFIG_DEVICE_PRIVATE (mm/rmap.c, 6.1), unset in defconfig.
    const device = at(scanned.stdout).filter((l) => /^23\d\d /.test(l));
    assert.ok(device.length > 0, `without the build's facts the call is analysed: ${scanned.stdout}`);
    assert.deepEqual(at(checked.stderr).filter((l) => device.includes(l)), []);
  } finally {
    rmSync(module, { recursive: true, force: true });
  }
});
