// Which FOLL_* flag sets can reach a call's flags argument, one set per path through the caller.
//
// The flow runs the enclosing function's statements in order up to the call, tracking only the
// variables the flags argument depends on. Each "state" is one path: a condition list and the
// value of every tracked variable. An if/else or a ternary forks states; a switch forks one state
// per case; a loop that does not hold the call runs zero or one time; a return or goto ends a path.
// A function parameter is resolved through the calls of that function in the same file (one
// level). Whatever cannot be resolved (a struct field, a call's result, a parameter from another
// file) becomes an explicit `unknown` part of the set, never a guess.
import type { MacroTable } from './macros.js';
import type { CrossFileCaller, FlagSet } from './types.js';
import { armText, cConditionHolds, conditionHolds } from './preproc-version.js';
import type { PreprocEnv } from './macro-facts.js';
import {
  callArguments,
  callName,
  contains,
  declaredName,
  descendantsOf,
  enclosingFunction,
  field,
  functionName,
  isStatic,
  named,
  parameterNames,
  unwrap,
  type SyntaxNode,
} from './syntax.js';

/** Offsets in the analysed file. */
export interface Loc {
  start: number;
  end: number;
}

/** One FOLL_* token that contributes a flag. */
export interface FlagTerm {
  flag: string;
  loc: Loc;
  /** The token's node when it sits in the file's own tree (not inside a macro's value). */
  node?: SyntaxNode;
  /** The macro the token came through, if any. */
  macro?: string;
  /**
   * Set when the flag is not a FOLL_ name but a pre-4.9 `int write` argument: a literal 1 or a
   * boolean expression, which is FOLL_WRITE only because FOLL_WRITE is 1 on every kernel.
   */
  legacy?: 'literal' | 'boolean';
  /**
   * Set when the flag is written in another file, inside a wrapper the call goes through
   * (wrappers.ts): `loc` is then the wrapper's name at the call, and no fix edits the term.
   * `listedThere`: the wrapper is a function whose own entry call is analysed in its file, so the
   * findings about this flag are reported there, once, not at every caller.
   */
  foreign?: { path: string; range: import('./types.js').Range; text: string; listedThere: boolean };
}

export interface UnknownTerm {
  text: string;
  loc: Loc;
  reason: string;
  /** A parameter of the enclosing function, kept symbolic (FlowContext.symbolicParams). */
  param?: number;
}

export interface Cond {
  /** The condition as written ("!umem->writable", "case DMA_FROM_DEVICE", "via f()"). */
  text: string;
  negated: boolean;
  node?: SyntaxNode;
}

/** One value along one path: the flags with where each came from, and what is unknown. */
export interface FlowValue {
  flags: Map<string, FlagTerm[]>;
  unknown: UnknownTerm[];
  conds: Cond[];
  /** Set when the value is `~X`: what `& ~X` removes. */
  complementOf?: FlowValue;
}

export interface FlowContext {
  root: SyntaxNode;
  macros: MacroTable;
  /** Calls by callee name in the file, for resolving parameters through callers. */
  callsByName: Map<string, SyntaxNode[]>;
  /** Function definitions by name in the file. */
  functions: Map<string, SyntaxNode>;
  /** The target kernel, which decides `#if LINUX_VERSION_CODE ...` arms (preproc-version.ts). */
  kernel?: string;
  /** The build's preprocessor facts besides the kernel (macro-facts.ts); `kernel` alone when absent. */
  preproc?: PreprocEnv;
  /** Told each function whose callers resolveParameter looks at (AnalyzeOptions.onCallersWanted). */
  callersWanted?: (functionName: string) => void;
  /**
   * Parameters stay symbolic (an unknown that names the parameter's index) instead of being
   * followed into callers: how a wrapper's summary is computed (wrappers.ts).
   */
  symbolicParams?: boolean;
  /**
   * The calls of a function from other files of the project (server/index/), for a parameter whose
   * callers are not all in this file; the values they pass name where they are written.
   */
  crossFileCallers?: (functionName: string) => readonly CrossFileCaller[] | undefined;
}

const MAX_STATES = 64;
const MAX_MACRO_DEPTH = 64;
const FLAG = /^FOLL_[A-Z0-9_]+$/;

function emptyValue(): FlowValue {
  return { flags: new Map(), unknown: [], conds: [] };
}

