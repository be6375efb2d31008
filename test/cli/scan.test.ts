// `pinsight scan`: formats, kernel detection, exit codes and --fix, on examples/ and on small trees
// made in a temporary directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinsight } from './scan-helpers.js';
import { FINDING_RULES } from '../../server/engine/index.js';

const root = join(__dirname, '../..');

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-scan-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const MAKEFILE_61 = 'VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 0\n';
const FORCED = 'int f(unsigned long s, int n, struct page **p)\n{\n\treturn pin_user_pages_fast(s, n, FOLL_FORCE | FOLL_WRITE | FOLL_LONGTERM, p);\n}\n';

test('scan examples/: every finding code shows up, gcc style, with the kernel from the Makefile', async () => {
  const run = await pinsight(['scan', 'examples'], root);
  assert.equal(run.code, 1);
  const lines = run.out.trim().split('\n');
  assert.equal(lines[0], 'pinsight: Linux 6.1 (examples/Makefile)');
  const findings = lines.filter((l) => /^examples\/\S+:\d+:\d+: (error|warning|note): .* \[[a-z-]+\]$/.test(l));
  const codes = new Set(findings.map((l) => /\[([a-z-]+)\]$/.exec(l)![1]));
  assert.deepEqual([...codes].sort(), FINDING_RULES.map((r) => r.code).sort());
  assert.ok(!run.out.includes('toy_debug.c'), 'debugger-style FOLL_FORCE must not be flagged');
  assert.match(lines.at(-1)!, /^pinsight: 10 file\(s\), \d+ GUP\/PUP call\(s\), \d+ finding\(s\)$/);
});

test('scan -v: each finding is one verdict line, its related information follows as gcc note: lines', async () => {
  const plain = await pinsight(['scan', 'examples/include'], root);
  const verbose = await pinsight(['scan', '-v', 'examples/include'], root);
  const warning = /^examples\/include\/toy\/toy_pin\.h:\d+:\d+: warning: Read-only long-term pin is not reliable on Linux 6\.1: [^\n]* \[longterm-readonly\]$/m;
  assert.match(plain.out, warning);
  assert.match(verbose.out, warning);
  assert.doesNotMatch(plain.out, /: note: not reliable on Linux 6\.1 in a private writable/);
  assert.match(verbose.out, /^examples\/include\/toy\/toy_pin\.h:\d+:\d+: note: not reliable on Linux 6\.1 in a private writable \(COW\) mapping of: [a-z0-9-]+(, [a-zA-Z0-9-]+)* /m);
  assert.match(verbose.out, /: note: to keep it coherent there, pass FOLL_WRITE .*require Linux 6\.2/);
});

