// analyzeTree: one file's GUP/PUP calls, their flag sets and the findings on them. Synchronous and
// pure: the same text, tree and options give the same answer (the language server calls it on
// every edit; the CLI calls it once per file, possibly in a worker).
import type { Tree } from 'web-tree-sitter';
import { analyzeCalls, findEntryCalls, mentionsEntryPoint, resolveForCall } from './call-sites.js';
import { compiledOn, liveOn } from './preproc-version.js';
import { namesTheFileChanges, PREPROC_NAME_NODES, PreprocEnv, type MacroFacts } from './macro-facts.js';
import { descendantsOf } from './syntax.js';
import { TextIndex, type OffsetEdit } from './edits.js';
import { FlagFlow, indexFile, type FlowContext } from './flag-flow.js';
import { compareKernel, normalizeKernel } from './kernel-version.js';
import { mergeAcrossKernels, representativeKernels } from './kernel-range.js';
import { MacroTable } from './macros.js';
import { declinedParse } from './parser.js';
import { MAX_NESTING, nestedDeeperThan } from './nesting.js';
import { RULES } from './rules/index.js';
import { formatMessage, type AnalyzedCall, type Report, type Rule, type RuleContext } from './rules/rule.js';
import type { SyntaxNode } from './syntax.js';
import { countParseErrors, parsesCleanlyAlone, scratchReparse } from './scratch-parser.js';
import { fingerprintFindings } from './fingerprint.js';
import { sharedString } from './shared-values.js';
import { applyInlineSuppressions } from './suppressions.js';
import type { FileAnalysis, Finding, KernelRange } from './types.js';
import { collectWrappers, mentionsWrapper, type WrapperTable } from './wrappers.js';

export interface AnalyzeOptions {
  /** The target kernel: "6.1", "6.12", ... */
  kernel: string;
  /**
   * What the build fixes for this file (`-D`/`-U`, autoconf.h's CONFIG_*, version.h): decides
   * `#ifdef`/`#if defined()` arms over them (macro-facts.ts). Absent: only kernel-version
   * conditions are decided.
   */
  macros?: MacroFacts;
  /** The file's path, for messages; the analysis never reads it. */
  path?: string;
  /**
   * The kernels the project supports (`.pinsight.json`'s `kernels`): the findings of all of them,
   * each saying where it holds, when the target kernel is one of them (kernel-range.ts).
   */
  kernels?: KernelRange;
  /** Which finding codes to report (all when absent). */
  enabled?: (code: string) => boolean;
  /**
   * Told the name of each function whose callers in the file the flag flow looked at (to follow a
   * parameter into them). A caller that analyses part of a file (server/scan/slice.ts) keeps
   * those callers only when told, and analyses again.
   */
  onCallersWanted?: (functionName: string) => void;
  /**
   * The project's wrappers of entry points (server/index/): calls of them are listed as calls of
   * the entry point, `via` the wrapper.
   */
  wrappers?: WrapperTable;
  /** Also say which wrappers the file defines (FileAnalysis.wrappers), for the project index. */
  collectWrappers?: boolean;
  /**
   * The calls of this file's functions from other files (the project index's). The calls listed
   * take their flag sets from them; the findings stay on what this file writes (each caller's
   * flags are reported, and fixed, at the caller).
   */
  crossFileCallers?: FlowContext['crossFileCallers'];
  /** Told each finding's fingerprint key (fingerprint.ts), for one who analyses a file in parts. */
  onFingerprintKey?: (finding: Finding, key: string) => void;
}

/**
 * One file's calls and findings on the target kernel; with a declared range of kernels
 * (options.kernels), the findings of every kernel of the range, each saying where it holds
 * (kernel-range.ts).
 */
export function analyzeTree(text: string, tree: Tree, options: AnalyzeOptions): FileAnalysis {
  const kernel = normalizeKernel(options.kernel);
  const range = options.kernels;
  if (!range || compareKernel(kernel, range.from) < 0 || compareKernel(kernel, range.to) > 0) return analyzeOnce(text, tree, { ...options, kernel });
  const kernels = [...new Set([...representativeKernels(range), kernel])].sort(compareKernel);
  const byKernel = kernels.map((k) => ({ kernel: k, analysis: analyzeOnce(text, tree, { ...options, kernel: k, collectWrappers: k === kernel && options.collectWrappers }) }));
  return mergeAcrossKernels(kernel, range, byKernel);
}

