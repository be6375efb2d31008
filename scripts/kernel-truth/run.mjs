#!/usr/bin/env node
// `npm run test:kernel`: records the kernel's own cow.c and gup_longterm.c, and pinsight's own
// scenarios.c (what a long-term pin holds after MADV_DONTNEED, mprotect, mremap, munmap, swap-in,
// munmap of part of a THP), on real Linux 5.10, 6.1, 6.12 and 7.3 kernels under qemu, writes the
// TAP files to test/kernel-truth/, then compares every row with sim-core (scripts/kernel-truth/compare.ts).
// 5.10, 6.1 and 6.12 run 6.12's selftests (5.10 and 6.1 with the test harness carried in, see
// build-kernel.sh); 7.3 runs the selftests it ships (the same tests; its result lines name them).
//
// usage: node scripts/kernel-truth/run.mjs [--huge-1g] [--kernel 5.10|6.1|6.12|7.3]... [--compare-only]
//   --huge-1g       also reserve two 1 GiB hugetlb pages (8 GiB guest, minutes per boot under TCG);
//                   writes cow-V-huge-1g.tap and gup_longterm-V-huge-1g.tap beside the 2 MiB-only files
//   --kernel V      record only this kernel (default: all four, each with a committed recording)
//   --compare-only  boot nothing: compare the committed TAP files with sim-core
// Build output goes to ~/.cache/pinsight/kernel-truth (PINSIGHT_CACHE), never into the repository.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { answerHelp } from '../help.mjs';

answerHelp(import.meta.url);

const here = new URL('.', import.meta.url).pathname;
const repo = join(here, '../..');
const cache = join(process.env.PINSIGHT_CACHE ?? join(homedir(), '.cache/pinsight'), 'kernel-truth');
const outDir = join(repo, 'test/kernel-truth');