function join(a: FlowValue, b: FlowValue): FlowValue {
  const flags = new Map(a.flags);
  for (const [flag, terms] of b.flags) flags.set(flag, [...(flags.get(flag) ?? []), ...terms]);
  return { flags, unknown: [...a.unknown, ...b.unknown], conds: [...a.conds, ...b.conds] };
}

function product(xs: FlowValue[], ys: FlowValue[]): FlowValue[] {
  const out: FlowValue[] = [];
  for (const x of xs) for (const y of ys) if (out.length < MAX_STATES) out.push(join(x, y));
  return out;
}

function withConds(values: FlowValue[], conds: Cond[]): FlowValue[] {
  return values.map((v) => ({ ...v, conds: [...conds, ...v.conds] }));
}

export function valueKey(v: FlowValue): string {
  return [...v.flags.keys()].sort().join('|') + '?' + v.unknown.map((u) => u.text).sort().join('|');
}

interface State {
  env: Map<string, FlowValue>;
  conds: Cond[];
}

/** Evaluation scope: the function we are in, how deep in caller resolution, and node offsets. */
interface Scope {
  fn?: SyntaxNode;
  params: (string | undefined)[];
  depth: number;
  /** Added to node offsets (non-zero for nodes of a macro's own tree). */
  delta: number;
  macro?: string;
  /** Macros being expanded, against recursion. */
  expanding: Set<string>;
}

export class FlagFlow {
  private readonly paramCache = new Map<string, FlowValue[]>();

  constructor(private readonly ctx: FlowContext) {}

  /** The flag values that reach `arg`, an argument of `call`. */
  valuesAt(call: SyntaxNode, arg: SyntaxNode, depth = 0): FlowValue[] {
    const fn = enclosingFunction(call);
    const scope: Scope = { fn, params: fn ? parameterNames(fn) : [], depth, delta: 0, expanding: new Set() };
    const relevant = fn ? this.relevantVariables(fn, arg) : new Set<string>();
    let states: State[] = [{ env: new Map(), conds: [] }];
    const body = fn && field(fn, 'body');
    if (body && relevant.size > 0 && contains(body, call)) states = this.reach(body, call, states, scope, relevant);
    const out: FlowValue[] = [];
    const seen = new Set<string>();
    for (const state of states) {
      for (const value of this.evaluate(arg, state, scope)) {
        const full = { ...value, conds: [...state.conds, ...value.conds] };
        const key = valueKey(full);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(full);
      }
    }
    return out;
  }

  /** The values of an expression (a macro's value, in a tree of its own) with names bound to values. */
  evaluateBound(node: SyntaxNode, bindings: Map<string, FlowValue>, delta: number): FlowValue[] {
    return this.evaluate(node, { env: bindings, conds: [] }, { params: [], depth: 0, delta, expanding: new Set() });
  }

  // ---- which variables matter -------------------------------------------------------------

  /** Identifiers the argument depends on, closed over the function's assignments. */
  private relevantVariables(fn: SyntaxNode, arg: SyntaxNode): Set<string> {
    const relevant = new Set<string>();
    const addIdents = (node: SyntaxNode) => {
      for (const id of identifiersIn(node)) if (!FLAG.test(id) && !this.ctx.macros.has(id)) relevant.add(id);
    };
    addIdents(arg);
    const assignments: { name: string; value: SyntaxNode }[] = [];
    const body = field(fn, 'body');
    if (body) {
      for (const a of descendantsOf(body, ['assignment_expression', 'init_declarator'])) {
        const left = a.type === 'assignment_expression' ? field(a, 'left') : field(a, 'declarator');
        const value = a.type === 'assignment_expression' ? field(a, 'right') : field(a, 'value');
        const name = left && (left.type === 'identifier' ? left.text : a.type === 'init_declarator' ? declaredName(left) : undefined);
        if (name && value) assignments.push({ name, value });
      }
    }
    for (let changed = true; changed; ) {
      changed = false;
      for (const { name, value } of assignments) {
        if (!relevant.has(name)) continue;
        const before = relevant.size;
        addIdents(value);
        if (relevant.size !== before) changed = true;
      }
    }
    return relevant;
  }

  // ---- statements ---------------------------------------------------------------------------

