// Which arm of an `#if` the target kernel compiles. Out-of-tree drivers pick entry points and flags
// per kernel with `#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)`: those conditions are decided
// here for the target kernel (include/generated/uapi/linux/version.h: KERNEL_VERSION(a, b, c) is
// (a << 16) + (b << 8) + c, clamped at 255 for c). Anything else (configure-test macros such as
// `#ifdef DRV_HAS_ARG`, CONFIG_*) is undecided: both arms stay, and the flag flow says which arm a
// flag set came through.
import { field, named, type SyntaxNode } from './syntax.js';

/** true, false, or undefined when the target kernel does not decide it. */
export type Tri = boolean | undefined;

const COND_NODES = new Set(['preproc_if', 'preproc_elif']);
const ARM_NODES = new Set(['preproc_if', 'preproc_elif', 'preproc_ifdef', 'preproc_elifdef']);

/** A kernel "6.1" as LINUX_VERSION_CODE, with the sublevel unknown: [low, high] over its stable series. */
function versionRange(kernel: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(kernel);
  if (!m) return undefined;
  const base = (Number(m[1]) << 16) + (Number(m[2]) << 8);
  return [base, base + 255];
}

/** A value in a preprocessor expression: an exact number, a range (LINUX_VERSION_CODE), or unknown. */
type Value = { lo: number; hi: number } | undefined;

function evaluate(node: SyntaxNode, kernel: [number, number]): Value {
  switch (node.type) {
    case 'parenthesized_expression': {
      const inner = named(node)[0];
      return inner ? evaluate(inner, kernel) : undefined;
    }
    case 'number_literal': {
      const n = Number.parseInt(node.text.replace(/[uUlL]+$/, ''), node.text.startsWith('0x') || node.text.startsWith('0X') ? 16 : 10);
      return Number.isFinite(n) ? { lo: n, hi: n } : undefined;
    }
    case 'identifier':
      return node.text === 'LINUX_VERSION_CODE' ? { lo: kernel[0], hi: kernel[1] } : undefined;
    case 'call_expression': {
      if (field(node, 'function')?.text !== 'KERNEL_VERSION') return undefined;
      const args = named(field(node, 'arguments') ?? node).map((a) => evaluate(a, kernel));
      if (args.length !== 3 || args.some((a) => !a || a.lo !== a.hi)) return undefined;
      const [a, b, c] = args.map((x) => x!.lo) as [number, number, number];
      const v = (a << 16) + (b << 8) + Math.min(c, 255);
      return { lo: v, hi: v };
    }
    case 'unary_expression': {
      const op = field(node, 'operator')?.text;
      const arg = field(node, 'argument');
      if (op !== '!' || !arg) return undefined;
      const t = truth(arg, kernel);
      return t === undefined ? undefined : { lo: t ? 0 : 1, hi: t ? 0 : 1 };
    }
    case 'binary_expression': {
      const op = field(node, 'operator')?.text;
      const left = field(node, 'left');
      const right = field(node, 'right');
      if (!op || !left || !right) return undefined;
      if (op === '&&' || op === '||') {
        const l = truth(left, kernel);
        const r = truth(right, kernel);
        const t = op === '&&' ? (l === false || r === false ? false : l && r ? true : undefined) : l === true || r === true ? true : l === false && r === false ? false : undefined;
        return t === undefined ? undefined : { lo: t ? 1 : 0, hi: t ? 1 : 0 };
      }
      const l = evaluate(left, kernel);
      const r = evaluate(right, kernel);
      if (!l || !r) return undefined;
      const t = compare(op, l, r);
      return t === undefined ? undefined : { lo: t ? 1 : 0, hi: t ? 1 : 0 };
    }
    default:
      return undefined; // defined(X), other macros, casts: not decided by the kernel version
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

function truth(node: SyntaxNode, kernel: [number, number]): Tri {
  const v = evaluate(node, kernel);
  if (!v) return undefined;
  if (v.lo === 0 && v.hi === 0) return false;
  if (v.lo > 0 || v.hi < 0) return true;
  return undefined;
}

/** Whether the target kernel takes the arm that follows this `#if`/`#elif`'s condition. */
export function conditionHolds(node: SyntaxNode, kernel: string): Tri {
  if (!COND_NODES.has(node.type)) return undefined;
  const cond = field(node, 'condition');
  const range = versionRange(kernel);
  return cond && range ? truth(cond, range) : undefined;
}

/** The text a flag set's path shows for an arm nothing here decides ("#ifdef X", "#if defined(Y)"). */
export function armText(node: SyntaxNode): string {
  const cond = field(node, 'condition') ?? field(node, 'name');
  const directive = node.text.match(/^#\s*(\w+)/)?.[1] ?? 'if';
  return `#${directive} ${cond?.text ?? ''}`.trim();
}

/**
 * False when `node` sits in an arm the target kernel does not compile (a decided `#if` whose
 * condition fails, or an `#else`/`#elif` after one that holds); true otherwise.
 */
export function compiledOn(node: SyntaxNode, kernel: string): boolean {
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (!ARM_NODES.has(parent.type)) continue;
    const alternative = field(parent, 'alternative');
    const inAlternative = alternative !== null && alternative !== undefined && alternative.startIndex <= child.startIndex && child.endIndex <= alternative.endIndex;
    const holds = conditionHolds(parent, kernel);
    if (inAlternative ? holds === true : holds === false) return false;
  }
  return true;
}
