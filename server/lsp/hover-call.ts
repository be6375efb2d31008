// Hover on a GUP/PUP call. It opens with a summary of at most 15 lines (hover-summary.ts: the
// call, the kernel, a short-term call's snapshot semantics, one verdict per flag set, the findings'
// verdicts); the second section holds the detail: the entry point on the target kernel, each flag
// set with where its flags came from, sim-core's verdict per memory kind for the slow path and
// GUP-fast with the short trace through gup_must_unshare() that decides it, and what each finding
// on the call says beyond its first sentence. For the FOLL_FORCE|FOLL_WRITE idiom it also simulates
// the plain read-only pin the driver avoided: that is why the idiom existed.
import { MarkupKind, type Hover } from 'vscode-languageserver';
import type { CallSite, Finding, FlagSet } from '../engine/types.js';
import { describeSymbol, entryPointInterface, flagSetNotes } from '../knowledge/index.js';
import { toLspRange } from './convert.js';
import type { MemoryOutcome, PathOutcome } from '../../protocol/requests.js';
import { decidingSteps, type PinQuery, type PinSimulation, type SimulatePins } from './pin-outcomes.js';
import { escapeMarkdown, summaryLines } from './hover-summary.js';

export interface CallHoverInput {
  call: CallSite;
  kernel: string;
  /** "kernel 6.1 from the kernel tree's top Makefile", ... */
  kernelNote: string;
  /** Whether the entry point walks GUP-fast first, and whether it pins (FOLL_PIN). */
  fast: boolean;
  pins: boolean;
  simulate: SimulatePins;
  /** The findings on this call (on it, or naming it in their related information). */
  findings?: readonly Finding[];
}

const MARK: Record<PathOutcome['verdict'], string> = {
  coherent: '✅ coherent',
  incoherent: '❌ incoherent',
  refused: '⛔ refused',
  error: '⚠️ model error',
};

export function callHover(input: CallHoverInput): Hover {
  return { contents: { kind: MarkupKind.Markdown, value: callHoverMarkdown(input) }, range: toLspRange(input.call.range) };
}

export function callHoverMarkdown(input: CallHoverInput): string {
  const { call, kernel } = input;
  const family = call.family === 'pup' ? 'pin_user_pages family (FOLL_PIN)' : call.family === 'gup' ? 'get_user_pages family (FOLL_GET)' : 'debugger access';
  const simulations = call.flagSets.map((set) => input.simulate(queryOf(input, set), kernel));
  const findings = input.findings ?? [];
  const out = summaryLines({ call, kernel, kernelNote: input.kernelNote, family, simulations, findings });
  out.push('', '---', '', '#### Details');
  const entry = describeSymbol(call.callee, kernel);
  if (entry?.era) out.push('', entry.era.text);
  const api = entryPointInterface(call.callee, kernel);
  // The interface line names the flags the entry point adds; say it here only without one.
  out.push('', api ?? `Flags ${call.callee}() adds on ${kernel}: ${code(call.impliedFlags)}`);
  if (call.flagSets.length === 0) out.push('', '_No flag set could be resolved for this call._');
  call.flagSets.forEach((set, i) => out.push('', '---', '', ...flagSetSection(input, set, i, simulations[i]!)));
  const explained = findings.filter((f) => !f.suppressed);
  if (explained.length > 0) out.push('', '---', '', ...findingsSection(explained));
  return out.join('\n');
}

/** Each finding's whole message and its related information: the detail behind its first sentence. */
function findingsSection(findings: readonly Finding[]): string[] {
  const out = ['**Findings on this call**'];
  for (const f of findings) {
    out.push('', `\`${f.code}\` (${f.severity}): ${escapeMarkdown(f.message)}`);
    for (const r of f.related) out.push(`- line ${r.range.start.row + 1}: ${escapeMarkdown(r.message)}`);
  }
  return out;
}

function queryOf({ call, pins, fast }: CallHoverInput, set: FlagSet): PinQuery {
  return { callee: call.callee, callerFlags: set.flags, pins, fast };
}

