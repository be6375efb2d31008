// Calls through the project's own wrappers, and the wrappers a file defines.
//
// Out-of-tree drivers rarely call an entry point directly: a compat header picks it per kernel
// (`#define DRV_PIN_USER_PAGES(a, n, f, p) pin_user_pages(a, n, f, p, NULL)`), a `static inline`
// in a header adds FOLL_LONGTERM, a function in another .c file passes its `gup_flags` on. The
// project index (server/index/) collects every such wrapper as a WrapperDef (plain data: which
// entry point, which of its parameters carries the flags, the flags it adds itself); the analysis
// of a file that calls one lists the call as a call of the entry point, `via` the wrapper, with
// the caller's flags and the wrapper's together.
//
// A wrapper's summary is computed with its parameters kept symbolic (FlowContext.symbolicParams);
// a call through it evaluates the caller's argument where the caller wrote it, so a fix of a flag
// the caller passes edits the caller, and a flag written inside the wrapper is never edited from
// the caller's file (FlagTerm.foreign).
import type { Language } from 'web-tree-sitter';
import type { TextIndex } from './edits.js';
import { ENTRY_POINT_NAMES, isEntryPointName, mentionsEntryPoint } from './entry-point-table.js';
import { describePath, type FlagFlow, type FlagTerm, type FlowValue, type Loc, type UnknownTerm } from './flag-flow.js';
import { armText, compiledOn, conditionHolds } from './preproc-version.js';
import { scratchParse } from './scratch-parser.js';
import { callArguments, callName, descendantsOf, field, isStatic, named, parameterNames, unwrap, type SyntaxNode } from './syntax.js';
import type { WrapperDef, WrapperFlagPath } from './types.js';

/** The project's wrappers by name. */
export type WrapperTable = ReadonlyMap<string, readonly WrapperDef[]>;

export function wrapperTable(defs: Iterable<WrapperDef>): Map<string, WrapperDef[]> {
  const table = new Map<string, WrapperDef[]>();
  for (const def of defs) {
    // An entry point's own definition (access_process_vm() calls access_remote_vm()) is not a wrapper.
    if (isEntryPointName(def.name)) continue;
    (table.get(def.name) ?? table.set(def.name, []).get(def.name)!).push(def);
  }
  return table;
}

/** The definitions of `name` that a call with `argCount` arguments can be. */
export function fittingDefs(table: WrapperTable | undefined, name: string, argCount: number): WrapperDef[] {
  return (table?.get(name) ?? []).filter((d) => d.kind === 'alias' || d.arity === argCount);
}

/** A call through one wrapper definition, resolved: the entry point's arguments and the flag values. */
export interface ThroughWrapper {
  def: WrapperDef;
  /** The entry point's arguments as the caller wrote them, where the wrapper passes one through. */
  entryArgs: (SyntaxNode | undefined)[];
  /** The caller's argument that carries the flags, if one does. */
  flagsArg?: SyntaxNode;
  values: FlowValue[];
}

/**
 * The flag values a call through `def` passes the entry point: the caller's argument (evaluated by
 * `evalArg`, where the caller wrote it) joined with what the wrapper adds on each of its paths.
 * `at` is where the wrapper's own flags are anchored in the caller's file (the wrapper's name).
 */
export function throughWrapper(def: WrapperDef, args: readonly SyntaxNode[], evalArg: (arg: SyntaxNode) => FlowValue[], at: Loc): ThroughWrapper {
  const entryArgs = def.argMap.map((j) => (j === null ? undefined : args[j]));
  const values: FlowValue[] = [];
  let flagsArg: SyntaxNode | undefined;
  for (const path of def.flagPaths) {
    const own = wrapperValue(def, path, at);
    if (path.fromParam === undefined) {
      values.push(own);
      continue;
    }
    const arg = args[path.fromParam];
    flagsArg ??= arg;
    if (!arg) {
      values.push({ ...own, unknown: [...own.unknown, { text: def.name, loc: at, reason: `argument ${path.fromParam + 1} of ${def.name} missing` }] });
      continue;
    }
    for (const v of evalArg(arg)) values.push(joinValues(v, own));
  }
  return { def, entryArgs, flagsArg, values };
}

