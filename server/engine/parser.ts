// The one place that loads tree-sitter and the C grammar. Everything else asks for a `CParser`.
//
// web-tree-sitter runs the C grammar as wasm, so the same code works in VS Code (a .vsix carries
// no native modules), in the CLI and in tests. The runtime wasm comes from the web-tree-sitter
// package; the grammar (tree-sitter-c 0.24.1, language ABI 15) is committed in grammars/.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Language, Parser, Query, type Tree } from 'web-tree-sitter';
import { thinCommentRuns } from './comment-runs.js';

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

/**
 * How long a parse may take. tree-sitter's error recovery is quadratic on some broken inputs
 * (45,000 `| FOLL_WRITE` in a parameter list: 37 s; found by `npm run fuzz`), while real kernel
 * code parses at 1 to 2 MB/s: 2 s plus 1 ms per KB leaves a 20 MB file 22 s.
 */
export function parseBudgetMs(length: number): number {
  return 2000 + length / 1000;
}

const declined = new WeakMap<Tree, string>();

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Why `tree` is an empty stand-in for a text the parser gave up on, if it is one. */
export function declinedParse(tree: Tree): string | undefined {
  return declined.get(tree);
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
      const budget = parseBudgetMs(text.length);
      const deadline = performance.now() + budget;
      // The budget is of work: it runs out when both the clock and this process's CPU time have
      // passed it, so a machine loaded beyond its cores (the parse gets a fraction of one) does not
      // decline a file it would parse in time alone. The CPU time is read only once the clock is
      // past (it is the process's: with workers parsing beside it, the clock is what binds).
      const cpuDeadline = cpuMs() + budget;
      const outOfBudget = () => performance.now() > deadline && cpuMs() > cpuDeadline;
      // thinCommentRuns: same length and lines, so every offset and position is the text's own.
      const tree = parser.parse(thinCommentRuns(text), oldTree ?? null, { progressCallback: outOfBudget });
      if (tree) return tree;
      // Cancelled: start afresh next time (tree-sitter would resume this parse), and hand back a
      // tree of nothing, marked, so every caller goes on and the analysis says why it is empty.
      parser.reset();
      const placeholder = parser.parse('');
      if (!placeholder) throw new Error('tree-sitter returned no tree');
      declined.set(placeholder, `the C parser gave up after ${Math.round(budget / 1000)} s (tree-sitter's error recovery on this text is too costly): not analysed`);
      return placeholder;
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
