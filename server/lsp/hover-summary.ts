// The opening of the call hover: at most SUMMARY_MAX_LINES lines that say what the call is, on which
// kernel, what a short-term call needs (before any verdict), one verdict line per flag set and the
// first sentence of each finding on the call. The table per memory kind, the traces and each
// finding's detail follow in the hover's second section (hover-call.ts) and the simulation view.
import type { CallSite, Finding, FlagSet } from '../engine/types.js';
import { firstSentence } from '../engine/rules/rule.js';
import type { MemoryOutcome } from '../../protocol/requests.js';
import type { PinSimulation } from './pin-outcomes.js';

export const SUMMARY_MAX_LINES = 15;
/** Flag sets and findings listed in the summary before "and N more". */
const LISTED = 3;
/** Memory kinds named in a verdict line before "…". */
const NAMED_KINDS = 3;

const SEVERITY_MARK: Record<Finding['severity'], string> = { error: '⛔', warning: '⚠️', information: 'ℹ️', hint: '💡' };

export interface SummaryInput {
  call: CallSite;
  kernel: string;
  kernelNote: string;
  /** The call's family as the title names it. */
  family: string;
  /** sim-core's answer per flag set, in the order of `call.flagSets`. */
  simulations: readonly PinSimulation[];
  findings: readonly Finding[];
}

/** Whether no flag set reaching the call asks for a long-term pin (exec, ptrace, access_process_vm, ...). */
export function isShortTerm(call: CallSite): boolean {
  return call.flagSets.every((s) => !s.flags.includes('FOLL_LONGTERM') && !call.impliedFlags.includes('FOLL_LONGTERM'));
}

export function summaryLines({ call, kernel, kernelNote, family, simulations, findings }: SummaryInput): string[] {
  const out = [`**${call.callee}()** · ${family} · target kernel **${kernel}**  `, `_${kernelNote}_`, ''];
  // A short-term call is judged by snapshot semantics: said before any "incoherent" below.
  const head = isShortTerm(call)
    ? `**Short-term** (no FOLL_LONGTERM): a snapshot of the pages at call time is all this call needs; ❌ below only means that a later write by the process is not seen through the pages taken. Flag sets:`
    : `**Flag sets**, and sim-core's verdict when the process writes after the pin:`;
  out.push(head);
  if (call.flagSets.length === 0) out.push('- _none could be resolved_');
  out.push(...listed(call.flagSets.map((set, i) => `- ${flagSetLabel(set)}: ${verdictLine(simulations[i]?.outcomes ?? [])}`), 'flag sets'));
  const shown = findings.filter((f) => !f.suppressed);
  if (shown.length > 0) {
    out.push('', '**Findings:**', ...listed(shown.map((f) => `- ${SEVERITY_MARK[f.severity]} \`${f.code}\`: ${escapeMarkdown(firstSentence(f.message))}`), 'findings'));
  }
  out.push('', '_Below: where each flag comes from, the verdict per memory kind with its trace, and what each finding means. "pinsight: Simulate pin at cursor" draws the pin._');
  return out;
}

/** Up to LISTED lines; past that, LISTED - 1 and one "and N more" line. */
function listed(lines: string[], what: string): string[] {
  if (lines.length <= LISTED) return lines;
  return [...lines.slice(0, LISTED - 1), `- _and ${lines.length - (LISTED - 1)} more ${what} below_`];
}

function flagSetLabel(set: FlagSet): string {
  const flags = set.flags.length === 0 ? '`0`' : `\`${set.flags.join('|')}\``;
  const unknown = set.unknown.length > 0 ? ` (+ unresolved ${set.unknown.map((u) => `\`${u}\``).join(', ')})` : '';
  return `${set.path ? `when \`${set.path}\`, ` : ''}${flags}${unknown}`;
}

/** One line for a flag set: the worst verdict per memory kind over the slow path and GUP-fast. */
function verdictLine(outcomes: readonly MemoryOutcome[]): string {
  if (outcomes.length === 0) return '_no verdict (sim-core has no memory kinds)_';
  const worst = (o: MemoryOutcome) => [o.slow.verdict, o.fast?.verdict].find((v) => v === 'error') ?? [o.slow.verdict, o.fast?.verdict].find((v) => v === 'incoherent') ?? [o.slow.verdict, o.fast?.verdict].find((v) => v === 'refused') ?? 'coherent';
  const by = (v: string) => outcomes.filter((o) => worst(o) === v).map((o) => o.label);
  const incoherent = by('incoherent');
  const refused = by('refused');
  const errors = by('error');
  if (incoherent.length + refused.length + errors.length === 0) return `✅ coherent on all ${outcomes.length} memory kinds`;
  const parts = [];
  if (incoherent.length > 0) parts.push(`❌ incoherent on ${incoherent.length} of ${outcomes.length} memory kinds (${named(incoherent)})`);
  if (refused.length > 0) parts.push(`⛔ refused on ${refused.length} (${named(refused)})`);
  if (errors.length > 0) parts.push(`⚠️ model error on ${errors.length}`);
  return parts.join('; ');
}

function named(labels: readonly string[]): string {
  return labels.length <= NAMED_KINDS ? labels.join(', ') : `${labels.slice(0, NAMED_KINDS).join(', ')}, …`;
}

/** A message as Markdown text: `*` (unpin_user_page*()), `<` and brackets would otherwise format it. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\*<[\]])/g, '\\$1');
}