function wrapperValue(def: WrapperDef, path: WrapperFlagPath, at: Loc): FlowValue {
  const flags = new Map<string, FlagTerm[]>();
  for (const f of path.flags) {
    const term: FlagTerm = {
      flag: f.flag,
      loc: at,
      macro: def.name,
      foreign: { path: f.path ?? def.path, range: f.range, text: f.text, listedThere: f.listedThere ?? def.kind === 'function' },
    };
    (flags.get(f.flag) ?? flags.set(f.flag, []).get(f.flag)!).push(term);
  }
  const unknown: UnknownTerm[] = path.unknown.map((text) => ({ text, loc: at, reason: `inside ${def.name} (${def.path}:${def.line})` }));
  const conds = [def.arm, path.path].filter((c): c is string => !!c).map((text) => ({ text, negated: false }));
  return { flags, unknown, conds };
}

function joinValues(a: FlowValue, b: FlowValue): FlowValue {
  const flags = new Map(a.flags);
  for (const [flag, terms] of b.flags) flags.set(flag, [...(flags.get(flag) ?? []), ...terms]);
  return { flags, unknown: [...a.unknown, ...b.unknown], conds: [...a.conds, ...b.conds] };
}

// ---- the wrappers a file defines ------------------------------------------------------------

/** A call the analysis resolved, as the wrapper collection needs it. */
export interface CollectedCall {
  node: SyntaxNode;
  fn?: SyntaxNode;
  /** The entry point's name, its argument count as used, and the wrappers in between. */
  entry: string;
  entryArgCount: number;
  via: string[];
  /** The entry point's arguments as written at this call (through wrappers, where passed on). */
  entryArgs: (SyntaxNode | undefined)[];
  /** The values with the function's parameters kept symbolic. */
  symbolic: () => FlowValue[];
}

export interface CollectContext {
  root: SyntaxNode;
  language: Language;
  index: TextIndex;
  kernel: string;
  /** The file's path as the project index names it. */
  path: string;
  /** The file's flag flow, for evaluating a macro's body with its parameters bound. */
  flow: FlagFlow;
  wrappers?: WrapperTable;
  /** The flags argument's index of an entry point called with `argCount` arguments (call-sites.ts resolveForCall). */
  flagsArgOf(entry: string, argCount: number): number | undefined;
}

/**
 * The wrappers defined in a file: functions whose entry call's flags come from one of their
 * parameters (a `static` one only in a header, where other files include it), and function-like
 * or object-like macros whose value calls an entry point or another wrapper.
 */
export function collectWrappers(ctx: CollectContext, calls: readonly CollectedCall[]): WrapperDef[] {
  return [...functionWrappers(ctx, calls), ...macroWrappers(ctx)];
}

function functionWrappers(ctx: CollectContext, calls: readonly CollectedCall[]): WrapperDef[] {
  const out: WrapperDef[] = [];
  const header = /\.h$/i.test(ctx.path);
  for (const call of calls) {
    const fn = call.fn;
    const declarator = fn && functionDeclaratorName(fn);
    if (!fn || !declarator || isEntryPointName(declarator) || (isStatic(fn) && !header)) continue;
    const values = call.symbolic();
    if (!values.some((v) => v.unknown.some((u) => u.param !== undefined))) continue;
    const params = parameterNames(fn);
    out.push({
      name: declarator,
      kind: 'function',
      path: ctx.path,
      line: fn.startPosition.row + 1,
      arity: params.length,
      entry: call.entry,
      via: call.via,
      entryArgs: call.entryArgCount,
      argMap: call.entryArgs.map((a) => paramIndex(a, params)),
      flagPaths: values.map((v) => flagPath(v, ctx, true)),
      ...armOf(fn, ctx.kernel),
    });
  }
  return out;
}

const PREFIX = 'int __pinsight_wrapper = ';