  /** Runs `node` (which holds `target`) up to the target and returns the states there. */
  private reach(node: SyntaxNode, target: SyntaxNode, states: State[], scope: Scope, rel: Set<string>): State[] {
    switch (node.type) {
      case 'if_statement': {
        const cond = field(node, 'condition');
        if (cond && contains(cond, target)) return states;
        if (cond) states = this.assignmentsIn(cond, states, scope, rel);
        const consequence = field(node, 'consequence');
        const alternative = field(node, 'alternative');
        // A condition the build decides (IS_ENABLED(CONFIG_X)) is no path to name.
        const decided = this.buildDecides(cond);
        if (consequence && contains(consequence, target))
          return this.reach(consequence, target, decided !== undefined ? states : addCond(states, cond, false), scope, rel);
        if (alternative && contains(alternative, target))
          return this.reach(alternative, target, decided !== undefined ? states : addCond(states, cond, true), scope, rel);
        return states;
      }
      case 'else_clause':
      case 'compound_statement':
      case 'ERROR':
      case 'translation_unit':
        return this.reachSequence(named(node), target, states, scope, rel);
      case 'labeled_statement':
        return this.reachSequence(named(node).slice(1), target, states, scope, rel);
      case 'case_statement': {
        const value = field(node, 'value');
        const body = named(node).filter((c) => c !== value && c.type !== 'comment');
        return this.reachSequence(body, target, states, scope, rel);
      }
      case 'switch_statement': {
        const cond = field(node, 'condition');
        const body = field(node, 'body');
        if (!body || (cond && contains(cond, target))) return states;
        const cases = named(body).filter((c) => c.type === 'case_statement');
        const at = cases.findIndex((c) => contains(c, target));
        if (at < 0) return this.reachSequence(named(body), target, states, scope, rel);
        return this.reach(cases[at]!, target, addCaseCond(states, cond, cases[at]!), scope, rel);
      }
      case 'for_statement': {
        const init = field(node, 'initializer');
        if (init && !contains(init, target)) states = this.walk(init, states, scope, rel);
        const body = field(node, 'body');
        if (body && contains(body, target)) return this.reach(body, target, states, scope, rel);
        return states;
      }
      case 'while_statement':
      case 'do_statement': {
        const body = field(node, 'body');
        if (body && contains(body, target)) return this.reach(body, target, states, scope, rel);
        return states;
      }
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_else':
      case 'preproc_elif':
      case 'preproc_elifdef': {
        const alternative = field(node, 'alternative');
        const build = this.ctx.preproc ?? this.ctx.kernel;
        const holds = build ? conditionHolds(node, build) : undefined;
        const armCond = (otherArm: boolean) => (holds === undefined && node.type !== 'preproc_else' ? addArmCond(states, node, otherArm) : states);
        if (alternative && contains(alternative, target)) return this.reach(alternative, target, armCond(true), scope, rel);
        const cond = field(node, 'condition') ?? field(node, 'name');
        const body = named(node).filter((c) => c.id !== cond?.id && c.id !== alternative?.id);
        return this.reachSequence(body, target, armCond(false), scope, rel);
      }
      default:
        // The statement that holds the call: assignments before it in the same statement are rare
        // enough to ignore.
        return states;
    }
  }

  /** Whether the build's facts decide a C condition (cConditionHolds); undefined without facts. */
  private buildDecides(cond: SyntaxNode | null | undefined): boolean | undefined {
    return cond && this.ctx.preproc?.hasFacts ? cConditionHolds(cond, this.ctx.preproc) : undefined;
  }

  private reachSequence(nodes: SyntaxNode[], target: SyntaxNode, states: State[], scope: Scope, rel: Set<string>): State[] {
    for (const child of nodes) {
      if (contains(child, target)) return this.reach(child, target, states, scope, rel);
      states = this.walk(child, states, scope, rel);
    }
    return states;
  }

