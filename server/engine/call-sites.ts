// Finds the GUP/PUP calls of a file and resolves their flag sets.
import { entryPointAt, isEntryPointName, type ResolvedEntryPoint } from './entry-point-table.js';
import type { TextIndex } from './edits.js';
import { describePath, valueKey, type FlagFlow, type FlowValue } from './flag-flow.js';
import { fittingDefs, throughWrapper, type WrapperTable } from './wrappers.js';
import type { AnalyzedCall } from './rules/rule.js';
import { callArguments, descendantsOf, enclosingFunction, field, functionName, unwrap, type SyntaxNode } from './syntax.js';
import type { CallSite, FlagSet } from './types.js';

/** Every call_expression whose callee is an entry point or one of the project's wrappers, in source order. */
export function findEntryCalls(root: SyntaxNode, wrappers?: WrapperTable): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const call of descendantsOf(root, 'call_expression')) {
    const fn = field(call, 'function');
    if (fn?.type === 'identifier' && (isEntryPointName(fn.text) || wrappers?.has(fn.text))) out.push(call);
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

/**
 * The entry-point calls a call expression makes: itself when it calls an entry point, or the entry
 * point behind each of the project's wrapper definitions it can be (one per entry point: the arms
 * of a compat header may pick different ones).
 */
export function analyzeCalls(call: SyntaxNode, kernel: string, flow: FlagFlow, index: TextIndex, wrappers?: WrapperTable): AnalyzedCall[] {
  const nameNode = field(call, 'function')!;
  if (isEntryPointName(nameNode.text)) return [analyzeCall(call, kernel, flow, index)];
  const args = callArguments(call);
  const byEntry = new Map<string, AnalyzedCall>();
  const at = { start: nameNode.startIndex, end: nameNode.endIndex };
  for (const def of fittingDefs(wrappers, nameNode.text, args.length)) {
    const via = [nameNode.text, ...def.via];
    let analyzed: AnalyzedCall;
    if (def.kind === 'alias') {
      analyzed = analyzeCall(call, kernel, flow, index, { entry: def.entry, via, arm: def.arm });
    } else {
      const through = throughWrapper(def, args, (arg) => flow.valuesAt(call, arg), at);
      const entry = resolveForCall(def.entry, kernel, def.entryArgs);
      const pagesArg = entry.pagesArg !== undefined ? through.entryArgs[entry.pagesArg] : undefined;
      analyzed = callOf(call, nameNode, entry, through.entryArgs as SyntaxNode[], through.flagsArg, pagesArg, dedupeValues(through.values), index, via);
    }
    // The arms of a compat header that reach the same entry point are paths of one call.
    const known = byEntry.get(def.entry);
    if (!known) {
      byEntry.set(def.entry, analyzed);
      continue;
    }
    known.values = dedupeValues([...known.values, ...analyzed.values]);
    known.site.flagSets = known.values.map((v) => toFlagSet(v, index));
  }
  return [...byEntry.values()];
}

/** A direct call of an entry point (`through`: a call through an alias macro of it). */
export function analyzeCall(call: SyntaxNode, kernel: string, flow: FlagFlow, index: TextIndex, through?: { entry: string; via: string[]; arm?: string }): AnalyzedCall {
  const nameNode = field(call, 'function')!;
  const args = callArguments(call);
  const entry = resolveForCall(through?.entry ?? nameNode.text, kernel, args.length);
  const flagsArg = entry.flagsArg !== undefined ? args[entry.flagsArg] : undefined;
  const pagesArg = entry.pagesArg !== undefined ? args[entry.pagesArg] : undefined;
  let values: FlowValue[] = flagsArg ? flow.valuesAt(call, flagsArg) : [];
  if (through?.arm) values = values.map((v) => ({ ...v, conds: [{ text: through.arm!, negated: false }, ...v.conds] }));
  return callOf(call, nameNode, entry, args, flagsArg, pagesArg, values, index, through?.via);
}

function callOf(
  call: SyntaxNode,
  nameNode: SyntaxNode,
  entry: ResolvedEntryPoint,
  args: SyntaxNode[],
  flagsArg: SyntaxNode | undefined,
  pagesArg: SyntaxNode | undefined,
  values: FlowValue[],
  index: TextIndex,
  via: string[] | undefined,
): AnalyzedCall {
  const fn = enclosingFunction(call);
  const pagesNull = pagesArg !== undefined && /^(NULL|0)$/.test(unwrap(pagesArg).text);
  const implied = [...entry.adds, ...(pagesNull ? [] : entry.addsWithPages)];
  // memfd_pin_folios has no flags argument: FOLL_LONGTERM is part of what it does.
  const site: CallSite = {
    callee: entry.name,
    family: entry.family,
    range: index.range(nameNode.startIndex, nameNode.endIndex),
    callRange: index.range(call.startIndex, call.endIndex),
    flagsArgRange: flagsArg ? index.range(flagsArg.startIndex, flagsArg.endIndex) : undefined,
    function: fn ? functionName(fn) : undefined,
    ...(via ? { via } : {}),
    flagSets: values.map((v) => toFlagSet(v, index)),
    impliedFlags: [...new Set(implied)].sort(),
  };
  return { node: call, nameNode, entry, args, flagsArg, pagesArg, fn, values, site };
}

function dedupeValues(values: FlowValue[]): FlowValue[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = `${valueKey(v)}#${describePath(v.conds) ?? ''}`;
    return !seen.has(key) && (seen.add(key), true);
  });
}

export function toFlagSet(value: FlowValue, index: TextIndex): FlagSet {
  const origins = [...value.flags.values()].flat().map((t) =>
    t.foreign
      ? { flag: t.flag, range: t.foreign.range, text: t.foreign.text, path: t.foreign.path }
      : { flag: t.flag, range: index.range(t.loc.start, t.loc.end), text: index.lineAt(t.loc.start) },
  );
  origins.sort((a, b) => a.range.start.row - b.range.start.row || a.range.start.column - b.range.start.column);
  const set: FlagSet = {
    flags: [...value.flags.keys()].sort(),
    unknown: [...new Set(value.unknown.map((u) => u.text.replace(/\s+/g, ' ')))],
    origins,
  };
  const path = describePath(value.conds);
  if (path) set.path = path;
  return set;
}

export { ENTRY_POINT_NAMES, mentionsEntryPoint } from './entry-point-table.js';
