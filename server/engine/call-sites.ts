// Finds the GUP/PUP calls of a file and resolves their flag sets.
import { entryPointAt, isEntryPointName, ENTRY_POINTS, type ResolvedEntryPoint } from './entry-points.js';
import type { TextIndex } from './edits.js';
import type { FlagFlow, FlowValue, Cond } from './flag-flow.js';
import type { AnalyzedCall } from './rules/rule.js';
import { callArguments, descendantsOf, enclosingFunction, field, functionName, unwrap, type SyntaxNode } from './syntax.js';
import type { CallSite, FlagSet } from './types.js';
import { sharedList, sharedString } from './shared-values.js';

/** Every call_expression whose callee is an entry point, in source order. */
export function findEntryCalls(root: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const call of descendantsOf(root, 'call_expression')) {
    const fn = field(call, 'function');
    if (fn?.type === 'identifier' && isEntryPointName(fn.text)) out.push(call);
  }
  return out.sort((a, b) => a.startIndex - b.startIndex);
}

/**
 * The entry point as the call uses it. When the argument count fits another kernel's signature
 * (6.1 code read against 6.12, say), that signature's argument positions are used, so the flags
 * are still found.
 */
export function resolveForCall(name: string, kernel: string, argCount: number): ResolvedEntryPoint {
  const entry = entryPointAt(name, kernel)!;
  if (entry.params.length === argCount) return entry;
  for (const other of ['6.1', '6.12']) {
    const alt = entryPointAt(name, other)!;
    if (alt.params.length === argCount) return { ...entry, params: alt.params, flagsArg: alt.flagsArg, pagesArg: alt.pagesArg };
  }
  return entry;
}

export function analyzeCall(call: SyntaxNode, kernel: string, flow: FlagFlow, index: TextIndex): AnalyzedCall {
  const nameNode = field(call, 'function')!;
  const args = callArguments(call);
  const entry = resolveForCall(nameNode.text, kernel, args.length);
  const flagsArg = entry.flagsArg !== undefined ? args[entry.flagsArg] : undefined;
  const pagesArg = entry.pagesArg !== undefined ? args[entry.pagesArg] : undefined;
  const values: FlowValue[] = flagsArg ? flow.valuesAt(call, flagsArg) : [];
  const fn = enclosingFunction(call);
  const pagesNull = pagesArg !== undefined && /^(NULL|0)$/.test(unwrap(pagesArg).text);
  const implied = [...entry.adds, ...(pagesNull ? [] : entry.addsWithPages)];
  // memfd_pin_folios has no flags argument: FOLL_LONGTERM is part of what it does.
  const range = index.range(nameNode.startIndex, nameNode.endIndex);
  const site: CallSite = {
    callee: sharedString(nameNode.text),
    family: entry.family,
    range,
    // The call starts with its name: one Position for both (positions are never changed in place).
    callRange: call.startIndex === nameNode.startIndex ? { start: range.start, end: index.positionAt(call.endIndex) } : index.range(call.startIndex, call.endIndex),
    flagsArgRange: flagsArg ? index.range(flagsArg.startIndex, flagsArg.endIndex) : undefined,
    function: fn ? nameOf(fn, index) : undefined,
    flagSets: values.map((v) => toFlagSet(v, index)),
    impliedFlags: sharedList([...new Set(implied)].sort()),
  };
  return { node: call, nameNode, entry, args, flagsArg, pagesArg, fn, values, site };
}

// The calls of one function come one after another: they share its name (one string per function).
const lastFunction = new WeakMap<TextIndex, { start: number; name: string | undefined }>();

function nameOf(fn: SyntaxNode, index: TextIndex): string | undefined {
  const last = lastFunction.get(index);
  if (last?.start === fn.startIndex) return last.name;
  const name = functionName(fn);
  lastFunction.set(index, { start: fn.startIndex, name });
  return name;
}

export function toFlagSet(value: FlowValue, index: TextIndex): FlagSet {
  const origins = [...value.flags.values()].flat().map((t) => ({
    flag: sharedString(t.flag),
    range: index.range(t.loc.start, t.loc.end),
    text: index.lineAt(t.loc.start),
  }));
  origins.sort((a, b) => a.range.start.row - b.range.start.row || a.range.start.column - b.range.start.column);
  const set: FlagSet = {
    flags: sharedList([...value.flags.keys()].sort()),
    unknown: sharedList([...new Set(value.unknown.map((u) => u.text.replace(/\s+/g, ' ')))]),
    origins,
  };
  const path = describePath(value.conds);
  if (path) set.path = sharedString(path);
  return set;
}

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

/** Every entry-point name, for the byte prefilter of whole-tree scans. */
export const ENTRY_POINT_NAMES: readonly string[] = ENTRY_POINTS.map((e) => e.name);

const MENTION = new RegExp(`\\b(?:${[...ENTRY_POINT_NAMES].sort((a, b) => b.length - a.length).join('|')})\\s*\\(`);

/** Whether the text can hold a call of an entry point (a cheap test before parsing or walking). */
export function mentionsEntryPoint(text: string): boolean {
  return MENTION.test(text);
}
