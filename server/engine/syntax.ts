// Small helpers over tree-sitter-c nodes, shared by the call finder, the flag flow and the rules.
import type { Node as SyntaxNode } from 'web-tree-sitter';
import type { Range } from './types.js';

export type { SyntaxNode };

export function rangeOf(node: SyntaxNode): Range {
  return {
    start: { row: node.startPosition.row, column: node.startPosition.column },
    end: { row: node.endPosition.row, column: node.endPosition.column },
  };
}

// The node types the engine looks up on nearly every tree. A walk in wasm visits every node under
// where it starts, whatever it looks for, so one walk of the whole tree collects them all, and a
// lookup under a node (a function body) is a slice of that list: one walk per tree instead of three
// at the root and two per function (on 6.12's candidates: 70 -> 26 ms of walking).
const INDEXED_TYPES: readonly string[] = ['assignment_expression', 'call_expression', 'declaration', 'function_definition', 'init_declarator', 'pointer_expression', 'preproc_def'];
const INDEXED = new Set(INDEXED_TYPES);

interface TreeIndex {
  /** Every node of INDEXED_TYPES, in document (pre-)order, so by start offset. */
  all?: IndexedNodes;
  memo: Map<string, readonly SyntaxNode[]>;
}

/**
 * The nodes with their type and end read once: web-tree-sitter answers `type` and `endIndex` by a
 * call into wasm each time, which a lookup would otherwise pay for every node it passes over.
 */
interface IndexedNodes {
  nodes: SyntaxNode[];
  types: string[];
  starts: number[];
  ends: number[];
}

function indexNodes(tree: SyntaxNode['tree']): IndexedNodes {
  const nodes = nonNull(tree.rootNode.descendantsOfType(INDEXED_TYPES as string[]));
  return { nodes, types: nodes.map((n) => n.type), starts: nodes.map((n) => n.startIndex), ends: nodes.map((n) => n.endIndex) };
}

const indexByTree = new WeakMap<object, TreeIndex>();

/**
 * `node.descendantsOfType(types)` (the node itself included when it matches), memoised per tree.
 * The flag flow and the page matching ask the same function body again for every call and
 * release in it.
 */
export function descendantsOf(node: SyntaxNode, types: string | readonly string[]): readonly SyntaxNode[] {
  const wanted = typeof types === 'string' ? [types] : types;
  let index = indexByTree.get(node.tree);
  if (!index) indexByTree.set(node.tree, (index = { memo: new Map() }));
  const key = `${node.id}:${node.startIndex}:${wanted.join(',')}`;
  let found = index.memo.get(key);
  if (!found) {
    if (wanted.every((t) => INDEXED.has(t))) {
      index.all ??= indexNodes(node.tree);
      found = within(index.all, node, new Set(wanted));
    } else {
      found = nonNull(node.descendantsOfType(wanted as string[]));
    }
    index.memo.set(key, found);
  }
  return found;
}

function nonNull(nodes: (SyntaxNode | null)[]): SyntaxNode[] {
  return nodes.filter((n): n is SyntaxNode => n !== null);
}

/** The nodes of `all` (pre-order) of the wanted types that are `node` or lie under it. */
function within(all: IndexedNodes, node: SyntaxNode, wanted: Set<string>): SyntaxNode[] {
  const { nodes, types, starts, ends } = all;
  const start = node.startIndex;
  const end = node.endIndex;
  // Pre-order lists a node after every node that starts before it: the first at or after `start`
  // is where the subtree can begin.
  let lo = 0;
  let hi = nodes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! < start) lo = mid + 1;
    else hi = mid;
  }
  const out: SyntaxNode[] = [];
  for (let i = lo; i < nodes.length && starts[i]! < end + (start === end ? 1 : 0); i++) {
    if (!wanted.has(types[i]!) || ends[i]! > end) continue;
    const n = nodes[i]!;
    // Same span: an ancestor of `node` starts and ends where it does only when it has no other
    // child; it comes before `node` in pre-order, and is not under it.
    if (starts[i] === start && ends[i] === end && n.id !== node.id && !isAncestor(node, n)) continue;
    out.push(n);
  }
  return out;
}

/** Whether `outer` is a proper ancestor of `inner` (both spanning the same text: a short walk). */
function isAncestor(outer: SyntaxNode, inner: SyntaxNode): boolean {
  for (let p = inner.parent; p && p.startIndex === outer.startIndex && p.endIndex === outer.endIndex; p = p.parent) {
    if (p.id === outer.id) return true;
  }
  return false;
}

/** The named children of a node (web-tree-sitter may hand back nulls for missing ones). */
export function named(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((c): c is SyntaxNode => c !== null);
}

export function children(node: SyntaxNode): SyntaxNode[] {
  return node.children.filter((c): c is SyntaxNode => c !== null);
}

export function field(node: SyntaxNode, name: string): SyntaxNode | undefined {
  return node.childForFieldName(name) ?? undefined;
}

/** Strips parentheses and casts: `((unsigned int)(x))` -> `x`. */
export function unwrap(node: SyntaxNode): SyntaxNode {
  let n = node;
  for (;;) {
    if (n.type === 'parenthesized_expression') {
      const inner = named(n).find((c) => c.type !== 'comment');
      if (!inner) return n;
      n = inner;
    } else if (n.type === 'cast_expression') {
      const value = field(n, 'value');
      if (!value) return n;
      n = value;
    } else return n;
  }
}

