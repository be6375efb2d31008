// Nothing from the workspace is ever executed or evaluated, and settings are validated:
// - no eval, no `new Function`, no node:vm, no require() of a computed path anywhere in server/,
//   client/ or sim-core/; child processes only in server/scan/ripgrep.ts (ripgrep, fixed flags) and
//   server/cli/diff-lines.ts (git, for `scan --diff REV` only);
// - ripgrep is looked up in absolute PATH entries only: an `rg` in the workspace never runs;
// - any `pinsight` settings object validates to well-typed settings without throwing, and cannot
//   reach Object.prototype.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { findRipgrep } from '../../server/scan/ripgrep.js';
import { findGit } from '../../server/cli/diff-lines.js';
import { SEVERITIES, validateSettings } from '../../server/lsp/settings.js';

const ROOT = join(__dirname, '../..');

function* sources(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules') yield* sources(path);
    else if (/\.(ts|mjs|js)$/.test(e.name)) yield path;
  }
}

/** Each dynamic-code construct, with the only files allowed to use it and why. */
const RULES: { what: string; pattern: RegExp; allowed: Record<string, string> }[] = [
  { what: 'eval(', pattern: /(^|[^\w.])eval\s*\(/, allowed: {} },
  { what: 'new Function', pattern: /new\s+Function\s*\(/, allowed: {} },
  {
    what: 'node:vm',
    pattern: /from\s+['"](node:)?vm['"]|require\(\s*['"](node:)?vm['"]\s*\)/,
    allowed: { 'server/cli/code-cache.ts': "compiles the CLI's own dist/cli-main.js with V8's code cache; nothing from a workspace" },
  },
  {
    what: 'require() of a computed path',
    pattern: /(^|[^\w.])require\(\s*[^'"\s)]/,
    allowed: {
      'server/scan/pool.ts': 'the worker\'s code string requires tsx and the worker module, paths from __dirname',
      'server/cli.ts': 'the launcher requires dist/cli-main.js (cli-main.ts from the sources), paths from __dirname',
      'server/cli/code-cache.ts': 'the same bundle when its code cache cannot be used, the path from server/cli.ts',
    },
  },
  {
    what: 'a worker from a code string',
    pattern: /eval:\s*true/,
    allowed: { 'server/scan/pool.ts': 'two require() of the bundle\'s own files, paths from __dirname' },
  },
  {
    what: 'child processes',
    pattern: /from\s+['"](node:)?child_process['"]/,
    allowed: {
      'server/scan/ripgrep.ts': 'ripgrep from an absolute PATH entry, fixed flags, no shell',
      'server/cli/diff-lines.ts': '`scan --diff REV` only (never the editor): git from an absolute PATH entry, no shell, fsmonitor, external diff and textconv off',
    },
  },
];

test('no dynamic code: eval, Function, vm, computed require, child processes only where allowed', () => {
  const offences: string[] = [];
  for (const dir of ['server', 'client', 'sim-core']) {
    for (const file of sources(join(ROOT, dir))) {
      const rel = relative(ROOT, file);
      const text = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
      for (const rule of RULES) if (rule.pattern.test(text) && !(rel in rule.allowed)) offences.push(`${rel}: ${rule.what}`);
    }
  }
  assert.deepEqual(offences, []);
});

test('an rg in the workspace (a relative PATH entry) is never picked; an absolute entry is', (t) => {
  if (process.platform === 'win32') return t.skip('POSIX paths');
  const workspace = mkdtempSync(join(tmpdir(), 'pinsight-trust-'));
  const cwd = process.cwd();
  try {
    writeFileSync(join(workspace, 'rg'), '#!/bin/sh\ntouch pwned\n');
    chmodSync(join(workspace, 'rg'), 0o755);
    process.chdir(workspace);
    assert.equal(findRipgrep('.'), undefined);
    assert.equal(findRipgrep(`bin:.:${''}`), undefined);
    assert.equal(findRipgrep(workspace), join(workspace, 'rg'), 'an absolute entry is the user\'s own choice');
    writeFileSync(join(workspace, 'git'), '#!/bin/sh\ntouch pwned\n');
    chmodSync(join(workspace, 'git'), 0o755);
    assert.equal(findGit('.'), undefined, 'scan --diff: a git in the workspace is never picked');
    assert.equal(findGit(workspace), join(workspace, 'git'));
  } finally {
    process.chdir(cwd);
    rmSync(workspace, { recursive: true, force: true });
  }
});

test('property: any settings object validates to well-typed settings, and never reaches Object.prototype', () => {
  const codes = ['foll-force-misuse', 'longterm-readonly'];
  const hostile = fc.oneof(
    fc.anything({ withObjectString: true, withNullPrototype: true }),
    fc.record({
      kernel: fc.oneof(fc.string(), fc.constantFrom('6.1', 'auto', ' 6.12 ', '$(reboot)', '6.1; rm -rf ~', '../../etc/passwd', 'v6.2.0-rc1'), fc.anything()),
      findings: fc.oneof(fc.anything(), fc.record({ disabled: fc.oneof(fc.anything(), fc.array(fc.string())), severity: fc.oneof(fc.anything(), fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', ...codes)), fc.anything())) })),
      scan: fc.anything(),
    }, { requiredKeys: [] }),
  );
  fc.assert(
    fc.property(hostile, (raw) => {
      const polluted = JSON.parse(`{"__proto__": {"pinsightPolluted": true}, "findings": {"severity": {"__proto__": {"x": "error"}}}}`);
      for (const input of [raw, polluted]) {
        const { settings, warnings } = validateSettings(input, codes);
        assert.ok(settings.kernel === 'auto' || /^\d+\.\d+$/.test(settings.kernel), settings.kernel);
        assert.ok(Array.isArray(settings.disabledFindings) && settings.disabledFindings.every((c) => codes.includes(c)));
        assert.ok(Object.entries(settings.severity).every(([c, s]) => codes.includes(c) && SEVERITIES.includes(s)));
        assert.equal(typeof settings.scanOnStartup, 'boolean');
        assert.ok(warnings.every((w) => typeof w === 'string' && !w.includes('\n')));
        assert.equal(({} as Record<string, unknown>).pinsightPolluted, undefined);
        assert.equal(({} as Record<string, unknown>).x, undefined);
      }
    }),
    { numRuns: 500, seed: 11 },
  );
});
