// Which arm of an `#if` the target build compiles. Out-of-tree drivers pick entry points and flags
// per kernel with `#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)`: those conditions are decided
// here for the target kernel (include/generated/uapi/linux/version.h: KERNEL_VERSION(a, b, c) is
// (a << 16) + (b << 8) + c, clamped at 255 for c). When the build's facts are known (macro-facts.ts:
// `-D`/`-U`, autoconf.h's CONFIG_*), `#ifdef X`, `defined(X)`, `IS_ENABLED(CONFIG_X)` and `#if X > n`
// over them are decided too, exactly as cpp would. Anything else (a configure-test macro the build
// does not name) is undecided: both arms stay, and the flag flow says which arm a flag set came through.
import { PreprocEnv } from './macro-facts.js';
import { field, named, type SyntaxNode } from './syntax.js';

/** true, false, or undefined when the target build does not decide it. */
export type Tri = boolean | undefined;

const COND_NODES = new Set(['preproc_if', 'preproc_elif']);
const IFDEF_NODES = new Set(['preproc_ifdef', 'preproc_elifdef']);
const ARM_NODES = new Set(['preproc_if', 'preproc_elif', 'preproc_ifdef', 'preproc_elifdef']);
/** How deep a macro's replacement text is followed to a number (`#define A B`, `#define B 3`). */
const MAX_EXPANSION = 8;

/** A kernel version alone ("6.1") or the build's preprocessor facts. */
export type PreprocTarget = string | PreprocEnv;

const envs = new Map<string, PreprocEnv>();
function envOf(target: PreprocTarget): PreprocEnv {
  if (typeof target !== 'string') return target;
  let env = envs.get(target);
  if (!env) {
    if (envs.size >= 64) envs.clear();
    envs.set(target, (env = new PreprocEnv(target)));
  }
  return env;
}

/** A value in a preprocessor expression: an exact number, a range (LINUX_VERSION_CODE), or unknown. */
type Value = { lo: number; hi: number } | undefined;

const exact = (n: number): Value => ({ lo: n, hi: n });
const bool = (t: Tri): Value => (t === undefined ? undefined : exact(t ? 1 : 0));

function numberOf(text: string): number | undefined {
  const t = text.trim().replace(/[uUlL]+$/, '');
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return Number.parseInt(t, 16);
  if (/^0[0-7]*$/.test(t)) return Number.parseInt(t, 8);
  if (/^[1-9]\d*$/.test(t)) return Number.parseInt(t, 10);
  return undefined;
}

/** A macro's value in `#if`: cpp replaces an undefined name with 0 and a defined one with its text. */
function macroValue(name: string, env: PreprocEnv, inC: boolean, depth = 0): Value {
  const state = env.lookup(name);
  if (state === undefined) {
    return name === 'LINUX_VERSION_CODE' && env.versionRange ? { lo: env.versionRange[0], hi: env.versionRange[1] } : undefined;
  }
  // In C an identifier that is no macro is a variable, not 0.
  if (!state.defined) return inC ? undefined : exact(0);
  const text = state.value.trim().replace(/^\((.*)\)$/, '$1').trim();
  if (text === '') return undefined; // `#define X` then `#if X` is a cpp error: not decided here
  const n = numberOf(text);
  if (n !== undefined) return exact(n);
  if (/^[A-Za-z_]\w*$/.test(text) && depth < MAX_EXPANSION) return macroValue(text, env, inC, depth + 1);
  return undefined;
}

/** defined(name): from the build's facts only. */
function isDefined(name: string, env: PreprocEnv): Tri {
  const state = env.lookup(name);
  return state === undefined ? undefined : state.defined;
}

