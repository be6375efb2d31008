// docs/rules/<code>.md: one page per finding code (SARIF helpUri, the editor's codeDescription).
// Each page's first "Bad" snippet, put in a function, gives a finding of its code and its first
// "Good" snippet does not, so the pages cannot drift from what the rules do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FINDING_RULES, RULE_DOCS_BASE, ruleDocsUrl } from '../../server/engine/index.js';
import { analyze } from './helpers.js';

const root = join(__dirname, '../..');
/** The kernel each page's Bad snippet is about. */
const KERNEL: Record<string, string> = { 'redundant-caller-flag': '6.12', 'longterm-without-pin': '6.1' };

function snippets(page: string, heading: string): string[] {
  const section = page.split(/^## /m).find((s) => s.startsWith(heading)) ?? '';
  return [...section.matchAll(/```c\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

function inFunction(snippet: string): string {
  const body = snippet.replace(/^\.\.\.$/gm, '').replace(/^/gm, '\t');
  return `long f(unsigned long start, unsigned long npages, struct page **pages, struct ib_umem *umem)\n{\n\tlong ret, npinned;\n\tint i;\n${body}\treturn ret;\n}\n`;
}

test('every finding code has its page, linked from the base that follows package.json', () => {
  const repository = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).repository.url.replace(/\.git$/, '');
  assert.equal(RULE_DOCS_BASE, `${repository}/blob/main/docs/rules/`);
  const index = readFileSync(join(root, 'docs/rules/README.md'), 'utf8');
  for (const { code } of FINDING_RULES) {
    assert.ok(existsSync(join(root, 'docs/rules', `${code}.md`)), `docs/rules/${code}.md`);
    assert.ok(ruleDocsUrl(code).endsWith(`docs/rules/${code}.md`));
    assert.ok(index.includes(`(${code}.md)`), `docs/rules/README.md lists ${code}`);
  }
});

for (const { code } of FINDING_RULES) {
  test(`docs/rules/${code}.md: its Bad code is found, its Good code is not`, async () => {
    const page = readFileSync(join(root, 'docs/rules', `${code}.md`), 'utf8');
    assert.match(page, /^## Per kernel$/m);
    const [bad] = snippets(page, 'Bad');
    const [good] = snippets(page, 'Good');
    assert.ok(bad && good, 'a Bad and a Good snippet');
    const kernel = KERNEL[code] ?? '6.1';
    const codesOf = async (s: string) => (await analyze(inFunction(s), kernel)).findings.map((f) => f.code);
    assert.ok((await codesOf(bad)).includes(code), `Bad gives ${code} on ${kernel}: ${await codesOf(bad)}`);
    assert.ok(!(await codesOf(good)).includes(code), `Good gives no ${code} on ${kernel}`);
  });
}
