// The shape of a finding rule, after ESLint's rules: metadata (stable code, documentation link,
// severity per target kernel, messages by id) beside the detection and its fixes.
import type { OffsetEdit, TextIndex } from '../edits.js';
import type { FlagFlow, FlowValue } from '../flag-flow.js';
import type { ResolvedEntryPoint } from '../entry-point-table.js';
import type { MacroTable } from '../macros.js';
import type { SyntaxNode } from '../syntax.js';
import type { CallSite, Fix, KernelRange, RelatedInformation, Severity } from '../types.js';

export interface RuleMeta {
  /** Stable, public: CLI output, SARIF rule ids, editor settings. */
  code: string;
  title: string;
  /** Kernel documentation or the commit that explains the finding. */
  link: string;
  fixable: boolean;
  description: string;
  /** Message templates by id; `{name}` placeholders are filled from the report's data. */
  messages: Record<string, string>;
  /** Severity on a target kernel ("6.1", "6.12", ...). */
  severity(kernel: string): Severity;
}

/** A GUP/PUP call with everything the rules need. */
export interface AnalyzedCall {
  node: SyntaxNode;
  nameNode: SyntaxNode;
  entry: ResolvedEntryPoint;
  args: SyntaxNode[];
  flagsArg?: SyntaxNode;
  pagesArg?: SyntaxNode;
  fn?: SyntaxNode;
  /** One value per path (see flag-flow.ts); `site.flagSets` is their public form. */
  values: FlowValue[];
  site: CallSite;
}

export interface Report {
  messageId: string;
  data?: Record<string, string>;
  /** Offsets of the finding's range in the file. */
  start: number;
  end: number;
  related?: RelatedInformation[];
  fixes?: Fix[];
  /** Overrides meta.severity (e.g. a hint where the kernel accepts the call anyway). */
  severity?: Severity;
}

export interface RuleContext {
  kernel: string;
  /** The kernels the project supports, when it says (`.pinsight.json`): advice must hold on all of them. */
  kernels?: KernelRange;
  text: string;
  index: TextIndex;
  root: SyntaxNode;
  calls: AnalyzedCall[];
  macros: MacroTable;
  flow: FlagFlow;
  callsByName: Map<string, SyntaxNode[]>;
  functions: Map<string, SyntaxNode>;
  /**
   * Whether `text` (the analysed text with `edits` applied) parses with no more errors than the
   * analysed one: fixes check this. The edits let it re-parse only what they touch.
   */
  parsesCleanly(text: string, edits: readonly OffsetEdit[]): boolean;
  report(report: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}

/**
 * Whether a flag on this path is this call's to report: not when every token of it is written in a
 * wrapper function of the project whose own entry call reports it (FlagTerm.foreign, wrappers.ts),
 * so a flag is reported once, where it is written, and not at every caller of the wrapper.
 */
export function reportsFlag(value: FlowValue, flag: string): boolean {
  return value.flags.get(flag)?.some((t) => !t.foreign?.listedThere) ?? false;
}

export function formatMessage(template: string, data: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => data[key] ?? whole);
}

/**
 * Where a finding about a flag sits: on the flag's token when it is written in the calling
 * function itself, else on the callee's name (a token in a macro or in a caller is then named in
 * the related information).
 */
export function anchorOf(call: AnalyzedCall, term: { node?: SyntaxNode; loc: { start: number; end: number } } | undefined): { start: number; end: number } {
  const inCaller = term?.node && (call.fn ? call.fn.startIndex <= term.node.startIndex && term.node.endIndex <= call.fn.endIndex : true);
  return inCaller ? term!.loc : { start: call.nameNode.startIndex, end: call.nameNode.endIndex };
}

/**
 * The most a message's first sentence may take: it carries the verdict (what, on which kernel, why
 * in a clause) and is what the Problems panel and gcc-style output show first. The rest goes to the
 * related information, the hover and the rule's page (docs/rules/<code>.md).
 */
export const FIRST_SENTENCE_MAX = 150;

/** A message's first sentence: up to the first full stop followed by a space (or the end). */
export function firstSentence(message: string): string {
  const end = /\.(\s|$)/.exec(message);
  return end ? message.slice(0, end.index + 1) : message;
}

/** A detail of a finding, placed on the call it is about (related information). */
export function detailAt(call: AnalyzedCall, message: string): RelatedInformation {
  return { range: call.site.range, message };
}