  /** Runs a whole statement that does not hold the target. */
  private walk(node: SyntaxNode, states: State[], scope: Scope, rel: Set<string>): State[] {
    if (states.length === 0) return states;
    // A path that returns or jumps away never reaches the call.
    if (node.type === 'return_statement' || node.type === 'goto_statement') return [];
    if (!mentionsAny(node, rel)) return states;
    switch (node.type) {
      case 'declaration': {
        for (const d of named(node)) {
          if (d.type === 'init_declarator') {
            const name = declaredName(field(d, 'declarator') ?? d);
            const value = field(d, 'value');
            if (name && rel.has(name) && value) states = this.assign(states, name, value, '=', scope);
          } else if (d.type === 'identifier' && rel.has(d.text)) {
            states = states.map((s) => setVar(s, d.text, {
              flags: new Map(),
              unknown: [{ text: d.text, loc: loc(d, scope), reason: 'declared without a value' }],
              conds: [],
            }));
          }
        }
        return states;
      }
      case 'if_statement': {
        const cond = field(node, 'condition');
        if (cond) states = this.assignmentsIn(cond, states, scope, rel);
        const consequence = field(node, 'consequence');
        const alternative = field(node, 'alternative');
        // `if (IS_ENABLED(CONFIG_X))` on a build that says: only the arm the compiler keeps.
        const decided = this.buildDecides(cond);
        if (decided === true) return consequence ? this.walk(consequence, states, scope, rel) : states;
        if (decided === false) return alternative ? this.walk(alternative, states, scope, rel) : states;
        const thenStates = consequence ? this.walk(consequence, addCond(states, cond, false), scope, rel) : addCond(states, cond, false);
        const elseStates = alternative ? this.walk(alternative, addCond(states, cond, true), scope, rel) : addCond(states, cond, true);
        // An if that changes no tracked variable (say `if (err) return err;`) adds no path. Checked
        // path by path: two arms that both assign the same value collapse the paths before them.
        const unchanged = (arm: State[]) => arm.length === 0 || (arm.length === states.length && arm.every((s, i) => envKey(s) === envKey(states[i]!)));
        if (thenStates.length + elseStates.length > 0 && unchanged(thenStates) && unchanged(elseStates)) return states;
        return merge([...thenStates, ...elseStates]);
      }
      case 'else_clause':
      case 'compound_statement':
      case 'ERROR':
        for (const child of named(node)) states = this.walk(child, states, scope, rel);
        return states;
      case 'labeled_statement':
        for (const child of named(node).slice(1)) states = this.walk(child, states, scope, rel);
        return states;
      case 'switch_statement':
        return this.walkSwitch(node, states, scope, rel);
      case 'for_statement': {
        const init = field(node, 'initializer');
        if (init) states = this.walk(init, states, scope, rel);
        const body = field(node, 'body');
        return body ? merge([...states, ...this.walk(body, states, scope, rel)]) : states;
      }
      case 'while_statement': {
        const body = field(node, 'body');
        return body ? merge([...states, ...this.walk(body, states, scope, rel)]) : states;
      }
      case 'do_statement': {
        const body = field(node, 'body');
        return body ? this.walk(body, states, scope, rel) : states;
      }
      case 'return_statement':
      case 'goto_statement':
        return [];
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_else':
      case 'preproc_elif':
      case 'preproc_elifdef': {
        // The arm the target kernel compiles when the condition is a kernel version; otherwise both
        // sides may be compiled: one path per side, each saying which arm it came through.
        const alternative = field(node, 'alternative');
        const cond = field(node, 'condition') ?? field(node, 'name');
        const build = this.ctx.preproc ?? this.ctx.kernel;
        const holds = build ? conditionHolds(node, build) : undefined;
        const decided = holds !== undefined || node.type === 'preproc_else';
        const thenArm = (from: State[]) => {
          let out = from;
          // web-tree-sitter hands out a new object per access: compare nodes by id.
          for (const child of named(node)) if (child.id !== cond?.id && child.id !== alternative?.id) out = this.walk(child, out, scope, rel);
          return out;
        };
        const elseArm = (from: State[]) => (alternative ? this.walk(alternative, from, scope, rel) : from);
        if (holds === true) return thenArm(states);
        if (holds === false) return elseArm(states);
        if (decided) return thenArm(states);
        return merge([...thenArm(addArmCond(states, node, false)), ...elseArm(addArmCond(states, node, true))]);
      }
      default:
        return this.assignmentsIn(node, states, scope, rel);
    }
  }

