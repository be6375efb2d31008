#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's built-in test runner (TypeScript through tsx).
// Node 20's `--test` takes no globs, so the files are listed here.
// usage: node scripts/run-tests.mjs [FILTER...]   (substrings of the test file paths)
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

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
// Safety nets, so a test that leaks a child process or hangs fails instead of stalling CI:
// each test has at most 5 minutes, and a file's process exits once its tests are done.
const guards = ['--test-timeout=300000', '--test-force-exit'];
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...guards, '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
