#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's built-in test runner (TypeScript through tsx).
// Node 20's `--test` takes no globs, so the files are listed here.
// usage: node scripts/run-tests.mjs [FILTER...]   (substrings of the test file paths)
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { answerHelp } from './help.mjs';

answerHelp(import.meta.url);

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.name.endsWith('.test.ts')) yield path;
  }
}

const files = [...walk(join(root, 'test'))]
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`run-tests: no test files match ${filters.join(' ') || 'test/**/*.test.ts'}`);
  process.exit(2);
}
// Safety nets, so a test that hangs or leaks a handle fails instead of stalling CI: each test has at
// most 5 minutes, and the whole run 30 (it takes about 4 here). Not --test-force-exit: on Node 20 it
// can end a file's process before the results of its last tests reach the runner, which then counts
// fewer tests and never sees them fail (test/sim-core/outcomes.test.ts lost 8 to 11 of its 90 tests
// in about one run in ten).
const RUN_LIMIT_MS = 30 * 60 * 1000;
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-timeout=300000', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
  timeout: RUN_LIMIT_MS,
  killSignal: 'SIGKILL',
});
if (result.error || result.signal) {
  console.error(`run-tests: the test run did not finish within ${RUN_LIMIT_MS / 60000} minutes (${result.error?.message ?? result.signal}): a test or a handle it left open hangs`);
  process.exit(1);
}
process.exit(result.status ?? 1);