  private walkSwitch(node: SyntaxNode, states: State[], scope: Scope, rel: Set<string>): State[] {
    const cond = field(node, 'condition');
    const body = field(node, 'body');
    if (!body) return states;
    const cases = named(body).filter((c) => c.type === 'case_statement');
    const out: State[] = [];
    for (let k = 0; k < cases.length; k++) {
      let path = addCaseCond(states, cond, cases[k]!);
      let ended = false;
      // Fall through the following cases until a break.
      for (let j = k; j < cases.length && !ended; j++) {
        const value = field(cases[j]!, 'value');
        for (const stmt of named(cases[j]!)) {
          if (stmt === value || stmt.type === 'comment') continue;
          if (stmt.type === 'break_statement') {
            ended = true;
            break;
          }
          path = this.walk(stmt, path, scope, rel);
        }
      }
      out.push(...path);
    }
    if (!cases.some((c) => !field(c, 'value'))) out.push(...addCond(states, cond, true, 'no case of switch'));
    return merge(out);
  }

  /** Applies the assignments found anywhere inside `node`, in source order. */
  private assignmentsIn(node: SyntaxNode, states: State[], scope: Scope, rel: Set<string>): State[] {
    for (const a of descendantsOf(node, ['assignment_expression', 'pointer_expression'])) {
      if (a.type === 'pointer_expression') {
        // `&flags` handed to a function: whatever it does to the variable is unknown.
        const operand = field(a, 'argument');
        if (a.text.startsWith('&') && operand?.type === 'identifier' && rel.has(operand.text)) {
          const name = operand.text;
          states = states.map((s) => {
            const current = s.env.get(name) ?? emptyValue();
            return setVar(s, name, { ...current, unknown: [...current.unknown, { text: a.text, loc: loc(a, scope), reason: 'passed by address' }] });
          });
        }
        continue;
      }
      const left = field(a, 'left');
      const right = field(a, 'right');
      const op = field(a, 'operator')?.text ?? '=';
      if (left?.type === 'identifier' && rel.has(left.text) && right) states = this.assign(states, left.text, right, op, scope);
    }
    return states;
  }

  private assign(states: State[], name: string, value: SyntaxNode, op: string, scope: Scope): State[] {
    const out: State[] = [];
    for (const s of states) {
      const rhs = this.evaluate(value, s, scope);
      const current = (): FlowValue[] => this.evaluateName(name, value, s, scope);
      let results: FlowValue[];
      if (op === '=') results = rhs;
      else if (op === '|=' || op === '+=') results = product(current(), rhs);
      else if (op === '&=') results = current().flatMap((c) => rhs.map((r) => mask(c, r, value, scope)));
      else results = current().map((c) => ({ ...c, unknown: [...c.unknown, { text: value.text, loc: loc(value, scope), reason: `'${op}' on flags` }] }));
      for (const r of results) out.push({ env: new Map(s.env).set(name, { ...r, conds: [] }), conds: [...s.conds, ...r.conds] });
    }
    return merge(out);
  }

  // ---- expressions --------------------------------------------------------------------------

  evaluate(node: SyntaxNode, state: State, scope: Scope): FlowValue[] {
    const n = unwrap(node);
    switch (n.type) {
      case 'identifier':
        return this.evaluateName(n.text, n, state, scope);
      case 'number_literal':
        if (/^0+[uUlL]*$|^0[xX]0+[uUlL]*$/.test(n.text)) return [emptyValue()];
        // The pre-4.9 `int write` argument: 1 is FOLL_WRITE, the one flag with the same value (0x01) on every kernel.
        if (/^(0[xX]0*)?0*1[uUlL]*$/.test(n.text)) return [legacyWrite(n, scope, 'literal')];
        return [unknownValue(n, scope, 'a numeric flag value (only 1, FOLL_WRITE, means the same on every kernel)')];
      case 'true':
        return [legacyWrite(n, scope, 'literal')];
      case 'false':
        return [emptyValue()];
      case 'binary_expression': {
        const op = field(n, 'operator')?.text;
        // A comparison or logical expression is 0 or 1: `dir != DMA_TO_DEVICE` as an `int write`.
        if (op && BOOLEAN_OPERATORS.has(op)) return booleanWrite(n, scope);
        const left = field(n, 'left');
        const right = field(n, 'right');
        if (!left || !right) return [unknownValue(n, scope, 'incomplete expression')];
        if (op === '|' || op === '+') return product(this.evaluate(left, state, scope), this.evaluate(right, state, scope));
        if (op === '&') {
          const l = this.evaluate(left, state, scope);
          return l.flatMap((c) => this.evaluate(right, state, scope).map((r) => mask(c, r, right, scope)));
        }
        return [unknownValue(n, scope, `'${op}' expression`)];
      }
      case 'conditional_expression': {
        const cond = field(n, 'condition');
        const consequence = field(n, 'consequence');
        const alternative = field(n, 'alternative');
        if (!alternative) return [unknownValue(n, scope, 'incomplete conditional')];
        const c = (negated: boolean): Cond[] => (cond ? [{ text: condText(cond), negated, node: scope.delta === 0 ? cond : undefined }] : []);
        const yes = consequence ? this.evaluate(consequence, state, scope) : [unknownValue(n, scope, 'GNU ?: shorthand')];
        return [...withConds(yes, c(false)), ...withConds(this.evaluate(alternative, state, scope), c(true))].slice(0, MAX_STATES);
      }
      case 'unary_expression':
        if (field(n, 'operator')?.text === '!') return booleanWrite(n, scope);
        if (field(n, 'operator')?.text === '~') {
          const inner = this.evaluate(field(n, 'argument') ?? n, state, scope);
          return inner.map((v) => ({
            flags: new Map(),
            unknown: [{ text: n.text, loc: loc(n, scope), reason: 'a complement outside a mask' }],
            conds: v.conds,
            complementOf: v,
          }));
        }
        return [unknownValue(n, scope, 'unary expression')];
      case 'comma_expression': {
        const right = field(n, 'right');
        return right ? this.evaluate(right, state, scope) : [unknownValue(n, scope, 'comma expression')];
      }
      case 'call_expression':
        return [unknownValue(n, scope, 'the result of a call')];
      case 'field_expression':
        return [unknownValue(n, scope, 'a struct field')];
      default:
        return [unknownValue(n, scope, 'an expression pinsight does not follow')];
    }
  }

