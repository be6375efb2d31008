// What the fuzzer checks on one input, in-process: the engine as the language server runs it (a
// parse and analyzeTree, whatever the text names) and as `scan` runs it (analyzeFile), the
// invariants of its answer, the safety of every preferred fix, and the whole-tree scan's sliced
// parse against the whole-file parse.
import { analyzeFile, analyzeTree, applyEdits, TextIndex } from '../../server/engine/index.js';
import type { CParser } from '../../server/engine/parser.js';
import { countParseErrors } from '../../server/engine/scratch-parser.js';
import type { FileAnalysis, Range } from '../../server/engine/types.js';
import { SourceAnalyzer } from '../../server/scan/analyze-source.js';

export interface EngineOutcome {
  /** Parse and analyzeTree: what the language server spends on an open document. */
  analyzeMs: number;
  /** Everything checked here (fixes re-parsed, scan's two paths). */
  ms: number;
  /** Crashes and broken invariants: each one fails the run. */
  problems: string[];
  /** The sliced parse of the whole-tree scan gave another answer than the whole file (reported, not a failure). */
  sliceMismatch: boolean;
  calls: number;
  findings: number;
  fixesChecked: number;
}

/** The first line of an error and the engine frames of its stack, for a report. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const frames = (error.stack ?? '').split('\n').filter((l) => /server\/|sim-core\//.test(l)).slice(0, 4).map((l) => l.trim().replace(/^at /, ''));
  return `${error.name}: ${error.message.split('\n')[0]}${frames.length ? ` (${frames.join(' < ')})` : ''}`;
}

export function checkEngine(parser: CParser, text: string, kernel: string, path = 'fuzz.c'): EngineOutcome {
  const start = performance.now();
  const problems: string[] = [];
  let analysis: FileAnalysis | undefined;
  const tree = parser.parse(text);
  let baseErrors = 0;
  try {
    baseErrors = countParseErrors(tree.rootNode);
    analysis = analyzeTree(text, tree, { kernel, path });
  } catch (error) {
    problems.push(`analyzeTree threw ${describeError(error)}`);
  } finally {
    tree.delete();
  }
  const analyzeMs = performance.now() - start;
  let fixesChecked = 0;
  let sliceMismatch = false;
  if (analysis) {
    problems.push(...invariantProblems(text, analysis));
    for (const finding of analysis.findings) {
      const fix = finding.fixes.find((f) => f.preferred);
      if (!fix) continue;
      fixesChecked++;
      const problem = fixProblem(parser, text, fix.edits, baseErrors);
      if (problem) problems.push(`preferred fix of ${finding.code} at ${finding.range.start.row + 1}:${finding.range.start.column + 1}: ${problem}`);
    }
    // scan's view of the same text: the prefilter, then the same analysis, and the sliced parse.
    try {
      const plain = analyzeFile(parser, path, text, { kernel });
      const sliced = new SourceAnalyzer(parser, kernel).analyzeText(path, text) ?? { calls: [], findings: [] };
      sliceMismatch = JSON.stringify({ c: sliced.calls, f: sliced.findings }) !== JSON.stringify({ c: plain.calls, f: plain.findings });
    } catch (error) {
      problems.push(`scan's analysis threw ${describeError(error)}`);
    }
  }
  return {
    analyzeMs,
    ms: performance.now() - start,
    problems,
    sliceMismatch,
    calls: analysis?.calls.length ?? 0,
    findings: analysis?.findings.length ?? 0,
    fixesChecked,
  };
}

/** Ranges inside the text, in order; the answer is plain data (JSON round trip). */
function invariantProblems(text: string, analysis: FileAnalysis): string[] {
  const index = new TextIndex(text);
  const problems: string[] = [];
  const lineLengths = text.split('\n').map((l) => l.length);
  const check = (what: string, r: Range | undefined) => {
    if (!r) return;
    for (const p of [r.start, r.end]) {
      if (!Number.isInteger(p.row) || !Number.isInteger(p.column) || p.row < 0 || p.column < 0 || p.row >= lineLengths.length || p.column > lineLengths[p.row]!) {
        problems.push(`${what} range ${JSON.stringify(r)} is outside the text`);
        return;
      }
    }
    if (index.offsetAt(r.start) > index.offsetAt(r.end)) problems.push(`${what} range ${JSON.stringify(r)} ends before it starts`);
  };
  for (const call of analysis.calls) {
    check(`call ${call.callee}`, call.range);
    check(`call ${call.callee}`, call.callRange);
    check(`flags of ${call.callee}`, call.flagsArgRange);
    for (const set of call.flagSets) for (const o of set.origins) check(`origin of ${o.flag}`, o.range);
  }
  for (const f of analysis.findings) {
    check(`finding ${f.code}`, f.range);
    for (const r of f.related) check(`related of ${f.code}`, r.range);
    for (const fix of f.fixes) for (const e of fix.edits) check(`fix of ${f.code}`, e.range);
    if (!f.message || /\{\w+\}|undefined|NaN/.test(f.message)) problems.push(`finding ${f.code} has a broken message: ${f.message}`);
  }
  try {
    JSON.parse(JSON.stringify(analysis));
  } catch (error) {
    problems.push(`the analysis is not plain data: ${describeError(error)}`);
  }
  return problems;
}

const BRACKETS: [string, string][] = [['(', ')'], ['[', ']'], ['{', '}']];

function balance(text: string): number[] {
  return BRACKETS.map(([open, close]) => text.split(open).length - text.split(close).length);
}

/** What is wrong with applying `edits` to `text`, if anything: a throw, new parse errors, unbalanced brackets. */
export function fixProblem(parser: CParser, text: string, edits: { range: Range; newText: string }[], baseErrors: number): string | undefined {
  let fixed: string;
  try {
    fixed = applyEdits(text, edits);
  } catch (error) {
    return `applying it threw ${describeError(error)}`;
  }
  if (fixed === text) return 'it changes nothing';
  const tree = parser.parse(fixed);
  try {
    const errors = countParseErrors(tree.rootNode);
    if (errors > baseErrors) return `it adds parse errors (${baseErrors} -> ${errors})`;
  } finally {
    tree.delete();
  }
  // Brackets: the edits' own text and what they replace must leave the file's balance as it was.
  const before = balance(text);
  const after = balance(fixed);
  if (before.some((b, i) => b !== after[i])) return `it changes the bracket balance (${before.join(',')} -> ${after.join(',')})`;
  return undefined;
}
