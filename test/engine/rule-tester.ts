// A table test per finding, after ESLint's RuleTester: `valid` snippets give no finding of the
// code; each `invalid` one gives the listed findings and, when `output` is given, exactly that text
// after the preferred fix, which then parses no worse and gives no finding of the code again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, fixed, parseErrors } from './helpers.js';
import type { Severity } from '../../server/engine/types.js';

export interface ValidCase {
  name: string;
  code: string;
  kernel?: string;
}

export interface ExpectedFinding {
  line: number;
  severity?: Severity;
  message?: RegExp;
}

export interface InvalidCase extends ValidCase {
  findings: ExpectedFinding[];
  /** The text after the preferred fix; null when the finding must offer no preferred fix. */
  output?: string | null;
}

export function runRuleTests(code: string, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  for (const c of cases.valid) {
    test(`${code} valid: ${c.name}`, async () => {
      const analysis = await analyze(c.code, c.kernel ?? '6.1');
      assert.deepEqual(analysis.findings.filter((f) => f.code === code).map((f) => f.message), []);
    });
  }
  for (const c of cases.invalid) {
    test(`${code} invalid: ${c.name}`, async () => {
      const kernel = c.kernel ?? '6.1';
      const findings = (await analyze(c.code, kernel)).findings.filter((f) => f.code === code);
      assert.equal(findings.length, c.findings.length, `findings: ${findings.map((f) => f.message).join(' | ')}`);
      c.findings.forEach((want, i) => {
        const got = findings[i]!;
        assert.equal(got.range.start.row + 1, want.line, got.message);
        if (want.severity) assert.equal(got.severity, want.severity);
        if (want.message) assert.match(got.message, want.message);
        assert.ok(got.link.startsWith('https://'));
      });
      if (c.output === null) {
        assert.ok(findings.every((f) => !f.fixes.some((x) => x.preferred)), 'expected no preferred fix');
      } else if (c.output !== undefined) {
        const out = await fixed(c.code, code, kernel);
        assert.equal(out, c.output);
        assert.ok((await parseErrors(out)) <= (await parseErrors(c.code)), 'the fix added a parse error');
        const again = (await analyze(out, kernel)).findings.filter((f) => f.code === code);
        assert.deepEqual(again.map((f) => f.message), [], 'the fix is not idempotent');
        assert.equal(await fixed(out, code, kernel), out);
      }
    });
  }
}