  private evaluateName(name: string, node: SyntaxNode, state: State, scope: Scope): FlowValue[] {
    if (FLAG.test(name)) {
      const term: FlagTerm = { flag: name, loc: loc(node, scope), node: scope.delta === 0 ? node : undefined, macro: scope.macro };
      return [{ flags: new Map([[name, [term]]]), unknown: [], conds: [] }];
    }
    const bound = state.env.get(name);
    if (bound) return [bound];
    // Real macro chains are a few levels deep; a chain of thousands would overflow the stack.
    const macro = !scope.expanding.has(name) && scope.expanding.size < MAX_MACRO_DEPTH ? this.ctx.macros.get(name) : undefined;
    if (macro) {
      const inner: Scope = { ...scope, delta: macro.delta, macro: scope.macro ?? name, expanding: new Set([...scope.expanding, name]) };
      return this.evaluate(macro.expr, { env: new Map(), conds: [] }, inner);
    }
    const index = scope.params.indexOf(name);
    if (index >= 0 && scope.fn) return this.resolveParameter(scope.fn, index, name, node, scope);
    return [unknownValue(node, scope, scope.fn && isLocal(scope.fn, name) ? 'a local pinsight could not follow' : 'not defined in this file')];
  }

  /** A parameter's values through the function's callers in this file (one level deep). */
  private resolveParameter(fn: SyntaxNode, index: number, name: string, node: SyntaxNode, scope: Scope): FlowValue[] {
    const fname = functionName(fn);
    const key = `${fn.startIndex}:${index}:${scope.depth}`;
    const cached = this.paramCache.get(key);
    if (cached) return cached;
    const fromOutside = (reason: string): FlowValue => unknownValue(node, scope, reason);
    let values: FlowValue[] = [];
    if (this.ctx.symbolicParams) {
      values = [{ flags: new Map(), unknown: [{ text: name, loc: loc(node, scope), reason: `parameter '${name}'`, param: index }], conds: [] }];
    } else if (scope.depth >= 1 || !fname) {
      values = [fromOutside(`parameter '${name}'`)];
    } else {
      this.ctx.callersWanted?.(fname);
      const callers = (this.ctx.callsByName.get(fname) ?? []).filter((c) => enclosingFunction(c) !== fn);
      for (const call of callers) {
        const arg = callArguments(call)[index];
        if (!arg) continue;
        const caller = enclosingFunction(call);
        const via: Cond = { text: `via ${caller ? functionName(caller) ?? '?' : '?'}()`, negated: false };
        values.push(...withConds(this.valuesAt(call, arg, scope.depth + 1), [via]));
      }
      const remote = this.ctx.crossFileCallers?.(fname) ?? [];
      for (const caller of remote) values.push(...caller.flagSets.map((set) => remoteValue(set, caller, node, scope)));
      if (values.length === 0) values = [fromOutside(`parameter '${name}' (no caller in this file)`)];
      else if (!isStatic(fn) && remote.length === 0) values.push(fromOutside(`parameter '${name}' (callers in other files)`));
    }
    values = dedupe(values).slice(0, MAX_STATES);
    this.paramCache.set(key, values);
    return values;
  }
}

