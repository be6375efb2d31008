// The import rules of ARCHITECTURE.md, enforced: each folder may import only what its
// invariant allows. A broken rule fails here, naming the file and the import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(__dirname, '..');

/** An import: a package (`vscode`, `node:fs`) or a repository file (`server/engine/parser.ts`). */
type Import = { package: string } | { file: string };

interface Rule {
  /** Files the rule applies to (prefix of the repository-relative path). */
  scope: string;
  why: string;
  forbids(target: Import): boolean;
}

const pkg = (t: Import) => ('package' in t ? t.package : undefined);
const file = (t: Import) => ('file' in t ? t.file : undefined);
const lspOrEditor = (t: Import) => /^(vscode|vscode-languageserver|vscode-languageclient|vscode-jsonrpc)(\/|$)/.test(pkg(t) ?? '');
const treeSitter = (t: Import) => /^(web-tree-sitter|tree-sitter)(\/|$)/.test(pkg(t) ?? '');
const under = (t: Import, ...dirs: string[]) => dirs.some((d) => file(t)?.startsWith(d));

export const RULES: Rule[] = [
  {
    scope: 'sim-core/',
    why: 'sim-core is a pure model: no packages, no I/O, nothing outside sim-core/',
    forbids: (t) => pkg(t) !== undefined || !under(t, 'sim-core/'),
  },
  {
    scope: 'server/engine/',
    why: 'the engine knows no editor: no LSP, no VS Code, nothing from server/lsp, server/cli or client/',
    forbids: (t) => lspOrEditor(t) || under(t, 'server/lsp/', 'server/cli/', 'client/'),
  },
  {
    scope: 'server/knowledge/',
    why: 'kernel-symbol documentation is plain data: no LSP, no VS Code',
    forbids: (t) => lspOrEditor(t) || under(t, 'server/lsp/', 'client/'),
  },
  {
    scope: 'server/project/',
    why: 'project policy (.pinsight.json, baselines, suppression policy) is shared by the CLI and the server: no LSP, no CLI',
    forbids: (t) => lspOrEditor(t) || under(t, 'server/lsp/', 'server/cli/', 'client/'),
  },
  {
    scope: 'server/index/',
    why: 'the project index is shared by the CLI and the server: no LSP, no VS Code, nothing from server/lsp or server/cli',
    forbids: (t) => lspOrEditor(t) || under(t, 'server/lsp/', 'server/cli/', 'client/'),
  },
  {
    scope: 'server/cli/',
    why: 'the CLI is a view on the engine: no LSP, no VS Code',
    forbids: (t) => lspOrEditor(t) || under(t, 'server/lsp/', 'client/'),
  },
  {
    scope: 'server/',
    why: "server/ knows nothing of VS Code's UI and never imports the client",
    forbids: (t) => pkg(t) === 'vscode' || (pkg(t) ?? '').startsWith('vscode-languageclient') || under(t, 'client/'),
  },
  {
    scope: 'client/',
    why: 'the client is thin: it starts the bundled server and talks LSP, never imports engine, sim-core or tree-sitter',
    forbids: (t) => treeSitter(t) || under(t, 'server/', 'sim-core/'),
  },
];

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') yield* sourceFiles(path);
    else if (/\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}

/** Every import/require/export-from of a file, resolved to a repository-relative path or a package name. */
function importsOf(path: string): Import[] {
  const info = ts.preProcessFile(readFileSync(path, 'utf8'), true, true);
  return info.importedFiles.map(({ fileName }) =>
    fileName.startsWith('.')
      ? { file: relative(root, resolve(dirname(path), fileName)).replace(/\.js$/, '.ts') }
      : { package: fileName },
  );
}

export function violations(): string[] {
  const found: string[] = [];
  for (const top of ['sim-core', 'server', 'client']) {
    for (const path of sourceFiles(join(root, top))) {
      const rel = relative(root, path);
      for (const target of importsOf(path)) {
        for (const rule of RULES) {
          if (rel.startsWith(rule.scope) && rule.forbids(target)) found.push(`${rel} imports ${pkg(target) ?? file(target)}: ${rule.why}`);
        }
      }
    }
  }
  return found;
}

test('every import respects the architecture rules', () => {
  assert.deepEqual(violations(), []);
});

test('the rules catch a forbidden import', () => {
  const simCore = RULES.find((r) => r.scope === 'sim-core/')!;
  assert.ok(simCore.forbids({ package: 'web-tree-sitter' }));
  assert.ok(simCore.forbids({ package: 'node:fs' }));
  assert.ok(simCore.forbids({ file: 'server/engine/parser.ts' }));
  assert.ok(!simCore.forbids({ file: 'sim-core/gup.ts' }));
  const engine = RULES.find((r) => r.scope === 'server/engine/')!;
  assert.ok(engine.forbids({ package: 'vscode-languageserver/node' }));
  assert.ok(!engine.forbids({ file: 'sim-core/index.ts' }));
  const client = RULES.find((r) => r.scope === 'client/')!;
  assert.ok(client.forbids({ file: 'server/engine/index.ts' }));
  assert.ok(!client.forbids({ package: 'vscode-languageclient/node' }));
});
