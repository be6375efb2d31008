// Version-aware documentation of the kernel symbols pinsight talks about: FOLL_* flags, GUP/PUP
// entry points, gup_must_unshare(), is_cow_mapping(), FAULT_FLAG_UNSHARE and friends.
// Editor-free: the language server renders it into hovers, anything else may print it.
import { entryPointAt, ENTRY_POINTS } from '../engine/index.js';
import { ENTRY_POINT_DOCS } from './entry-point-docs.js';
import { FLAG_DOCS } from './flags.js';
import { MM_FUNCTION_DOCS } from './mm-functions.js';
import type { Change, Era, KernelRef, SymbolDoc } from './types.js';
import { ledgerNameOn } from '../../sim-core/index.js';
import { compareKernelVersions, inVersionRange, isKernelVersion } from './version.js';

export type { Change, Era, KernelRef, SymbolDoc, SymbolKind } from './types.js';
export { compareKernelVersions, inVersionRange, isKernelVersion, parseKernelVersion } from './version.js';
export { flagSetNotes } from './flag-set-notes.js';

const BY_NAME = new Map<string, SymbolDoc>([...FLAG_DOCS, ...ENTRY_POINT_DOCS, ...MM_FUNCTION_DOCS].map((d) => [d.name, d]));
// Entry points the engine knows and these notes do not: their summary from the engine's table.
for (const e of ENTRY_POINTS) {
  if (!BY_NAME.has(e.name)) BY_NAME.set(e.name, { name: e.name, kind: 'entry-point', summary: e.summary, eras: [], changes: [] });
}

/** Every documented symbol name. */
export function documentedSymbols(): string[] {
  return [...BY_NAME.keys()];
}

export function symbolDoc(name: string): SymbolDoc | undefined {
  return BY_NAME.get(name);
}

/** A symbol as it stands on one kernel version. */
export interface SymbolOnKernel {
  doc: SymbolDoc;
  kernel: string;
  /** The era the kernel falls in; undefined when the data has none for it. */
  era: Era | undefined;
  /** Changes up to and including the target kernel. */
  past: Change[];
  /** Changes after the target kernel: what moving to a newer kernel brings. */
  later: Change[];
}

export function describeSymbol(name: string, kernel: string): SymbolOnKernel | undefined {
  const doc = BY_NAME.get(name);
  if (!doc) return undefined;
  const era = doc.eras.find((e) => inVersionRange(kernel, e.from, e.until));
  const changes = [...doc.changes].sort((a, b) => compareKernelVersions(a.version, b.version));
  return {
    doc,
    kernel,
    era,
    past: changes.filter((c) => compareKernelVersions(c.version, kernel) <= 0),
    later: changes.filter((c) => compareKernelVersions(c.version, kernel) > 0),
  };
}

const KIND_LABEL: Record<SymbolDoc['kind'], string> = {
  'gup-flag': 'GUP flag',
  'entry-point': 'GUP/PUP entry point',
  'mm-function': 'mm function',
  'fault-flag': 'fault flag',
};

/** Markdown for a hover or a terminal: what the symbol does on `kernel`, and what changed. */
export function renderSymbolMarkdown(s: SymbolOnKernel): string {
  const lines = [`**${s.doc.name}** · ${KIND_LABEL[s.doc.kind]} · target kernel **${s.kernel}**`, '', s.doc.summary, ''];
  if (s.era) {
    lines.push(`**On ${s.kernel}${s.era.absent ? ' (not present)' : ''}:** ${s.era.text}`, '');
    if (s.era.refs.length > 0) lines.push(`Kernel source: ${s.era.refs.map((r) => renderRef(r, s.kernel)).join('; ')}`, '');
  }
  const api = s.doc.kind === 'entry-point' && !s.era?.absent ? entryPointInterface(s.doc.name, s.kernel) : undefined;
  if (api) lines.push(api, '');
  if (s.later.length > 0) lines.push(`**Changes after ${s.kernel}:**`, ...s.later.map(renderChange), '');
  if (s.past.length > 0) lines.push(`**History up to ${s.kernel}:**`, ...s.past.map(renderChange), '');
  return lines.join('\n').trimEnd();
}

/** A reference as read in its tree; for a `kernel` that names or places it otherwise, that too (sim-core's name ledger). */
export function renderRef(r: KernelRef, kernel?: string): string {
  const read = `\`${r.file}\` \`${r.symbol}\` (${r.readIn} source)`;
  const there = kernel && isKernelVersion(kernel) ? ledgerNameOn(kernel, r.file, r.symbol) : undefined;
  return there && !there.ref.startsWith(`${r.file} ${r.symbol} `) ? `${read}, on ${kernel}: ${there.ref}` : read;
}

function renderChange(c: Change): string {
  // An unverified release was not read in a commit or a tree: it is not a withdrawn change.
  return `- ${c.version}${c.verified ? '' : ' (release from memory, unverified)'}: ${c.text}`;
}

/**
 * An entry point's interface on `kernel` from the engine's table (the one place that holds
 * signatures, added flags and refusals): signature, flags it adds, flags it refuses and with what.
 */
export function entryPointInterface(name: string, kernel: string): string | undefined {
  const e = entryPointAt(name, kernel);
  if (!e || !e.exists) return undefined;
  const parts = [`\`${e.name}(${e.params.join(', ')})\``];
  const adds = [...e.adds, ...e.addsWithPages.map((f) => `${f} (with pages)`)];
  if (adds.length > 0) parts.push(`adds ${adds.join(', ')}`);
  const byResult = new Map<string, string[]>();
  for (const r of e.rejects) byResult.set(r.result, [...(byResult.get(r.result) ?? []), r.flag]);
  for (const [result, flags] of byResult) parts.push(`refuses ${flags.join(', ')} (${result})`);
  return `**Interface on ${kernel}:** ${parts.join(' · ')}  \n_Declared and checked at: ${e.source}_`;
}