/** The arguments of a call, without comments. */
export function callArguments(call: SyntaxNode): SyntaxNode[] {
  const args = field(call, 'arguments');
  return args ? named(args).filter((a) => a.type !== 'comment') : [];
}

export function callName(call: SyntaxNode): string | undefined {
  const fn = field(call, 'function');
  return fn && fn.type === 'identifier' ? fn.text : undefined;
}

/** A tree's function definitions by start, with the furthest end among each one and those before it. */
const functionsOfTree = new WeakMap<object, { fns: readonly SyntaxNode[]; maxEnd: number[] }>();

/**
 * The innermost function definition that holds a node. Found by position among the tree's
 * function definitions, not by walking up: web-tree-sitter finds a node's parent by walking down
 * from the root, so walking up from depth d costs d² (seconds on a call nested 500 levels deep).
 */
export function enclosingFunction(node: SyntaxNode): SyntaxNode | undefined {
  let index = functionsOfTree.get(node.tree);
  if (!index) {
    // In document order already (descendantsOf keeps the walk's pre-order), so sorted by start.
    const fns = descendantsOf(node.tree.rootNode, 'function_definition');
    const maxEnd: number[] = [];
    for (const [i, fn] of fns.entries()) maxEnd.push(Math.max(fn.endIndex, i > 0 ? maxEnd[i - 1]! : 0));
    index = { fns, maxEnd };
    functionsOfTree.set(node.tree, index);
  }
  const { fns, maxEnd } = index;
  // The last definition starting at or before the node, then back to the first that holds it
  // (definitions nest only as GNU nested functions, so this is nearly always the first one).
  let lo = 0;
  let hi = fns.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (fns[mid]!.startIndex <= node.startIndex) lo = mid + 1;
    else hi = mid - 1;
  }
  // Stop as soon as no definition this early reaches the node's end (a node outside any function).
  for (let i = hi; i >= 0 && maxEnd[i]! >= node.endIndex; i--) {
    const fn = fns[i]!;
    if (fn.endIndex >= node.endIndex && fn.id !== node.id) return fn;
  }
  return undefined;
}

/** The function_declarator of a function definition (through pointer declarators and attributes). */
export function functionDeclarator(fn: SyntaxNode): SyntaxNode | undefined {
  let d = field(fn, 'declarator');
  while (d && d.type !== 'function_declarator') d = field(d, 'declarator');
  return d;
}

export function functionName(fn: SyntaxNode): string | undefined {
  const d = functionDeclarator(fn);
  const id = d && field(d, 'declarator');
  return id && id.type === 'identifier' ? id.text : undefined;
}

/** The name a declarator declares: `*p`, `a[3]`, `x = 1` -> p, a, x. */
export function declaredName(declarator: SyntaxNode): string | undefined {
  let d: SyntaxNode | undefined = declarator;
  while (d && d.type !== 'identifier') {
    if (d.type === 'function_declarator' || d.type === 'parenthesized_declarator') d = field(d, 'declarator') ?? named(d)[0];
    else d = field(d, 'declarator');
  }
  return d?.text;
}

export function isPointerDeclarator(declarator: SyntaxNode): boolean {
  let d: SyntaxNode | undefined = declarator;
  while (d && d.type !== 'identifier') {
    if (d.type === 'pointer_declarator') return true;
    d = field(d, 'declarator');
  }
  return false;
}

/** Parameter names of a function definition, in order. */
export function parameterNames(fn: SyntaxNode): (string | undefined)[] {
  const d = functionDeclarator(fn);
  const params = d && field(d, 'parameters');
  if (!params) return [];
  return named(params)
    .filter((p) => p.type === 'parameter_declaration' || p.type === 'variadic_parameter')
    .map((p) => {
      const decl = field(p, 'declarator');
      return decl ? declaredName(decl) : undefined;
    });
}

export function parameterDeclarator(fn: SyntaxNode, name: string): SyntaxNode | undefined {
  const d = functionDeclarator(fn);
  const params = d && field(d, 'parameters');
  if (!params) return undefined;
  for (const p of named(params)) {
    const decl = field(p, 'declarator');
    if (decl && declaredName(decl) === name) return decl;
  }
  return undefined;
}

export function isStatic(fn: SyntaxNode): boolean {
  return named(fn).some((c) => c.type === 'storage_class_specifier' && c.text === 'static');
}

export function contains(outer: SyntaxNode, inner: SyntaxNode): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** The trimmed source line of a node's start, for messages. */
export function lineText(text: string, node: SyntaxNode): string {
  const start = text.lastIndexOf('\n', node.startIndex - 1) + 1;
  let end = text.indexOf('\n', node.startIndex);
  if (end < 0) end = text.length;
  return text.slice(start, end).trim();
}

/** The innermost statement (or declaration) that holds a node. */
export function enclosingStatement(node: SyntaxNode): SyntaxNode {
  for (let n: SyntaxNode | null = node; n; n = n.parent) {
    if (n.type.endsWith('_statement') || n.type === 'declaration' || n.type === 'preproc_def') return n;
  }
  return node;
}