/** A condition as a flag set's path shows it. */
export function describeCond(c: Cond): string {
  if (!c.negated) return c.text;
  if (/^![\w>.-]+$/.test(c.text)) return c.text.slice(1);
  if (/^[\w>.-]+$/.test(c.text)) return `!${c.text}`;
  if (c.text.startsWith('no case')) return c.text;
  return `!(${c.text})`;
}

export function describePath(conds: Cond[]): string | undefined {
  return conds.length ? conds.map(describeCond).join(' && ') : undefined;
}

// ---- helpers ----------------------------------------------------------------------------------

/**
 * A flag set that reaches a wrapper's entry call from a caller in another file: its flags are
 * written there (foreign terms, reported there), its path says which caller.
 */
function remoteValue(set: FlagSet, caller: CrossFileCaller, node: SyntaxNode, scope: Scope): FlowValue {
  const flags = new Map<string, FlagTerm[]>();
  const at = loc(node, scope);
  for (const flag of set.flags) {
    const origin = set.origins.find((o) => o.flag === flag);
    const term: FlagTerm = {
      flag,
      loc: at,
      foreign: { path: origin?.path ?? caller.path, range: origin?.range ?? { start: { row: caller.line - 1, column: 0 }, end: { row: caller.line - 1, column: 0 } }, text: origin?.text ?? '', listedThere: true },
    };
    flags.set(flag, [term]);
  }
  const unknown = set.unknown.map((text) => ({ text, loc: at, reason: `passed by ${caller.function ?? '?'}() (${caller.path}:${caller.line})` }));
  const via: Cond = { text: `via ${caller.function ?? '?'}() (${caller.path}:${caller.line})`, negated: false };
  return { flags, unknown, conds: [via, ...(set.path ? [{ text: set.path, negated: false }] : [])] };
}

/** The path through an `#if` arm that the target kernel does not decide ("#ifdef DRV_HAS_ARG"). */
function addArmCond(states: State[], node: SyntaxNode, otherArm: boolean): State[] {
  const cond: Cond = { text: otherArm ? `#else of ${armText(node)}` : armText(node), negated: false };
  return states.map((s) => ({ ...s, conds: [...s.conds, cond] }));
}

const BOOLEAN_OPERATORS = new Set(['==', '!=', '<', '>', '<=', '>=', '&&', '||']);

function legacyWrite(node: SyntaxNode, scope: Scope, legacy: 'literal' | 'boolean', conds: Cond[] = []): FlowValue {
  const term: FlagTerm = { flag: 'FOLL_WRITE', loc: loc(node, scope), node: scope.delta === 0 ? node : undefined, macro: scope.macro, legacy };
  return { flags: new Map([['FOLL_WRITE', [term]]]), unknown: [], conds };
}

/** A boolean expression as flags: FOLL_WRITE where it holds, nothing where it does not. */
function booleanWrite(node: SyntaxNode, scope: Scope): FlowValue[] {
  const cond = (negated: boolean): Cond[] => [{ text: condText(node), negated, node: scope.delta === 0 ? node : undefined }];
  return [legacyWrite(node, scope, 'boolean', cond(false)), { ...emptyValue(), conds: cond(true) }];
}

function loc(node: SyntaxNode, scope: Scope): Loc {
  return { start: node.startIndex + scope.delta, end: node.endIndex + scope.delta };
}

function unknownValue(node: SyntaxNode, scope: Scope, reason: string): FlowValue {
  return { flags: new Map(), unknown: [{ text: node.text, loc: loc(node, scope), reason }], conds: [] };
}

