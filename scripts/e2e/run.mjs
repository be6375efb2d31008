#!/usr/bin/env node
// `npm run test:e2e`: pinsight in real editors. Installs what the tests need when it is missing
// (code-server + Chromium, Neovim; both steps are idempotent), builds the .vsix, then runs the
// VS Code test (test/e2e/*.e2e.ts) and the Neovim test (test/nvim/*.e2e.ts).
// usage: node scripts/e2e/run.mjs [vscode|nvim]...   (default: both)
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { answerHelp } from '../help.mjs';

answerHelp(import.meta.url);

const root = new URL('../..', import.meta.url).pathname;
const wanted = process.argv.slice(2);
const want = (name) => wanted.length === 0 || wanted.includes(name);

function run(cmd, args, env = {}) {
  console.log(`\n$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const files = [];
if (want('vscode')) {
  run('bash', [join(root, 'scripts/e2e/install-code-server.sh')]);
  run(process.execPath, [join(root, 'scripts/package.mjs')]);
  files.push('test/e2e/vscode.e2e.ts');
}
if (want('nvim')) {
  run('bash', [join(root, 'scripts/e2e/install-neovim.sh')]);
  if (!want('vscode')) run(process.execPath, [join(root, 'scripts/build.mjs')]);
  files.push('test/nvim/nvim.e2e.ts');
}
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files], {
  PINSIGHT_VSIX: join(root, `pinsight-${version}.vsix`),
});