/** include/linux/kconfig.h: IS_BUILTIN(X) is X defined as 1, IS_MODULE(X) is X_MODULE defined as 1. */
function kconfigTest(fn: string, option: string, env: PreprocEnv): Tri {
  const isOne = (name: string): Tri => {
    const state = env.lookup(name);
    if (state === undefined) return undefined;
    return state.defined && numberOf(state.value) === 1;
  };
  const builtin = isOne(option);
  const module = isOne(`${option}_MODULE`);
  const or = (a: Tri, b: Tri): Tri => (a === true || b === true ? true : a === false && b === false ? false : undefined);
  const and = (a: Tri, b: Tri): Tri => (a === false || b === false ? false : a === true && b === true ? true : undefined);
  switch (fn) {
    case 'IS_BUILTIN':
      return builtin;
    case 'IS_MODULE':
      return module;
    case 'IS_ENABLED':
      return or(builtin, module);
    case 'IS_REACHABLE': // built in, or a module seen from a module (-DMODULE)
      return or(builtin, and(module, isDefined('MODULE', env)));
    default:
      return undefined;
  }
}

function evaluate(node: SyntaxNode, env: PreprocEnv, inC = false): Value {
  switch (node.type) {
    case 'parenthesized_expression': {
      const inner = named(node)[0];
      return inner ? evaluate(inner, env, inC) : undefined;
    }
    case 'number_literal': {
      const n = numberOf(node.text);
      return n === undefined ? undefined : exact(n);
    }
    case 'identifier':
      return macroValue(node.text, env, inC);
    case 'preproc_defined': {
      if (inC) return undefined;
      const name = named(node)[0];
      return name?.type === 'identifier' ? bool(isDefined(name.text, env)) : undefined;
    }
    case 'call_expression': {
      const fn = field(node, 'function')?.text;
      const argNodes = named(field(node, 'arguments') ?? node);
      if (fn && fn !== 'KERNEL_VERSION') {
        const option = argNodes.length === 1 && argNodes[0]!.type === 'identifier' ? argNodes[0]!.text : undefined;
        return option ? bool(kconfigTest(fn, option, env)) : undefined;
      }
      const args = argNodes.map((a) => evaluate(a, env, inC));
      if (args.length !== 3 || args.some((a) => !a || a.lo !== a.hi)) return undefined;
      const [a, b, c] = args.map((x) => x!.lo) as [number, number, number];
      return exact((a << 16) + (b << 8) + Math.min(c, 255));
    }
    case 'unary_expression': {
      const op = field(node, 'operator')?.text;
      const arg = field(node, 'argument');
      if (op !== '!' || !arg) return undefined;
      const t = truth(arg, env, inC);
      return bool(t === undefined ? undefined : !t);
    }
    case 'binary_expression': {
      const op = field(node, 'operator')?.text;
      const left = field(node, 'left');
      const right = field(node, 'right');
      if (!op || !left || !right) return undefined;
      if (op === '&&' || op === '||') {
        const l = truth(left, env, inC);
        const r = truth(right, env, inC);
        const t = op === '&&' ? (l === false || r === false ? false : l && r ? true : undefined) : l === true || r === true ? true : l === false && r === false ? false : undefined;
        return bool(t);
      }
      const l = evaluate(left, env, inC);
      const r = evaluate(right, env, inC);
      if (!l || !r) return undefined;
      return bool(compare(op, l, r));
    }
    default:
      return undefined; // casts, other calls: not decided
  }
}

/** A comparison of two ranges: decided only when every pair of values gives the same answer. */
function compare(op: string, l: { lo: number; hi: number }, r: { lo: number; hi: number }): Tri {
  const always = (f: (a: number, b: number) => boolean) => f(l.lo, r.hi) && f(l.hi, r.lo) && f(l.lo, r.lo) && f(l.hi, r.hi);
  const never = (f: (a: number, b: number) => boolean) => !f(l.lo, r.hi) && !f(l.hi, r.lo) && !f(l.lo, r.lo) && !f(l.hi, r.hi);
  const ops: Record<string, (a: number, b: number) => boolean> = {
    '>=': (a, b) => a >= b,
    '>': (a, b) => a > b,
    '<=': (a, b) => a <= b,
    '<': (a, b) => a < b,
  };
  if (op === '==' || op === '!=') {
    if (l.lo === l.hi && r.lo === r.hi) return (l.lo === r.lo) === (op === '==');
    if (l.hi < r.lo || r.hi < l.lo) return op === '!=';
    return undefined;
  }
  const f = ops[op];
  if (!f) return undefined;
  return always(f) ? true : never(f) ? false : undefined;
}