function macroWrappers(ctx: CollectContext): WrapperDef[] {
  const out: WrapperDef[] = [];
  for (const def of descendantsOf(ctx.root, ['preproc_def', 'preproc_function_def'])) {
    const name = field(def, 'name')?.text;
    const value = field(def, 'value');
    if (!name || !value || isEntryPointName(name) || !compiledOn(def, ctx.kernel)) continue;
    const line = def.startPosition.row + 1;
    const arm = armOf(def, ctx.kernel);
    if (def.type === 'preproc_def') {
      // `#define DRV_PIN_USER_PAGES pin_user_pages`: the entry point (or a wrapper) under another name.
      const target = value.text.trim().replace(/^\((\w+)\)$/, '$1');
      if (isEntryPointName(target)) out.push({ name, kind: 'alias', path: ctx.path, line, entry: target, via: [], entryArgs: -1, argMap: [], flagPaths: [], ...arm });
      else for (const inner of ctx.wrappers?.get(target) ?? []) out.push({ ...inner, name, path: ctx.path, line, via: [target, ...inner.via], ...arm });
      continue;
    }
    // Only a value that calls an entry point or a wrapper is parsed (a header has hundreds of macros).
    if (!mentionsEntryPoint(value.text) && !mentionsWrapper(value.text, ctx.wrappers)) continue;
    const params = named(field(def, 'parameters')!).filter((p) => p.type === 'identifier').map((p) => p.text);
    const tree = scratchParse(ctx.language, PREFIX + value.text + ';');
    if (!tree) continue;
    try {
      const delta = value.startIndex - PREFIX.length;
      const bindings = new Map<string, FlowValue>(params.map((p, j) => [p, { flags: new Map(), unknown: [{ text: p, loc: { start: 0, end: 0 }, reason: `parameter '${p}'`, param: j }], conds: [] }]));
      const evalArg = (node: SyntaxNode) => ctx.flow.evaluateBound(node, bindings, delta);
      const call = descendantsOf(tree.rootNode, 'call_expression').find((c) => {
        const callee = callName(c);
        return callee !== undefined && (isEntryPointName(callee) || (ctx.wrappers?.has(callee) ?? false));
      });
      if (!call) continue;
      const callee = callName(call)!;
      const args = callArguments(call);
      if (isEntryPointName(callee)) {
        const flagsAt = ctx.flagsArgOf(callee, args.length);
        const values = flagsAt === undefined ? [] : evalArg(args[flagsAt]!);
        out.push({
          name, kind: 'macro', path: ctx.path, line, arity: params.length, entry: callee, via: [], entryArgs: args.length,
          argMap: args.map((a) => paramIndex(a, params)),
          flagPaths: values.map((v) => flagPath(v, ctx, false)),
          ...arm,
        });
        continue;
      }
      for (const inner of fittingDefs(ctx.wrappers, callee, args.length)) {
        if (inner.kind === 'alias') continue; // an alias of an alias: rare, and its arguments are the entry point's
        const through = throughWrapper(inner, args, evalArg, { start: def.startIndex, end: def.startIndex });
        out.push({
          name, kind: 'macro', path: ctx.path, line, arity: params.length, entry: inner.entry, via: [callee, ...inner.via], entryArgs: inner.entryArgs,
          argMap: through.entryArgs.map((a) => paramIndex(a, params)),
          flagPaths: through.values.map((v) => flagPath(v, ctx, false)),
          ...arm,
        });
      }
    } finally {
      tree.delete();
    }
  }
  return out;
}

/** One value of a wrapper's entry call as a path of its summary. */
function flagPath(v: FlowValue, ctx: CollectContext, inFunction: boolean): WrapperFlagPath {
  const flags = [...v.flags.values()].flat().map((t) => ({
    flag: t.flag,
    range: t.foreign ? t.foreign.range : ctx.index.range(t.loc.start, t.loc.end),
    text: t.foreign ? t.foreign.text : ctx.index.lineAt(t.loc.start),
    ...(t.foreign ? { path: t.foreign.path, listedThere: t.foreign.listedThere } : inFunction ? { listedThere: true } : {}),
  }));
  const param = v.unknown.find((u) => u.param !== undefined)?.param;
  const path = describePath(v.conds);
  return {
    flags,
    ...(param !== undefined ? { fromParam: param } : {}),
    unknown: v.unknown.filter((u) => u.param === undefined).map((u) => u.text),
    ...(path ? { path } : {}),
  };
}

