// Object-like macros `#define`d in the analysed file, whose values the flag flow can follow
// (`#define MY_GUP_FLAGS (FOLL_WRITE | FOLL_LONGTERM)`). The value of a preproc_def is raw text
// to tree-sitter; it is parsed here as an expression in a tree of its own, and its nodes' offsets
// are mapped back into the file by `delta`.
import type { Language, Tree } from 'web-tree-sitter';
import { scratchParse } from './scratch-parser.js';
import { nestedDeeperThan } from './nesting.js';
import { descendantsOf, field, named, type SyntaxNode } from './syntax.js';

export interface MacroValue {
  name: string;
  /** The expression node of the value, in its own tree. */
  expr: SyntaxNode;
  /** Add to an offset in the macro's tree to get the offset in the file. */
  delta: number;
  /** The `#define` line's node in the file. */
  define: SyntaxNode;
}

const PREFIX = 'int __pinsight_macro_value = ';

/** Collects the file's object-like macros lazily: a value is parsed only when the flow asks. */
export class MacroTable {
  private readonly defines = new Map<string, SyntaxNode>();
  private readonly parsed = new Map<string, MacroValue | null>();
  private readonly trees: Tree[] = [];

  constructor(
    root: SyntaxNode,
    private readonly language: Language,
    /** Whether the target build compiles a `#define` (preproc-version.ts compiledOn); all when absent. */
    compiled?: (define: SyntaxNode) => boolean,
  ) {
    for (const def of descendantsOf(root, 'preproc_def')) {
      const name = field(def, 'name')?.text;
      // The first compiled definition wins; a later #undef/#define pair is rare in drivers.
      if (name && field(def, 'value') && !this.defines.has(name) && (!compiled || compiled(def))) this.defines.set(name, def);
    }
  }

  has(name: string): boolean {
    return this.defines.has(name);
  }

  get(name: string): MacroValue | undefined {
    const cached = this.parsed.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const def = this.defines.get(name);
    const value = def && field(def, 'value');
    let result: MacroValue | null = null;
    if (def && value) {
      const tree = scratchParse(this.language, PREFIX + value.text + ';');
      if (tree) {
        this.trees.push(tree);
        const declaration = named(tree.rootNode).find((n) => n.type === 'declaration');
        const init = declaration && named(declaration).find((n) => n.type === 'init_declarator');
        const expr = init && field(init, 'value');
        // A value nested deeper than real code is not followed (see nesting.ts).
        if (expr && !expr.hasError && !nestedDeeperThan(expr)) result = { name, expr, delta: value.startIndex - PREFIX.length, define: def };
      }
    }
    this.parsed.set(name, result);
    return result ?? undefined;
  }

  /** Frees the macro trees (wasm memory); call when the analysis is done. */
  dispose(): void {
    for (const t of this.trees) t.delete();
    this.trees.length = 0;
  }
}