test('scan --format json: calls with flag sets, implied flags and 1-based positions', async () => {
  const dir = tree({ Makefile: MAKEFILE_61, 'drv/a.c': FORCED, 'drv/zero.c': 'int g(unsigned long s, struct page **p)\n{\n\treturn get_user_pages_fast(s, 1, 0, p);\n}\n' });
  try {
    const run = await pinsight(['scan', '--format', 'json', 'drv'], dir);
    assert.equal(run.code, 1);
    const json = JSON.parse(run.out);
    assert.equal(json.kernel, '6.1');
    assert.deepEqual(
      json.calls.map((c: { file: string; line: number; column: number; callee: string; flagSets: string[][]; impliedFlags: string[] }) => [c.file, c.line, c.column, c.callee, c.flagSets, c.impliedFlags]),
      [
        ['drv/a.c', 3, 9, 'pin_user_pages_fast', [['FOLL_FORCE', 'FOLL_LONGTERM', 'FOLL_WRITE']], ['FOLL_PIN']],
        ['drv/zero.c', 3, 9, 'get_user_pages_fast', [[]], ['FOLL_GET']],
      ],
    );
    assert.equal(json.findings.length, 1);
    assert.deepEqual(
      { code: json.findings[0].code, severity: json.findings[0].severity, file: json.findings[0].file, line: json.findings[0].line, column: json.findings[0].column },
      { code: 'foll-force-misuse', severity: 'warning', file: 'drv/a.c', line: 3, column: 35 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('scan: --kernel overrides the Makefile and shows in the output', async () => {
  const run = await pinsight(['scan', '--kernel', '6.12', '--format', 'json', 'examples/include'], root);
  assert.equal(JSON.parse(run.out).kernel, '6.12');
  assert.equal(JSON.parse(run.out).findings[0].severity, 'information');
  const text = await pinsight(['scan', '--kernel', '6.12.117', 'examples/include'], root);
  assert.match(text.out, /^pinsight: Linux 6\.12 \(--kernel\)/);
});

test('scan: exit 0 without findings, 2 on bad usage with a one-line message', async () => {
  const dir = tree({ Makefile: MAKEFILE_61, 'ok.c': 'int f(unsigned long s, int n, struct page **p)\n{\n\treturn pin_user_pages_fast(s, n, FOLL_WRITE | FOLL_LONGTERM, p);\n}\n' });
  try {
    assert.equal((await pinsight(['scan', 'ok.c'], dir)).code, 0);
    for (const argv of [['scan'], ['scan', '--format', 'xml', 'ok.c'], ['scan', '--kernel', 'six', 'ok.c'], ['scan', '--bogus', 'ok.c'], ['scan', 'missing.c']]) {
      const run = await pinsight(argv, dir);
      assert.equal(run.code, 2, argv.join(' '));
      assert.equal(run.err.trim().split('\n').length, 1, run.err);
      assert.match(run.err, /^pinsight scan: /);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('scan: a file outside any kernel tree needs --kernel', async () => {
  const dir = tree({ 'a.c': FORCED });
  try {
    const run = await pinsight(['scan', 'a.c'], dir);
    assert.equal(run.code, 2);
    assert.match(run.err, /cannot tell the kernel version.*--kernel/);
    assert.equal((await pinsight(['scan', '--kernel', '6.1', 'a.c'], dir)).code, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('scan --fix: applies the preferred fixes in place, and a second run changes nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-fix-'));
  try {
    cpSync(join(root, 'examples'), join(dir, 'examples'), { recursive: true });
    // On the tree's own kernel (6.1) the read-only idiom of toy_umem.c is what keeps its pin coherent: a note, no fix.
    const onOwnKernel = await pinsight(['scan', '--fix', 'examples'], dir);
    assert.match(onOwnKernel.out, /toy_umem\.c:\d+:\d+: note: FOLL_FORCE\|FOLL_WRITE on pin_user_pages_fast\(\) keeps this read-only long-term pin coherent on Linux 6\.1/);
    assert.match(readFileSync(join(dir, 'examples/drivers/rdma/toy_umem.c'), 'utf8'), /gup_flags \|= FOLL_FORCE;/);
    // Once the driver targets a kernel where GUP breaks COW itself, the upstream fix applies.
    const first = await pinsight(['scan', '--fix', '--kernel', '6.2', 'examples'], dir);
    assert.match(first.out, /pinsight: fixed \d+ finding\(s\) in \d+ file\(s\)/);
    const umem = readFileSync(join(dir, 'examples/drivers/rdma/toy_umem.c'), 'utf8');
    assert.match(umem, /unsigned int gup_flags = 0;\n/);
    assert.match(umem, /\tif \(umem->writable\)\n\t\tgup_flags \|= FOLL_WRITE;\n/);
    const after = await pinsight(['scan', '--format', 'json', '--kernel', '6.2', 'examples'], dir);
    const json = JSON.parse(after.out);
    assert.deepEqual(json.findings.filter((f: { code: string }) => f.code === 'foll-force-misuse'), []);
    const snapshot = (await pinsight(['scan', '--format', 'json', '--kernel', '6.2', 'examples'], dir)).out;
    const second = await pinsight(['scan', '--fix', '--kernel', '6.2', 'examples'], dir);
    assert.match(second.out, /pinsight: fixed 0 finding\(s\) in 0 file\(s\)/);
    assert.equal((await pinsight(['scan', '--format', 'json', '--kernel', '6.2', 'examples'], dir)).out, snapshot);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
