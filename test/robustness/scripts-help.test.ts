// Every script under scripts/ that takes arguments answers --help (and -h) with what it does and
// how to call it, exit 0, and runs nothing else: `npm run fuzz -- --help` was a usage error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../..');
const tsx = ['--import', 'tsx'];

const SCRIPTS: [string, string[], RegExp][] = [
  ['scripts/fuzz/run.ts', tsx, /npm run fuzz -- \[--seed N\]/],
  ['scripts/bench/main.ts', tsx, /usage: npm run bench --/],
  ['scripts/bench/many-calls.ts', tsx, /usage: node --import tsx scripts\/bench\/many-calls\.ts \[--dense\] N \[OUT\.c\]/],
  ['scripts/run-tests.mjs', [], /usage: node scripts\/run-tests\.mjs \[FILTER\.\.\.\]/],
  ['scripts/e2e/run.mjs', [], /usage: node scripts\/e2e\/run\.mjs/],
  ['scripts/kernel-truth/run.mjs', [], /usage: node scripts\/kernel-truth\/run\.mjs/],
  ['scripts/kernel-truth/carry-harness.mjs', [], /usage: carry-harness\.mjs SRC_6_1 SRC_6_12 SCRATCH/],
  ['scripts/fetch-kernel.sh', [], /usage: scripts\/fetch-kernel\.sh/],
  ['scripts/kernel-truth/build-kernel.sh', [], /usage: build-kernel\.sh 5\.10\|6\.1\|6\.12\|7\.3/],
  ['scripts/kernel-truth/build-selftests.sh', [], /usage: build-selftests\.sh \[6\.12\|7\.3\]/],
  ['scripts/kernel-truth/boot.sh', [], /usage: boot\.sh BZIMAGE INITRAMFS LOG/],
  ['scripts/kernel-truth/make-initramfs.sh', [], /usage: make-initramfs\.sh KERNEL_BUILD_DIR/],
];

for (const [script, pre, usage] of SCRIPTS) {
  for (const flag of ['--help', '-h']) {
    test(`${script} ${flag}: its usage, exit 0`, { timeout: 60_000 }, () => {
      const [cmd, args] = script.endsWith('.sh') ? ['bash', [script, flag]] : [process.execPath, [...pre, script, flag]];
      const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: 50_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, usage);
      assert.equal(r.stderr, '');
    });
  }
}
