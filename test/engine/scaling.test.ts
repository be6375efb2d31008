// The cost of analysing a file grows with its calls, not with their square (issue 14: 8,000 calls
// took 71 s, 2,000 took 5 s). Work is counted, not timed: every step into the syntax tree (a call
// across into tree-sitter's wasm), and the characters handed to the parser to check fixes. A file
// with twice the calls must cost about twice as much.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCParser, type SyntaxNode } from '../../server/engine/parser.js';
import { analyzeTree } from '../../server/engine/index.js';
import { fixCheckStats } from '../../server/engine/scratch-parser.js';
import { manyCallsSource } from '../../scripts/bench/many-calls.js';

// The Node members that cross into wasm, each a step; a walk (descendantsOfType) counts the nodes it returns.
const METHODS = ['child', 'namedChild', 'childForFieldId', 'childForFieldName', 'childrenForFieldName', 'descendantForIndex', 'walk'];
const GETTERS = ['type', 'text', 'parent', 'children', 'namedChildren', 'childCount', 'namedChildCount', 'nextSibling', 'previousSibling', 'hasError'];

interface Work {
  steps: number;
  fixChars: number;
  fullReparseChars: number;
  calls: number;
  fixes: number;
}

async function work(calls: number, style: 'drivers' | 'dense'): Promise<Work> {
  const parser = await loadCParser();
  const text = manyCallsSource(calls, style);
  const tree = parser.parse(text);
  const proto = Object.getPrototypeOf(tree.rootNode) as Record<string, unknown>;
  const saved = new Map<string, PropertyDescriptor>();
  let steps = 0;
  for (const name of [...METHODS, ...GETTERS, 'descendantsOfType']) {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (!d) throw new Error(`web-tree-sitter's Node has no ${name}`);
    saved.set(name, d);
    if (d.get) {
      const get = d.get;
      Object.defineProperty(proto, name, { ...d, get(this: SyntaxNode) { steps++; return get.call(this); } });
    } else {
      const fn = d.value as (...args: unknown[]) => unknown;
      Object.defineProperty(proto, name, {
        ...d,
        value(this: SyntaxNode, ...args: unknown[]) {
          const out = fn.apply(this, args);
          steps += name === 'descendantsOfType' ? 1 + (out as unknown[]).length : 1;
          return out;
        },
      });
    }
  }
  const local = fixCheckStats.localChars;
  const full = fixCheckStats.fullChars;
  try {
    const analysis = analyzeTree(text, tree, { kernel: '6.1' });
    return {
      steps,
      fixChars: fixCheckStats.localChars - local,
      fullReparseChars: fixCheckStats.fullChars - full,
      calls: analysis.calls.length,
      fixes: analysis.findings.filter((f) => f.fixes.length > 0).length,
    };
  } finally {
    for (const [name, d] of saved) Object.defineProperty(proto, name, d);
    tree.delete();
  }
}

for (const style of ['drivers', 'dense'] as const) {
  test(`${style}-style file: twice the calls, about twice the tree steps and fix-check parsing`, { timeout: 120_000 }, async () => {
    const n = style === 'drivers' ? 400 : 1200;
    const one = await work(n, style);
    const two = await work(2 * n, style);
    assert.equal(one.calls, n);
    assert.equal(two.calls, 2 * n);
    const ratio = two.steps / one.steps;
    if (process.env.PINSIGHT_TEST_VERBOSE) console.log(style, one, two);
    assert.ok(ratio > 1.8 && ratio < 2.2, `tree steps ${one.steps} -> ${two.steps} (x${ratio.toFixed(2)})`);
    if (style === 'dense') return; // its FOLL_FORCE is on a parameter: no fix to check
    assert.ok(one.fixes > n / 10, `${one.fixes} findings with fixes: the fix checks have work`);
    assert.equal(two.fixes, 2 * one.fixes);
    // Each fix is checked inside its own function: never a re-parse of the whole file per fix.
    assert.equal(two.fullReparseChars, 0);
    const fixRatio = two.fixChars / one.fixChars;
    assert.ok(fixRatio > 1.8 && fixRatio < 2.2, `fix-check characters ${one.fixChars} -> ${two.fixChars}`);
  });
}
