// A table test per finding, after ESLint's RuleTester: `valid` snippets give no finding of the
// code; each `invalid` one gives the listed findings and, when `output` is given, exactly that text
// after the preferred fix, which then parses no worse and gives no finding of the code again.
// Every message any case produces, on every kernel of MESSAGE_KERNELS, keeps its first sentence
// (the verdict) within FIRST_SENTENCE_MAX characters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, fixed, parseErrors } from './helpers.js';
import { FIRST_SENTENCE_MAX, firstSentence } from '../../server/engine/rules/rule.js';
import type { Finding, Severity } from '../../server/engine/types.js';

/** The kernels every case's messages are held to the first-sentence limit on. */
export const MESSAGE_KERNELS = ['5.10', '6.1', '6.12', '7.3'] as const;

export interface ValidCase {
  name: string;
  code: string;
  kernel?: string;
}

export interface ExpectedFinding {
  line: number;
  severity?: Severity;
  message?: RegExp;
  /** Matched by one of the finding's related information messages (the detail behind the verdict). */
  related?: RegExp;
}

/** Most cases are one call: a function with the parameters it uses that returns it (line 3). */
export function fn(call: string, params = 'unsigned long s, int n, struct page **p'): string {
  return `long f(${params})\n{\n\treturn ${call};\n}\n`;
}

/** `[before, after]`: `before` stands exactly once in the case's code and becomes `after`. */
export type Replacement = readonly [string, string];

export interface InvalidCase extends ValidCase {
  findings: ExpectedFinding[];
  /**
   * The text after the preferred fix, written out or as replacements in `code`; null when the
   * finding must offer no preferred fix.
   */
  output?: string | readonly Replacement[] | null;
}

/** `code` with each replacement made; a `before` that is absent or ambiguous fails the test. */
export function replaced(code: string, replacements: readonly Replacement[]): string {
  return replacements.reduce((text, [before, after]) => {
    const at = text.indexOf(before);
    assert.ok(at >= 0 && text.indexOf(before, at + 1) < 0, `output: "${before}" must stand exactly once in the code`);
    return text.slice(0, at) + after + text.slice(at + before.length);
  }, code);
}

/** The findings whose message opens with a sentence longer than FIRST_SENTENCE_MAX. */
export function longFirstSentences(findings: readonly Finding[]): string[] {
  return findings.map((f) => firstSentence(f.message)).filter((s) => s.length > FIRST_SENTENCE_MAX);
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
        if (want.related) assert.ok(got.related.some((r) => want.related!.test(r.message)), `${want.related} in: ${got.related.map((r) => r.message).join(' | ')}`);
        assert.ok(got.link.startsWith('https://'));
      });
      if (c.output === null) {
        assert.ok(findings.every((f) => !f.fixes.some((x) => x.preferred)), 'expected no preferred fix');
      } else if (c.output !== undefined) {
        const want = typeof c.output === 'string' ? c.output : replaced(c.code, c.output);
        const out = await fixed(c.code, code, kernel);
        assert.equal(out, want);
        assert.ok((await parseErrors(out)) <= (await parseErrors(c.code)), 'the fix added a parse error');
        const again = (await analyze(out, kernel)).findings.filter((f) => f.code === code);
        assert.deepEqual(again.map((f) => f.message), [], 'the fix is not idempotent');
        assert.equal(await fixed(out, code, kernel), out);
      }
    });
  }
  test(`${code}: every message of every case opens with a verdict of at most ${FIRST_SENTENCE_MAX} characters on ${MESSAGE_KERNELS.join(', ')}`, async () => {
    let seen = 0;
    for (const kernel of MESSAGE_KERNELS) {
      for (const c of [...cases.valid, ...cases.invalid]) {
        const { findings } = await analyze(c.code, kernel);
        seen += findings.length;
        assert.deepEqual(longFirstSentences(findings), [], `${c.name} on ${kernel}`);
      }
    }
    if (cases.invalid.length > 0) assert.ok(seen > 0, 'the cases produced no message to hold');
  });
}
