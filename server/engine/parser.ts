// The one place that loads tree-sitter and the C grammar. Everything else asks for a `CParser`.
//
// web-tree-sitter runs the C grammar as wasm, so the same code works in VS Code (a .vsix carries
// no native modules), in the CLI and in tests. The runtime wasm comes from the web-tree-sitter
// package; the grammar (tree-sitter-c 0.24.1, language ABI 15) is committed in grammars/.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Language, Parser, Query, type Tree } from 'web-tree-sitter';

export type { Edit, Node as SyntaxNode, Tree } from 'web-tree-sitter';

export interface CParser {
  /** Parses C source; pass the previous tree (already `edit`ed) for an incremental re-parse. */
  parse(text: string, oldTree?: Tree | null): Tree;
  /** A query from grammars/queries/NAME.scm, compiled once. */
  query(name: string): Query;
  readonly language: Language;
}

interface Assets {
  runtimeWasm: string;
  grammarWasm: string;
  queriesDir: string;
}

/** Where the wasm and queries are: beside the bundle in dist/, or in the source tree (tests, tsx). */
function findAssets(): Assets {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const bundled: Assets = {
    runtimeWasm: join(here, 'tree-sitter.wasm'),
    grammarWasm: join(here, 'tree-sitter-c.wasm'),
    queriesDir: join(here, 'queries'),
  };
  if (existsSync(bundled.grammarWasm)) return bundled;
  const root = findRoot(here);
  return {
    runtimeWasm: join(root, 'node_modules/web-tree-sitter/tree-sitter.wasm'),
    grammarWasm: join(root, 'grammars/tree-sitter-c.wasm'),
    queriesDir: join(root, 'grammars/queries'),
  };
}

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'grammars/tree-sitter-c.wasm'))) return dir;
    if (dirname(dir) === dir) throw new Error(`pinsight: cannot find grammars/tree-sitter-c.wasm above ${from}`);
  }
}

let loading: Promise<CParser> | undefined;

/** Loads the grammar once per process; later calls share the same parser. */
export function loadCParser(): Promise<CParser> {
  loading ??= createCParser();
  return loading;
}

async function createCParser(): Promise<CParser> {
  const assets = findAssets();
  await Parser.init({ locateFile: () => assets.runtimeWasm });
  const language = await Language.load(readFileSync(assets.grammarWasm));
  const parser = new Parser();
  parser.setLanguage(language);
  const queries = new Map<string, Query>();
  return {
    language,
    parse(text, oldTree) {
      const tree = parser.parse(text, oldTree ?? null);
      if (!tree) throw new Error('tree-sitter returned no tree');
      return tree;
    },
    query(name) {
      let query = queries.get(name);
      if (!query) {
        query = new Query(language, readFileSync(join(assets.queriesDir, `${name}.scm`), 'utf8'));
        queries.set(name, query);
      }
      return query;
    },
  };
}