function truth(node: SyntaxNode, env: PreprocEnv, inC = false): Tri {
  const v = evaluate(node, env, inC);
  if (!v) return undefined;
  if (v.lo === 0 && v.hi === 0) return false;
  if (v.lo > 0 || v.hi < 0) return true;
  return undefined;
}

/** Whether the target build takes the arm that follows this `#if`/`#elif`/`#ifdef`/`#elifdef`'s condition. */
export function conditionHolds(node: SyntaxNode, target: PreprocTarget): Tri {
  const env = envOf(target);
  if (COND_NODES.has(node.type)) {
    const cond = field(node, 'condition');
    return cond ? truth(cond, env) : undefined;
  }
  if (IFDEF_NODES.has(node.type)) {
    const name = field(node, 'name');
    const defined = name ? isDefined(name.text, env) : undefined;
    if (defined === undefined) return undefined;
    const negated = /^#\s*(ifndef|elifndef)/.test(node.child(0)?.text ?? '');
    return negated ? !defined : defined;
  }
  return undefined;
}

/**
 * Whether a C condition (`if (IS_ENABLED(CONFIG_X))`, `if (!IS_BUILTIN(CONFIG_Y) && ...)`, a
 * `-D`'d constant) holds on the target build: the compiler folds it the same way. Undefined
 * unless the build's facts decide every part; a variable is never decided.
 */
export function cConditionHolds(cond: SyntaxNode, target: PreprocTarget): Tri {
  const env = envOf(target);
  return env.hasFacts ? truth(cond, env, true) : undefined;
}

/** The text a flag set's path shows for an arm nothing here decides ("#ifdef X", "#if defined(Y)"). */
export function armText(node: SyntaxNode): string {
  const cond = field(node, 'condition') ?? field(node, 'name');
  const directive = node.text.match(/^#\s*(\w+)/)?.[1] ?? 'if';
  return `#${directive} ${cond?.text ?? ''}`.trim();
}

/**
 * False when `node` sits in an arm the target build does not compile (a decided condition that
 * fails, or an `#else`/`#elif` after one that holds); true otherwise.
 */
export function compiledOn(node: SyntaxNode, target: PreprocTarget): boolean {
  const env = envOf(target);
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (!ARM_NODES.has(parent.type)) continue;
    const alternative = field(parent, 'alternative');
    const inAlternative = alternative !== null && alternative !== undefined && alternative.startIndex <= child.startIndex && child.endIndex <= alternative.endIndex;
    const holds = conditionHolds(parent, env);
    if (inAlternative ? holds === true : holds === false) return false;
  }
  return true;
}

/**
 * False when `node` sits in an `if` arm the build's facts rule out (`if (IS_ENABLED(CONFIG_X))` with
 * X unset): code the compiler drops, as it drops an `#ifdef` arm. True without facts.
 */
export function liveOn(node: SyntaxNode, target: PreprocTarget): boolean {
  const env = envOf(target);
  if (!env.hasFacts) return true;
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (parent.type !== 'if_statement') continue;
    const cond = field(parent, 'condition');
    if (!cond || (cond.startIndex <= child.startIndex && child.endIndex <= cond.endIndex)) continue;
    const holds = truth(cond, env, true);
    if (holds === undefined) continue;
    const alternative = field(parent, 'alternative');
    const inAlternative = alternative !== null && alternative !== undefined && alternative.startIndex <= child.startIndex && child.endIndex <= alternative.endIndex;
    if (inAlternative ? holds : !holds) return false;
  }
  return true;
}
