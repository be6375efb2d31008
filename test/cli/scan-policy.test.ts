// `pinsight scan` as a CI gate (issue 20): --fail-on, --disable, --severity, inline suppressions,
// baselines, fingerprints that survive shifted lines, unresolved flags said in text, and the
// `.pinsight.json` project file. Each test builds a small tree in a temporary directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { pinsight } from './scan-helpers.js';
import { FINDING_RULES } from '../../server/engine/index.js';

const root = join(__dirname, '../..');
const MAKEFILE_612 = 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n';
const MAKEFILE_61 = 'VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 0\n';
/** On 6.12, only a note: the memlock note of longterm-readonly. */
const RO_PIN = 'int ro(unsigned long s, int n, struct page **p)\n{\n\treturn pin_user_pages_fast(s, n, FOLL_LONGTERM, p);\n}\n';
/** A warning on every kernel: foll-force-misuse. */
const FORCED = 'int forced(unsigned long s, int n, struct page **p)\n{\n\treturn pin_user_pages_fast(s, n, FOLL_FORCE | FOLL_WRITE | FOLL_LONGTERM, p);\n}\n';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pinsight-policy-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function inTree(files: Record<string, string>, body: (dir: string) => Promise<void>): Promise<void> {
  const dir = tree(files);
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const json = async (argv: string[], dir: string) => {
  const run = await pinsight(['scan', '--format', 'json', ...argv], dir);
  return { ...run, json: JSON.parse(run.out) };
};

test('--fail-on: notes alone never fail by default; each level decides', async () => {
  await inTree({ Makefile: MAKEFILE_612, 'drv/ro.c': RO_PIN }, async (dir) => {
    const run = await pinsight(['scan', 'drv'], dir);
    assert.match(run.out, /note: .*\[longterm-readonly\]/);
    assert.equal(run.code, 0, 'a correct driver whose only finding is a note passes');
    assert.equal((await pinsight(['scan', '--fail-on', 'note', 'drv'], dir)).code, 1);
    assert.equal((await pinsight(['scan', '--fail-on', 'warning', 'drv'], dir)).code, 0);
  });
  await inTree({ Makefile: MAKEFILE_612, 'drv/f.c': FORCED }, async (dir) => {
    assert.equal((await pinsight(['scan', 'drv'], dir)).code, 1, 'a warning fails by default');
    assert.equal((await pinsight(['scan', '--fail-on', 'error', 'drv'], dir)).code, 0);
    assert.equal((await pinsight(['scan', '--fail-on', 'never', 'drv'], dir)).code, 0);
    assert.equal((await pinsight(['scan', '--fail-on', 'note', 'drv'], dir)).code, 1);
    const bad = await pinsight(['scan', '--fail-on', 'fatal', 'drv'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--fail-on: 'fatal' is not one of error, warning, note, never/);
  });
});

test('--disable (repeatable, comma lists) and --severity CODE=LEVEL; unknown codes are usage errors', async () => {
  await inTree({ Makefile: MAKEFILE_612, 'drv/f.c': FORCED, 'drv/ro.c': RO_PIN }, async (dir) => {
    const off = await json(['--disable', 'foll-force-misuse', 'drv'], dir);
    assert.deepEqual(off.json.findings.map((f: { code: string }) => f.code), ['longterm-readonly']);
    assert.equal(off.code, 0);
    const both = await json(['--disable', 'foll-force-misuse,longterm-readonly', 'drv'], dir);
    assert.deepEqual(both.json.findings, []);
    const repeated = await json(['--disable', 'foll-force-misuse', '--disable', 'longterm-readonly', 'drv'], dir);
    assert.deepEqual(repeated.json.findings, []);

    const raised = await json(['--disable', 'foll-force-misuse', '--severity', 'longterm-readonly=error', 'drv'], dir);
    assert.equal(raised.json.findings[0].severity, 'error');
    assert.equal(raised.code, 1);
    const lowered = await pinsight(['scan', '--severity', 'foll-force-misuse=note', 'drv'], dir);
    assert.match(lowered.out, /^drv\/f\.c:3:35: note: .*\[foll-force-misuse\]$/m);
    assert.equal(lowered.code, 0);

    const unknown = await pinsight(['scan', '--disable', 'no-such-code', 'drv'], dir);
    assert.equal(unknown.code, 2);
    for (const r of FINDING_RULES) assert.ok(unknown.err.includes(r.code), `the known codes are listed: ${r.code}`);
    assert.equal((await pinsight(['scan', '--severity', 'no-such-code=error', 'drv'], dir)).code, 2);
    const badLevel = await pinsight(['scan', '--severity', 'foll-force-misuse=fatal', 'drv'], dir);
    assert.equal(badLevel.code, 2);
    assert.match(badLevel.err, /not one of error, warning, note, information, hint/);
    assert.equal((await pinsight(['scan', '--severity', 'foll-force-misuse', 'drv'], dir)).code, 2);
  });
});

const SUPPRESSED_ABOVE =
  'int a(unsigned long s, int n, struct page **p)\n{\n\t/* pinsight: ignore[foll-force-misuse] the device only reads, reviewed in 2024 */\n' +
  '\treturn pin_user_pages_fast(s, n, FOLL_FORCE | FOLL_WRITE | FOLL_LONGTERM, p);\n}\n';
const SUPPRESSED_SAME_LINE =
  'int b(unsigned long s, int n, struct page **p)\n{\n\treturn pin_user_pages_fast(s, n, FOLL_FORCE | FOLL_WRITE | FOLL_LONGTERM, p); // pinsight: ignore[longterm-readonly,foll-force-misuse] legacy ABI\n}\n';
const NO_REASON =
  'int c(unsigned long s, int n, struct page **p)\n{\n\t/* pinsight: ignore[foll-force-misuse] */\n\treturn pin_user_pages_fast(s, n, FOLL_FORCE | FOLL_WRITE | FOLL_LONGTERM, p);\n}\n';
const OTHER_CODE =
  'int d(unsigned long s, int n, struct page **p)\n{\n\t/* pinsight: ignore[longterm-readonly] not this one */\n\treturn pin_user_pages_fast(s, n, FOLL_FORCE | FOLL_WRITE | FOLL_LONGTERM, p);\n}\n';
const MULTI_LINE_CALL =
  'int e(unsigned long s, int n, struct page **p)\n{\n\t/* pinsight: ignore[foll-force-misuse] checked by the firmware */\n\treturn pin_user_pages_fast(s, n,\n\t\t\t\t   FOLL_FORCE | FOLL_WRITE | FOLL_LONGTERM, p);\n}\n';

test('inline suppressions: the line or the line before, /* */ and //, a reason required; JSON says suppressed', async () => {
  await inTree({ Makefile: MAKEFILE_612, 'drv/above.c': SUPPRESSED_ABOVE, 'drv/same.c': SUPPRESSED_SAME_LINE, 'drv/multi.c': MULTI_LINE_CALL }, async (dir) => {
    const run = await json(['drv'], dir);
    assert.equal(run.code, 0, run.out);
    const findings = run.json.findings as { code: string; file: string; suppressed: { kind: string; reason: string; line: number } | null }[];
    assert.equal(findings.length, 3);
    for (const f of findings) assert.equal(f.suppressed?.kind, 'inline', `${f.file} ${f.code}`);
    assert.deepEqual(findings.find((f) => f.file === 'drv/above.c')!.suppressed, { kind: 'inline', reason: 'the device only reads, reviewed in 2024', line: 3 });
    assert.equal(findings.find((f) => f.file === 'drv/same.c')!.suppressed!.reason, 'legacy ABI');
    const text = await pinsight(['scan', 'drv'], dir);
    assert.doesNotMatch(text.out, /\[foll-force-misuse\]/);
    assert.match(text.out, /0 finding\(s\), 3 suppressed$/m);
  });
  await inTree({ Makefile: MAKEFILE_612, 'drv/none.c': NO_REASON, 'drv/other.c': OTHER_CODE }, async (dir) => {
    const run = await json(['drv'], dir);
    assert.equal(run.code, 1, 'a comment without a reason, or for another code, silences nothing');
    const findings = run.json.findings as { file: string; suppressed: unknown; ignoredSuppression?: { line: number } }[];
    assert.ok(findings.every((f) => f.suppressed === null));
    assert.equal(findings.find((f) => f.file === 'drv/none.c')!.ignoredSuppression!.line, 3);
    assert.match(run.err, /drv\/none\.c:3: pinsight: ignore\[foll-force-misuse\] on line 3 has no reason/);
  });
});

test('--fix leaves a suppressed finding alone', async () => {
  await inTree({ Makefile: MAKEFILE_61, 'drv/above.c': SUPPRESSED_ABOVE, 'drv/f.c': FORCED }, async (dir) => {
    const run = await pinsight(['scan', '--fix', 'drv'], dir);
    assert.match(run.out, /fixed 1 finding\(s\) in 1 file\(s\)/);
    assert.equal(readFileSync(join(dir, 'drv/above.c'), 'utf8'), SUPPRESSED_ABOVE);
    assert.doesNotMatch(readFileSync(join(dir, 'drv/f.c'), 'utf8'), /FOLL_FORCE/);
  });
});

test('baselines: write, then only new findings fail, across shifted lines', async () => {
  await inTree({ Makefile: MAKEFILE_612, 'drv/f.c': FORCED, 'drv/g.c': FORCED.replace('forced', 'other') }, async (dir) => {
    const written = await pinsight(['scan', '--write-baseline', 'pinsight-baseline.json', 'drv'], dir);
    assert.equal(written.code, 0, written.err);
    const baseline = JSON.parse(readFileSync(join(dir, 'pinsight-baseline.json'), 'utf8'));
    assert.equal(baseline.findings.length, 2);
    assert.deepEqual(Object.keys(baseline.findings[0]).sort(), ['code', 'file', 'fingerprint', 'line']);

    assert.equal((await pinsight(['scan', '--baseline', 'pinsight-baseline.json', 'drv'], dir)).code, 0);
    // Lines shift above the finding: still the same finding.
    writeFileSync(join(dir, 'drv/f.c'), `#include <linux/mm.h>\n\n/* a new comment */\n${FORCED}`);
    const shifted = await json(['--baseline', 'pinsight-baseline.json', 'drv'], dir);
    assert.equal(shifted.code, 0, shifted.out);
    assert.ok(shifted.json.findings.every((f: { suppressed: { kind: string } }) => f.suppressed.kind === 'baseline'));
    // A new finding is new.
    writeFileSync(join(dir, 'drv/f.c'), `${FORCED}\n${FORCED.replace('forced', 'added')}`);
    const added = await pinsight(['scan', '--baseline', 'pinsight-baseline.json', 'drv'], dir);
    assert.equal(added.code, 1);
    assert.equal(added.out.match(/\[foll-force-misuse\]/g)?.length, 1);
    assert.match(added.out, /drv\/f\.c:8:/);
    assert.equal((await pinsight(['scan', 'drv'], dir)).code, 1, 'without --baseline all findings count');

    writeFileSync(join(dir, 'bad.json'), '{"findings": 3}');
    const bad = await pinsight(['scan', '--baseline', 'bad.json', 'drv'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--baseline bad\.json: not a pinsight baseline/);
    assert.equal((await pinsight(['scan', '--baseline', 'missing.json', 'drv'], dir)).code, 2);
  });
});

test('SARIF: partialFingerprints stay when a line is inserted, suppressions, a rule page per code', async () => {
  const schema = JSON.parse(readFileSync(join(root, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  await inTree({ Makefile: MAKEFILE_612, 'drv/f.c': `${FORCED}\n${FORCED.replace('forced', 'twice')}`, 'drv/above.c': SUPPRESSED_ABOVE }, async (dir) => {
    const sarif = async () => JSON.parse((await pinsight(['scan', '--format', 'sarif', 'drv'], dir)).out);
    const before = await sarif();
    assert.ok(validate(structuredClone(before)), JSON.stringify(validate.errors, null, 2));
    const results = before.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[]; partialFingerprints: Record<string, string>; suppressions?: { kind: string; justification: string }[] }[];
    const prints = (rs: typeof results) => rs.map((r) => r.partialFingerprints['pinsightFingerprint/v1']);
    assert.equal(new Set(prints(results)).size, results.length, 'one fingerprint per finding');
    const suppressed = results.filter((r) => r.suppressions);
    assert.deepEqual(suppressed.map((r) => r.suppressions), [[{ kind: 'inSource', status: 'accepted', justification: 'the device only reads, reviewed in 2024' }]]);

    writeFileSync(join(dir, 'drv/f.c'), `/* SPDX-License-Identifier: GPL-2.0 */\n${FORCED}\n\n${FORCED.replace('forced', 'twice')}`);
    const after = (await sarif()).runs[0].results as typeof results;
    const lines = (rs: typeof results) => rs.map((r) => r.locations[0]!.physicalLocation.region.startLine);
    assert.notDeepEqual(lines(after), lines(results), 'the lines did move');
    assert.deepEqual(prints(after).sort(), prints(results).sort());

    for (const rule of before.runs[0].tool.driver.rules as { id: string; helpUri: string }[]) {
      assert.ok(rule.helpUri.endsWith(`/docs/rules/${rule.id}.md`), rule.helpUri);
      assert.ok(existsSync(join(root, 'docs/rules', `${rule.id}.md`)), `docs/rules/${rule.id}.md exists`);
    }
  });
});

const UNRESOLVED = 'int u(struct dev *d, struct page **p)\n{\n\treturn pin_user_pages_fast(d->start, 1, d->gup_flags | FOLL_LONGTERM, p);\n}\n';

test('text output says which calls have flags it could not resolve; -v marks every call', async () => {
  await inTree({ Makefile: MAKEFILE_612, 'drv/u.c': UNRESOLVED, 'drv/clean.c': 'int z(unsigned long s, struct page **p)\n{\n\treturn get_user_pages_fast(s, 1, FOLL_WRITE, p);\n}\n' }, async (dir) => {
    const run = await pinsight(['scan', 'drv'], dir);
    assert.match(run.out, /^pinsight: flags partly unresolved at drv\/u\.c:3:9 pin_user_pages_fast\(\) \(d->gup_flags\)$/m);
    assert.match(run.out, /2 GUP\/PUP call\(s\), \d+ finding\(s\), 1 call\(s\) with flags partly unresolved$/m);
    const verbose = await pinsight(['scan', '-v', 'drv'], dir);
    assert.match(verbose.out, /^drv\/u\.c:3:9: call: pin_user_pages_fast\(\) \{FOLL_LONGTERM\|\?d->gup_flags\} \[unresolved: d->gup_flags\]$/m);
    assert.match(verbose.out, /^drv\/clean\.c:3:9: call: get_user_pages_fast\(\) \{FOLL_WRITE\}$/m);
    const j = await json(['drv'], dir);
    assert.deepEqual(j.json.calls.map((c: { partlyUnresolved: boolean }) => c.partlyUnresolved).sort(), [false, true]);
  });
});

test('.pinsight.json: kernel, kernels, disable, severity and ignore; the command line wins', async () => {
  const project = { kernel: '6.12', kernels: '6.1..6.12', disable: ['longterm-readonly'], severity: { 'foll-force-misuse': 'note' }, ignore: ['vendor/**', 'gen_*.c'] };
  await inTree(
    {
      // No kernel Makefile: an out-of-tree module.
      'mod/.pinsight.json': JSON.stringify(project),
      'mod/src/f.c': FORCED,
      'mod/src/ro.c': RO_PIN,
      'mod/vendor/lib/v.c': FORCED,
      'mod/src/gen_table.c': FORCED,
    },
    async (dir) => {
      const run = await json(['mod'], dir);
      assert.equal(run.code, 0, run.err);
      assert.equal(run.json.kernel, '6.12');
      assert.deepEqual(run.json.kernels, { from: '6.1', to: '6.12' });
      assert.deepEqual(run.json.findings.map((f: { code: string; severity: string; file: string }) => [f.file, f.code, f.severity]), [['mod/src/f.c', 'foll-force-misuse', 'information']]);
      const text = await pinsight(['scan', 'mod/src'], dir);
      assert.match(text.out, /^pinsight: Linux 6\.12 \(mod\/\.pinsight\.json\)$/m);
      // The command line over the project file.
      const cli = await json(['--severity', 'foll-force-misuse=error', '--kernel', '6.1', 'mod'], dir);
      assert.equal(cli.json.kernel, '6.1');
      assert.equal(cli.json.findings[0].severity, 'error');
      assert.equal(cli.code, 1);
    },
  );
});

test('.pinsight.json with bad content: one warning, the defaults, never a crash', async () => {
  for (const [content, warning] of [
    ['{ not json', /not JSON/],
    ['[1, 2]', /expected a JSON object/],
    [JSON.stringify({ kernel: 'six', disable: 'all', severity: { 'foll-force-misuse': 'fatal' }, ignore: [3], colour: true }), /unknown field "colour".*"kernel": "six" is not a kernel version.*"disable" must be a list.*"fatal" is not error.*"ignore" must be a list/],
  ] as const) {
    await inTree({ Makefile: MAKEFILE_612, 'drv/.pinsight.json': content, 'drv/f.c': FORCED }, async (dir) => {
      const run = await pinsight(['scan', 'drv'], dir);
      assert.equal(run.code, 1, run.err);
      assert.match(run.out, /\[foll-force-misuse\]/);
      const warnings = run.err.split('\n').filter((l) => l.includes('.pinsight.json'));
      assert.equal(warnings.length, 1, run.err);
      assert.match(warnings[0]!, warning);
    });
  }
  // A directory named .pinsight.json is not a project file either.
  await inTree({ Makefile: MAKEFILE_612, 'drv/.pinsight.json/x': '', 'drv/f.c': FORCED }, async (dir) => {
    const run = await pinsight(['scan', 'drv'], dir);
    assert.equal(run.code, 1);
    assert.match(run.err, /not a regular file/);
  });
});
