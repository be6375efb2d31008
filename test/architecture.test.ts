// The import rules of ARCHITECTURE.md, enforced: each folder may import only what its
// invariant allows. A broken rule fails here, naming the file and the import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(__dirname, '..');

/**
 * An import: a package (`vscode`, `node:fs`) or a repository file (`server/engine/parser.ts`);
 * `typeOnly` when every import of it is `import type` or `export type ... from` (erased at build).
 */
type Import = ({ package: string } | { file: string }) & { typeOnly?: boolean };

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
const typeOnly = (t: Import) => t.typeOnly === true;

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
    why: 'the client is thin: it starts the bundled server and talks LSP, never imports engine, sim-core or tree-sitter; of the protocol/ types, only with `import type`',
    forbids: (t) => treeSitter(t) || under(t, 'server/', 'sim-core/') || (under(t, 'protocol/') && !typeOnly(t)),
  },
  {
    scope: 'protocol/',
    why: "the protocol is types only, so a client's `import type` of it brings nothing into its bundle: type-only imports of sim-core/ and the LSP types",
    forbids: (t) => !typeOnly(t) || !(under(t, 'sim-core/', 'protocol/') || pkg(t) === 'vscode-languageserver'),
  },
  {
    scope: 'scripts/',
    why: 'scripts never import test code: what both use lives in scripts/ (scripts/lib/, scripts/kernel-truth/)',
    forbids: (t) => under(t, 'test/'),
  },
];

const TOPS = ['sim-core', 'server', 'client', 'protocol', 'scripts'];

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') yield* sourceFiles(path);
    else if (/\.(ts|mts|cts|mjs)$/.test(entry.name) && !/\.d\.m?ts$/.test(entry.name)) yield path;
  }
}

/** Every import/require/export-from of a file, resolved to a repository-relative path or a package name. */
function importsOf(path: string): Import[] {
  const source = readFileSync(path, 'utf8');
  const info = ts.preProcessFile(source, true, true);
  // How often each module is named by `import type` / `export type ... from`: those are erased.
  const typeOnlyCount = new Map<string, number>();
  for (const statement of ts.createSourceFile(path, source, ts.ScriptTarget.Latest).statements) {
    const erased = (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly) || (ts.isExportDeclaration(statement) && statement.isTypeOnly);
    if (erased && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      const name = statement.moduleSpecifier.text;
      typeOnlyCount.set(name, (typeOnlyCount.get(name) ?? 0) + 1);
    }
  }
  const imports = info.importedFiles.map(({ fileName }): Import =>
    fileName.startsWith('.')
      ? { file: relative(root, resolve(dirname(path), fileName)).replace(/\.js$/, '.ts') }
      : { package: fileName },
  );
  // A module is imported type-only when every mention of it is erased.
  const mentions = new Map<string, number>();
  for (const { fileName } of info.importedFiles) mentions.set(fileName, (mentions.get(fileName) ?? 0) + 1);
  return imports.map((t, i) => {
    const name = info.importedFiles[i]!.fileName;
    return { ...t, typeOnly: (typeOnlyCount.get(name) ?? 0) === mentions.get(name) };
  });
}

/** The statements of a file that are not types: anything but interfaces, type aliases and type-only imports and exports. */
export function valueStatements(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  return source.statements
    .filter(
      (s) =>
        !ts.isInterfaceDeclaration(s) &&
        !ts.isTypeAliasDeclaration(s) &&
        !(ts.isImportDeclaration(s) && s.importClause?.isTypeOnly) &&
        !(ts.isExportDeclaration(s) && s.isTypeOnly),
    )
    .map((s) => `${relative(root, path)}:${source.getLineAndCharacterOfPosition(s.getStart()).line + 1}: ${s.getText().split('\n')[0]}`);
}

export function violations(): string[] {
  const found: string[] = [];
  for (const top of TOPS) {
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

/** Each import cycle among the repository's modules (type-only imports count: they tie the modules' meaning together), as a path that returns to its start. */
export function importCycles(): string[][] {
  const graph = new Map<string, string[]>();
  for (const top of TOPS) {
    for (const path of sourceFiles(join(root, top))) graph.set(relative(root, path), importsOf(path).flatMap((t) => (file(t) ? [file(t)!] : [])));
  }
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const trail: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    trail.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...trail.slice(trail.indexOf(next)), next]);
      else if (!state.has(next) && graph.has(next)) visit(next);
    }
    trail.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

test('no module imports itself through others: a shared piece lives in a leaf both import', () => {
  assert.deepEqual(importCycles(), []);
});

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
  assert.ok(!client.forbids({ file: 'protocol/requests.ts', typeOnly: true }));
  assert.ok(client.forbids({ file: 'protocol/requests.ts', typeOnly: false }));
  assert.ok(client.forbids({ file: 'server/lsp/custom-requests.ts', typeOnly: true }));
  assert.ok(client.forbids({ file: 'sim-core/index.ts', typeOnly: true }));
  const protocol = RULES.find((r) => r.scope === 'protocol/')!;
  assert.ok(!protocol.forbids({ file: 'sim-core/index.ts', typeOnly: true }));
  assert.ok(protocol.forbids({ file: 'sim-core/index.ts', typeOnly: false }));
  assert.ok(protocol.forbids({ file: 'server/lsp/analysis.ts', typeOnly: true }));
  const scripts = RULES.find((r) => r.scope === 'scripts/')!;
  assert.ok(scripts.forbids({ file: 'test/kernel-truth/agreement.test.ts' }));
  assert.ok(!scripts.forbids({ file: 'scripts/lib/json-rpc-client.ts' }));
});

test('protocol/ holds types only (interfaces, type aliases, type-only imports and exports), so a client bundles none of it', () => {
  const files = [...sourceFiles(join(root, 'protocol'))];
  assert.ok(files.length > 0);
  assert.deepEqual(files.flatMap(valueStatements), []);
});

test('the client imports the protocol with import type, and its bundle holds nothing of the server', () => {
  const edges = [...sourceFiles(join(root, 'client'))].flatMap((path) => importsOf(path).filter((t) => under(t, 'protocol/')));
  assert.ok(edges.length > 0, 'the client reads its request shapes from protocol/');
  assert.ok(edges.every(typeOnly));
  // Type-only, the edge costs the client nothing at run time: no engine, sim-core or LSP server code in its bundle.
  const bundle = join(root, 'dist/extension.js');
  if (existsSync(bundle)) {
    const text = readFileSync(bundle, 'utf8');
    // esbuild heads each module it bundles with a `// path` comment.
    assert.ok(text.includes('\n// client/extension.ts\n'));
    for (const marker of ['sim-core/', 'server/', 'protocol/', 'node_modules/web-tree-sitter/', 'node_modules/vscode-languageserver/']) assert.ok(!text.includes(`\n// ${marker}`), `dist/extension.js holds ${marker}`);
  }
});
