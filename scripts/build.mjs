#!/usr/bin/env node
// One esbuild run: the VS Code client, the language server and the CLI (a launcher and its main part).
// The tree-sitter wasm files are copied beside the bundles (the server and the CLI load them from
// their own directory), so dist/ alone is a working installation.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dist = join(root, 'dist');

// dist/ is overwritten in place, never removed first: tests and servers running from it keep working.
mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  define: { __PINSIGHT_VERSION__: JSON.stringify(pkg.version) },
  external: ['vscode'],
  // The ESM build of web-tree-sitter needs import.meta.url, which a CJS bundle lacks: use its CJS build.
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
};

try {
  await Promise.all([
  build({ ...common, entryPoints: { extension: join(root, 'client/extension.ts') }, outdir: dist }),
  build({
    ...common,
    entryPoints: {
      server: join(root, 'server/server.ts'),
      // dist/cli.js is the small launcher; it loads dist/cli-main.js (server/cli.ts says why).
      cli: join(root, 'server/cli.ts'),
      'scan-worker': join(root, 'server/scan/worker.ts'),
    },
    outdir: dist,
    banner: { js: '#!/usr/bin/env node' },
  }),
  build({ ...common, entryPoints: { 'cli-main': join(root, 'server/cli-main.ts') }, outdir: dist }),
  ]);
} catch {
  // esbuild has printed the errors with their locations already.
  process.exit(1);
}

// The C grammar (committed in grammars/) and web-tree-sitter's runtime wasm.
copyFileSync(join(root, 'grammars/tree-sitter-c.wasm'), join(dist, 'tree-sitter-c.wasm'));
copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), join(dist, 'tree-sitter.wasm'));
mkdirSync(join(dist, 'queries'), { recursive: true });
for (const name of readdirSync(join(root, 'grammars/queries'))) {
  if (name.endsWith('.scm')) copyFileSync(join(root, 'grammars/queries', name), join(dist, 'queries', name));
}
