// The .vsix carries what dist/ needs to run: every bundle and wasm file the build writes must be
// let through .vscodeignore (which ignores everything else). A CLI launcher that requires a
// bundle the .vsix lacks would fail only for users.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const dist = join(root, 'dist');

test('.vscodeignore lets every bundle and wasm file of dist/ into the .vsix', { skip: existsSync(dist) ? false : 'no dist/: run npm run build' }, () => {
  const allowed = readFileSync(join(root, '.vscodeignore'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('!dist/'))
    .map((l) => new RegExp(`^${l.slice(1).replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`));
  const shipped = readdirSync(dist).filter((f) => /\.(js|wasm)$/.test(f));
  assert.ok(shipped.includes('cli-main.js'), 'the build writes the CLI in two parts');
  const missing = shipped.filter((f) => !allowed.some((re) => re.test(`dist/${f}`)));
  assert.deepEqual(missing, []);
});