function flagSetSection(input: CallHoverInput, set: FlagSet, i: number, sim: PinSimulation): string[] {
  const { call, kernel, fast, simulate } = input;
  const n = call.flagSets.length;
  const out = [`**${n > 1 ? `Flag set ${i + 1} of ${n}` : 'Flag set'}**${set.path ? ` — \`${set.path}\`` : ''}: ${code(set.flags)}`];
  for (const o of set.origins) out.push(`- \`${o.flag}\` from line ${o.range.start.row + 1}: \`${o.text}\``);
  if (set.unknown.length > 0) out.push(`- unresolved: ${set.unknown.map((u) => `\`${u}\``).join(', ')} (taken as adding no flags)`);
  const query = queryOf(input, set);
  if (sim.ignoredFlags.length > 0) out.push(`- not modelled by sim-core, left out: ${code(sim.ignoredFlags)}`);
  out.push('', `sim-core, pin then a write by the process, per memory kind of a private mapping:`, '', ...verdictTable(sim.outcomes, fast));
  const decisive = pickDecisive(sim.outcomes);
  if (decisive) out.push('', ...traceBlock(`${decisive.label}, slow path`, decisive.slow));
  for (const note of flagSetNotes(allFlags(set, call.impliedFlags), kernel)) {
    out.push('', note.text);
    if (note.id !== 'force-write-workaround') continue;
    // What the driver would get without the workaround: the reason it existed.
    const plainFlags = set.flags.filter((f) => f !== 'FOLL_FORCE' && f !== 'FOLL_WRITE');
    const plain = simulate({ ...query, callerFlags: plainFlags }, kernel).outcomes;
    const broken = plain.filter((o) => o.slow.verdict === 'incoherent');
    out.push('', `Without FOLL_FORCE|FOLL_WRITE (${code(plainFlags)}) on ${kernel}: ${broken.length === 0 ? 'every memory kind stays coherent.' : `❌ incoherent for ${broken.map((o) => `**${o.label}**`).join(', ')}.`}`);
    const zero = broken.find((o) => o.memory === 'shared-zeropage') ?? broken[0];
    if (zero) out.push('', ...traceBlock(`${zero.label}, plain R/O pin, slow path`, zero.slow));
  }
  return out;
}

/** The flags GUP sees: the caller's and the entry point's. */
export function allFlags(set: FlagSet, implied: readonly string[]): string[] {
  return [...new Set([...set.flags, ...implied])].sort();
}

function code(flags: readonly string[]): string {
  return flags.length === 0 ? '`0`' : flags.map((f) => `\`${f}\``).join(' \\| ');
}

/** One row per verdict (pair), listing the memory kinds that get it: short enough for a hover. */
function verdictTable(outcomes: readonly MemoryOutcome[], fast: boolean): string[] {
  if (outcomes.length === 0) return ['_sim-core has no memory kinds._'];
  const rows = new Map<string, string[]>();
  for (const o of outcomes) {
    const key = fast && o.fast ? `| ${verdictText(o.slow)} | ${verdictText(o.fast)} |` : `| ${verdictText(o.slow)} |`;
    rows.set(key, [...(rows.get(key) ?? []), o.label]);
  }
  const head = fast ? ['| slow path | GUP-fast | memory kinds |', '|---|---|---|'] : ['| slow path | memory kinds |', '|---|---|'];
  return [...head, ...[...rows].map(([verdicts, kinds]) => `${verdicts} ${kinds.join(', ')} |`)];
}

function verdictText(p: PathOutcome): string {
  return `${MARK[p.verdict]}${p.errno ? ` ${p.errno}` : ''}`;
}

/** The outcome worth explaining: the shared zeropage if it is not coherent, else the first that is not. */
function pickDecisive(outcomes: readonly MemoryOutcome[]): MemoryOutcome | undefined {
  const bad = outcomes.filter((o) => o.slow.verdict !== 'coherent');
  return bad.find((o) => o.memory === 'shared-zeropage') ?? bad[0] ?? outcomes.find((o) => o.memory === 'shared-zeropage');
}

function traceBlock(title: string, p: PathOutcome): string[] {
  return [`_Why, for the ${title}:_ ${p.summary}`, '', '```text', ...decidingSteps(p.trace).map((s) => `${s.fn} ${s.detail}`), '```'];
}
