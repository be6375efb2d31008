#!/usr/bin/env node
// Builds pinsight-<version>.vsix at the repository root: the bundles and wasm only (see
// .vscodeignore), no node_modules, since esbuild has bundled every dependency. README's links stay
// relative: the screenshot travels inside the .vsix.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = `pinsight-${version}.vsix`;

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(process.execPath, [join(root, 'scripts/build.mjs')]);
run(process.execPath, [join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--no-rewrite-relative-links', '-o', out]);
console.log(out);