let opts;
try {
  opts = parseArgs({
    options: {
      'huge-1g': { type: 'boolean', default: false },
      kernel: { type: 'string', multiple: true },
      'compare-only': { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  }).values;
} catch (err) {
  console.error(`test:kernel: ${err.message}`);
  process.exit(2);
}
const KNOWN = ['5.10', '6.1', '6.12', '7.3'];
const kernels = opts.kernel ?? KNOWN;
for (const k of kernels) {
  if (!KNOWN.includes(k)) {
    console.error(`test:kernel: unknown kernel '${k}' (known: ${KNOWN.join(', ')})`);
    process.exit(2);
  }
}
/** The tree whose tools/testing/selftests/mm a kernel runs. */
const selftestTree = (v) => (v === '7.3' ? '7.3' : '6.12');

/** Runs a step's script; returns its last stdout line (the scripts print their result path). */
function step(what, cmd, args) {
  const start = Date.now();
  console.error(`test:kernel: ${what} ...`);
  const r = spawnSync(cmd, args, { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const seconds = Math.round((Date.now() - start) / 1000);
  if (r.status !== 0) {
    console.error(`test:kernel: ${what} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  console.error(`test:kernel: ${what}: ${seconds} s`);
  return { out: r.stdout.trim().split('\n').pop() ?? '', seconds };
}

function readEnv(path) {
  const env = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2].replace(/^'(.*)'$/, '$1');
  }
  return env;
}

/** The lines of the serial log between `PINSIGHT-BEGIN name` and `PINSIGHT-END name rc=N`. */
function section(lines, name) {
  const begin = lines.findIndex((l) => l.startsWith(`PINSIGHT-BEGIN ${name}`));
  const end = lines.findIndex((l, i) => i > begin && l.startsWith(`PINSIGHT-END ${name} `));
  if (begin < 0 || end < 0) throw new Error(`no complete ${name} run in the serial log`);
  return { body: lines.slice(begin + 1, end), begin: lines[begin], end: lines[end] };
}

const FS_NAMES = { ef53: 'ext4', '1021994': 'tmpfs', '958458f6': 'hugetlbfs' };

function record(version, build, selftests, scenarios, huge1g) {
  const suffix = huge1g ? '-huge-1g' : '';
  const initrd = join(cache, `initramfs-${version}.cpio.gz`);
  step(`initramfs for ${version}`, 'bash', [join(here, 'make-initramfs.sh'), build.dir, selftests.dir, initrd, scenarios.dir]);
  mkdirSync(join(cache, 'logs'), { recursive: true });
  const log = join(cache, 'logs', `serial-${version}${suffix}.log`);
  const boot = step(`boot ${version}${huge1g ? ' with 1 GiB hugetlb pages' : ''} (cow + gup_longterm + scenarios)`, 'bash', [
    join(here, 'boot.sh'), join(build.dir, 'arch/x86/boot/bzImage'), initrd, log, ...(huge1g ? ['--huge-1g'] : []),
  ]);
  // Serial lines end in \r\n; the first guest line follows the firmware's terminal escapes.
  const lines = readFileSync(log, 'utf8').split('\n').map((l) => {
    const line = l.replace(/\r$/, '');
    const marker = line.indexOf('PINSIGHT-');
    return marker > 0 ? line.slice(marker) : line;
  });
  const info = lines.filter((l) => l.startsWith('PINSIGHT-INFO ')).map((l) => l.slice('PINSIGHT-INFO '.length));
  const infoOf = (key) => info.find((l) => l.startsWith(key + ' '))?.slice(key.length + 1) ?? '?';
  const qemu = (lines.find((l) => l.startsWith('PINSIGHT-QEMU ')) ?? '').slice('PINSIGHT-QEMU '.length)
    .replace(/\S*\/(bzImage|initramfs-[^ ]*)/g, '$1');
  const fsOf = (dir) => {
    const magic = infoOf(`fs-magic ${dir}`);
    return `${FS_NAMES[magic] ?? 'unknown'} (f_type 0x${magic})`;
  };
  const hugetlb = info.filter((l) => l.startsWith('hugetlb ')).map((l) => l.slice(8)).join('; ');
  const written = [];
  for (const [name, source, sha] of [
    ['cow', 'cow.c', selftests.env.COW_SHA256],
    ['gup_longterm', 'gup_longterm.c', selftests.env.GUP_LONGTERM_SHA256],
  ]) {
    const { body, end } = section(lines, name);
    const header = [
      `# pinsight-kernel-truth: ${source} on Linux ${build.env.KERNEL_RELEASE} under qemu`,
      `# kernel: ${build.env.KERNEL_RELEASE}`,
      `# kernel-uname-r: ${infoOf('uname-r')}`,
      `# kernel-source: Debian linux-source-${version} (${build.env.KERNEL_RELEASE}), tinyconfig + scripts/kernel-truth/kernel.config`,
      `# config-sha256: ${build.env.CONFIG_SHA256}`,
      ...(build.env.HARNESS ? [`# harness: ${build.env.HARNESS}; GUP and fault code unchanged`] : []),
      `# selftest: tools/testing/selftests/mm/${source} from ${selftests.env.SELFTEST_TREE}, sha256 ${sha}, static, with liburing`,
      `# date: ${new Date().toISOString()}`,
      `# qemu: ${qemu}`,
      `# hugetlb: ${hugetlb}`,
      `# thp-enabled: ${infoOf('thp enabled')}`,
      `# swap: ${infoOf('swap')} on /dev/ram0`,
      ...(name === 'gup_longterm'
        ? [`# filesystems: memfd = shmem; tmpfile = /tmp, ${fsOf('/tmp')}; local tmpfile = cwd /mnt/ext4, ${fsOf('/mnt/ext4')}; memfd hugetlb = hugetlbfs`]
        : [`# filesystems: tmpfile = /tmp, ${fsOf('/tmp')}`]),
      `# exit: ${end.replace(/^PINSIGHT-END \S+ /, '')}`,
      `# boot-and-run-seconds: ${boot.seconds} (both selftests, one boot)`,
      `# recorded-by: npm run test:kernel${huge1g ? ' -- --huge-1g' : ''}`,
    ];
    if (!body.some((l) => l.startsWith('TAP version'))) throw new Error(`${name} on ${version}: no "TAP version" line`);
    // The selftest's own output, unchanged (gup_longterm prints its hugetlb sizes before "TAP version").
    const file = join(outDir, `${name}-${version}${suffix}.tap`);
    writeFileSync(file, [...header, ...body, ''].join('\n'));
    written.push(file);
  }
  // pinsight's scenarios.c (2 MiB THP, no hugetlb: the 1 GiB runs add nothing to it).
  if (!huge1g) {
    const { body, end } = section(lines, 'scenarios');
    if (!body.some((l) => l.startsWith('TAP version'))) throw new Error(`scenarios on ${version}: no "TAP version" line`);
    const header = [
      `# pinsight-kernel-truth: scripts/kernel-truth/scenarios.c on Linux ${build.env.KERNEL_RELEASE} under qemu`,
      `# kernel: ${build.env.KERNEL_RELEASE}`,
      `# kernel-uname-r: ${infoOf('uname-r')}`,
      `# kernel-source: Debian linux-source-${version} (${build.env.KERNEL_RELEASE}), tinyconfig + scripts/kernel-truth/kernel.config`,
      `# config-sha256: ${build.env.CONFIG_SHA256}`,
      ...(build.env.HARNESS ? [`# harness: ${build.env.HARNESS}; GUP and fault code unchanged`] : []),
      `# program: scripts/kernel-truth/scenarios.c, sha256 ${scenarios.env.SCENARIOS_SHA256}, static, with ${scenarios.env.GUP_TEST_H}`,
      `# date: ${new Date().toISOString()}`,
      `# qemu: ${qemu}`,
      `# thp-enabled: ${infoOf('thp enabled')}`,
      `# swap: ${infoOf('swap')} on /dev/ram0`,
      `# exit: ${end.replace(/^PINSIGHT-END \S+ /, '')}`,
      `# boot-and-run-seconds: ${boot.seconds} (cow, gup_longterm and scenarios, one boot)`,
      `# recorded-by: npm run test:kernel`,
    ];
    const file = join(outDir, `scenarios-${version}.tap`);
    writeFileSync(file, [...header, ...body, ''].join('\n'));
    written.push(file);
  }
  return written;
}

if (!opts['compare-only']) {
  step('install packages', 'bash', [join(here, 'install.sh')]);
  const builds = {};
  for (const v of kernels) {
    const r = step(`build linux ${v}`, 'bash', [join(here, 'build-kernel.sh'), v]);
    builds[v] = { dir: r.out, env: readEnv(join(r.out, 'pinsight-build.env')) };
  }
  const selftests = {};
  for (const t of new Set(kernels.map(selftestTree))) {
    const st = step(`build cow and gup_longterm of ${t}`, 'bash', [join(here, 'build-selftests.sh'), t]);
    selftests[t] = { dir: st.out, env: readEnv(join(st.out, 'selftests.env')) };
  }
  const sc = step('build scenarios.c', 'bash', [join(here, 'build-scenarios.sh')]);
  const scenarios = { dir: sc.out, env: readEnv(join(sc.out, 'scenarios.env')) };
  for (const v of kernels) {
    for (const file of record(v, builds[v], selftests[selftestTree(v)], scenarios, opts['huge-1g'])) console.error(`test:kernel: wrote ${file}`);
  }
}

const cmp = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'compare.ts')], { cwd: repo, stdio: 'inherit' });
process.exit(cmp.status ?? 1);