function analyzeOnce(text: string, tree: Tree, options: AnalyzeOptions): FileAnalysis {
  const kernel = options.kernel;
  // Every rule starts from an entry-point call: a file that names none has nothing to report and is
  // answered without walking its tree (the language server calls this on every keystroke).
  if (!mentionsEntryPoint(text) && !mentionsWrapper(text, options.wrappers, options.collectWrappers)) return { calls: [], findings: [], kernel };
  const index = new TextIndex(text);
  const root = tree.rootNode;
  const declined = declinedParse(tree);
  if (declined) return { calls: [], findings: [], kernel, skipped: declined };
  if (nestedDeeperThan(root)) return { calls: [], findings: [], kernel, skipped: `nested more than ${MAX_NESTING} levels deep: not analysed` };
  const preproc = new PreprocEnv(kernel, options.macros, options.macros ? namesTheFileChanges(descendantsOf(root, PREPROC_NAME_NODES)) : undefined);
  // A #define in an arm the build does not compile is not the macro's value.
  const macros = new MacroTable(root, tree.language, (def) => compiledOn(def, preproc));
  try {
    const { callsByName, functions } = indexFile(root);
    const flow = new FlagFlow({ root, macros, callsByName, functions, kernel, preproc, callersWanted: options.onCallersWanted });
    // A call in an #if arm the target build does not compile (LINUX_VERSION_CODE, CONFIG_*), or in an
    // `if (IS_ENABLED(CONFIG_X))` arm its compiler drops, is not a call on that build.
    const calls = findEntryCalls(root, options.wrappers)
      .filter((call) => compiledOn(call, preproc) && liveOn(call, preproc))
      .flatMap((call) => analyzeCalls(call, kernel, flow, index, options.wrappers));
    if (options.crossFileCallers) listThroughOtherFiles(calls, { root, macros, callsByName, functions, kernel, preproc, crossFileCallers: options.crossFileCallers }, index, options.wrappers);
    const findings: Finding[] = [];
    let baseErrors: number | undefined;
    const parsesCleanly = (candidate: string, edits: readonly OffsetEdit[]): boolean => {
      if (parsesCleanlyAlone(root, text, edits)) return true;
      baseErrors ??= countParseErrors(root);
      const next = scratchReparse(tree, index, candidate, edits);
      if (!next) return false;
      try {
        return countParseErrors(next.rootNode) <= baseErrors;
      } finally {
        next.delete();
      }
    };
    for (const rule of RULES) {
      if (options.enabled && !options.enabled(rule.meta.code)) continue;
      const context: RuleContext = {
        kernel,
        kernels: options.kernels,
        text,
        index,
        root,
        calls,
        macros,
        flow,
        callsByName,
        functions,
        parsesCleanly,
        report: (report) => findings.push(toFinding(rule, kernel, index, report)),
      };
      rule.check(context);
    }
    findings.sort((a, b) => a.range.start.row - b.range.start.row || a.range.start.column - b.range.start.column);
    const sites = calls.map((c) => c.site);
    if (findings.length > 0) {
      fingerprintFindings(findings, root, index, options.onFingerprintKey);
      applyInlineSuppressions(findings, sites, text);
    }
    const wrappers = options.collectWrappers ? definedWrappers(options, root, tree, index, kernel, calls, { macros, callsByName, functions, preproc }) : undefined;
    return { calls: sites, findings, kernel, ...(options.kernels ? { kernels: options.kernels } : {}), ...(wrappers?.length ? { wrappers } : {}) };
  } finally {
    macros.dispose();
  }
}

/** The flag sets listed for calls whose flags come from a parameter, followed into callers in other files. */
function listThroughOtherFiles(calls: AnalyzedCall[], context: FlowContext, index: TextIndex, wrappers: WrapperTable | undefined): void {
  const flow = new FlagFlow(context);
  for (const call of calls) {
    if (!call.values.some((v) => v.unknown.some((u) => u.reason.startsWith('parameter ')))) continue;
    const listed = analyzeCalls(call.node, context.kernel!, flow, index, wrappers).find((c) => c.entry.name === call.entry.name);
    if (listed) call.site.flagSets = listed.site.flagSets;
  }
}

/**
 * The wrappers the file defines: its calls evaluated again with the functions' parameters kept
 * symbolic (only calls whose flags depend on a parameter), and its macros.
 */
function definedWrappers(
  options: AnalyzeOptions,
  root: SyntaxNode,
  tree: Tree,
  index: TextIndex,
  kernel: string,
  calls: readonly AnalyzedCall[],
  file: Pick<FlowContext, 'macros' | 'callsByName' | 'functions' | 'preproc'>,
) {
  const flow = new FlagFlow({ root, kernel, ...file });
  const symbolic = new FlagFlow({ root, kernel, ...file, symbolicParams: true });
  const fromParameter = (c: AnalyzedCall) => c.values.some((v) => v.unknown.some((u) => u.reason.startsWith('parameter ')));
  const collected = calls.filter(fromParameter).map((c) => ({
    node: c.node,
    fn: c.fn,
    entry: c.entry.name,
    entryArgCount: c.site.via ? c.entry.params.length : c.args.length,
    via: c.site.via?.slice(1) ?? [],
    entryArgs: c.site.via ? c.args : c.args,
    symbolic: () => analyzeCalls(c.node, kernel, symbolic, index, options.wrappers).find((s) => s.entry.name === c.entry.name)?.values ?? [],
  }));
  return collectWrappers(
    {
      root,
      language: tree.language,
      index,
      kernel,
      path: options.path ?? '',
      flow,
      wrappers: options.wrappers,
      flagsArgOf: (entry, argCount) => resolveForCall(entry, kernel, argCount).flagsArg,
    },
    collected,
  );
}

function toFinding(rule: Rule, kernel: string, index: TextIndex, report: Report): Finding {
  const template = rule.meta.messages[report.messageId];
  if (template === undefined) throw new Error(`${rule.meta.code}: no message '${report.messageId}'`);
  return {
    code: rule.meta.code,
    severity: report.severity ?? rule.meta.severity(kernel),
    range: index.range(report.start, report.end),
    message: sharedString(formatMessage(template, report.data).replace(/\s+/g, ' ').trim()),
    link: rule.meta.link,
    related: report.related ?? [],
    fixes: report.fixes ?? [],
  };
}