/** `value & ~X` removes X's flags; `value & X` keeps only X's flags (both as far as known). */
function mask(value: FlowValue, operand: FlowValue, node: SyntaxNode, scope: Scope): FlowValue {
  const removed = operand.complementOf;
  if (removed) {
    const flags = new Map([...value.flags].filter(([f]) => !removed.flags.has(f)));
    return { flags, unknown: [...value.unknown, ...removed.unknown], conds: [...value.conds, ...operand.conds] };
  }
  if (operand.unknown.length > 0) {
    return { flags: new Map(), unknown: [...value.unknown, { text: node.text, loc: loc(node, scope), reason: 'masked by an unknown value' }], conds: value.conds };
  }
  const flags = new Map([...value.flags].filter(([f]) => operand.flags.has(f)));
  return { flags, unknown: value.unknown, conds: [...value.conds, ...operand.conds] };
}

function dedupe(values: FlowValue[]): FlowValue[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = valueKey(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function setVar(s: State, name: string, value: FlowValue): State {
  return { env: new Map(s.env).set(name, value), conds: s.conds };
}

function condText(cond: SyntaxNode): string {
  const inner = cond.type === 'parenthesized_expression' ? unwrap(cond) : cond;
  return inner.text.replace(/\s+/g, ' ');
}

function addCond(states: State[], cond: SyntaxNode | undefined, negated: boolean, text?: string): State[] {
  if (!cond && !text) return states;
  const c: Cond = { text: text ?? condText(cond!), negated, node: cond };
  return states.map((s) => ({ env: s.env, conds: [...s.conds, c] }));
}

function addCaseCond(states: State[], switchCond: SyntaxNode | undefined, caseNode: SyntaxNode): State[] {
  const value = field(caseNode, 'value');
  const subject = switchCond ? condText(switchCond) : 'switch';
  const c: Cond = { text: value ? `${subject} == ${value.text}` : `default of switch (${subject})`, negated: false, node: caseNode };
  return states.map((s) => ({ env: s.env, conds: [...s.conds, c] }));
}

function envKey(s: State): string {
  return [...s.env].map(([k, v]) => `${k}=${valueKey(v)}`).sort().join(';');
}

/** Keeps one state per distinct environment (their paths differ only in conditions). */
function merge(states: State[]): State[] {
  const seen = new Set<string>();
  const out: State[] = [];
  for (const s of states) {
    const key = envKey(s);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(s);
    if (out.length >= MAX_STATES) break;
  }
  return out;
}

/**
 * The variables whose value can flow into an expression's flags: identifiers in value positions
 * (operands, ternary arms, casts), not a ternary's condition, a call's arguments or a field's base,
 * which the flow never evaluates as flags.
 */
function identifiersIn(node: SyntaxNode): string[] {
  const out: string[] = [];
  const visit = (n: SyntaxNode) => {
    switch (n.type) {
      case 'identifier':
        out.push(n.text);
        return;
      case 'conditional_expression':
        for (const name of ['consequence', 'alternative']) {
          const arm = field(n, name);
          if (arm) visit(arm);
        }
        return;
      case 'call_expression':
      case 'field_expression':
      case 'subscript_expression':
      case 'sizeof_expression':
      case 'string_literal':
        return;
      case 'cast_expression': {
        const value = field(n, 'value');
        if (value) visit(value);
        return;
      }
      default:
        for (const c of named(n)) visit(c);
    }
  };
  visit(node);
  return out;
}

function mentionsAny(node: SyntaxNode, names: Set<string>): boolean {
  const text = node.text;
  for (const name of names) if (text.includes(name)) return true;
  return false;
}

function isLocal(fn: SyntaxNode, name: string): boolean {
  const body = field(fn, 'body');
  if (!body) return false;
  return descendantsOf(body, 'init_declarator').some((d) => declaredName(d) === name) ||
    descendantsOf(body, 'declaration').some((d) => named(d).some((c) => c.type === 'identifier' && c.text === name));
}

/** Index of the calls in a file by callee name, and of function definitions by name. */
export function indexFile(root: SyntaxNode): { callsByName: Map<string, SyntaxNode[]>; functions: Map<string, SyntaxNode> } {
  const callsByName = new Map<string, SyntaxNode[]>();
  const functions = new Map<string, SyntaxNode>();
  // Lookups in the tree's one walk (descendantsOf), shared with findEntryCalls() and enclosingFunction().
  for (const n of descendantsOf(root, 'function_definition')) {
    const name = functionName(n);
    if (name && !functions.has(name)) functions.set(name, n);
  }
  for (const n of descendantsOf(root, 'call_expression')) {
    const name = callName(n);
    if (name) (callsByName.get(name) ?? callsByName.set(name, []).get(name)!).push(n);
  }
  return { callsByName, functions };
}