function paramIndex(arg: SyntaxNode | undefined, params: readonly (string | undefined)[]): number | null {
  if (!arg) return null;
  const inner = unwrap(arg);
  const j = inner.type === 'identifier' ? params.indexOf(inner.text) : -1;
  return j >= 0 ? j : null;
}

/** The conditional arm a definition sits in when the target kernel does not decide it. */
function armOf(node: SyntaxNode, kernel: string): { arm?: string } {
  const arms: string[] = [];
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (!['preproc_if', 'preproc_ifdef', 'preproc_elif', 'preproc_elifdef', 'preproc_else'].includes(parent.type)) continue;
    const alternative = field(parent, 'alternative');
    const inAlternative = !!alternative && alternative.startIndex <= child.startIndex && child.endIndex <= alternative.endIndex;
    if (inAlternative || parent.type === 'preproc_else' || conditionHolds(parent, kernel) !== undefined || isIncludeGuard(parent)) continue;
    arms.unshift(armText(parent));
  }
  // An #else arm says so through the #if it belongs to.
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    const alternative = field(parent, 'alternative');
    if (alternative && alternative.startIndex <= child.startIndex && child.endIndex <= alternative.endIndex && conditionHolds(parent, kernel) === undefined && parent.type !== 'preproc_else') {
      arms.unshift(`#else of ${armText(parent)}`);
    }
  }
  return arms.length ? { arm: arms.join(' && ') } : {};
}

/** `#ifndef _X_H` whose first line is `#define _X_H`: a header's include guard, not a choice. */
function isIncludeGuard(node: SyntaxNode): boolean {
  if (node.type !== 'preproc_ifdef' || !/^#\s*ifndef/.test(node.text)) return false;
  const name = field(node, 'name')?.text;
  const first = named(node).find((c) => c.type !== 'comment' && c.text !== name);
  return first?.type === 'preproc_def' && field(first, 'name')?.text === name;
}

function functionDeclaratorName(fn: SyntaxNode): string | undefined {
  let d = field(fn, 'declarator');
  while (d && d.type !== 'function_declarator') d = field(d, 'declarator');
  const id = d && field(d, 'declarator');
  return id?.type === 'identifier' ? id.text : undefined;
}

const namePatterns = new WeakMap<WrapperTable, RegExp>();

const DEFINES_WRAPPER = new RegExp(`^[ \\t]*#[ \\t]*define[ \\t]+\\w+(?:[^\\n\\\\]|\\\\[\\s\\S])*\\b(?:${[...ENTRY_POINT_NAMES].sort((a, b) => b.length - a.length).join('|')})\\b`, 'm');

/** Whether a text #defines a macro whose value names an entry point (a wrapper, or an alias, of it). */
export function definesEntryMacro(text: string): boolean {
  return DEFINES_WRAPPER.test(text);
}
const ALIAS_DEFINE = /#\s*define\s+\w+\s+\(?\s*(?:get|pin)_user_pages\w*\s*\)?\s*$/m;

/**
 * Whether a text can call one of the wrappers (or, when wrappers are being collected, defines an
 * alias of an entry point): the cheap test before a parse, as mentionsEntryPoint() is for entry points.
 */
export function mentionsWrapper(text: string, wrappers: WrapperTable | undefined, collecting = false): boolean {
  if (collecting && ALIAS_DEFINE.test(text)) return true;
  if (!wrappers || wrappers.size === 0) return false;
  let pattern = namePatterns.get(wrappers);
  if (!pattern) {
    const names = [...wrappers.keys()].sort((a, b) => b.length - a.length).map((n) => n.replace(/[^\w]/g, ''));
    pattern = new RegExp(`\\b(?:${names.join('|')})\\s*\\(`);
    namePatterns.set(wrappers, pattern);
  }
  return pattern.test(text);
}
