// analyzeTree: one file's GUP/PUP calls, their flag sets and the findings on them. Synchronous and
// pure: the same text, tree and options give the same answer (the language server calls it on
// every edit; the CLI calls it once per file, possibly in a worker).
import type { Tree } from 'web-tree-sitter';
import { analyzeCall, findEntryCalls, mentionsEntryPoint } from './call-sites.js';
import { compiledOn, liveOn } from './preproc-version.js';
import { namesTheFileChanges, PREPROC_NAME_NODES, PreprocEnv, type MacroFacts } from './macro-facts.js';
import { descendantsOf } from './syntax.js';
import { TextIndex, type OffsetEdit } from './edits.js';
import { FlagFlow, indexFile } from './flag-flow.js';
import { normalizeKernel } from './kernel-version.js';
import { MacroTable } from './macros.js';
import { declinedParse } from './parser.js';
import { MAX_NESTING, nestedDeeperThan } from './nesting.js';
import { RULES } from './rules/index.js';
import { formatMessage, type Report, type Rule, type RuleContext } from './rules/rule.js';
import { countParseErrors, parsesCleanlyAlone, scratchReparse } from './scratch-parser.js';
import { fingerprintFindings } from './fingerprint.js';
import { applyInlineSuppressions } from './suppressions.js';
import type { FileAnalysis, Finding, KernelRange } from './types.js';

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
   * The kernels the project supports (`.pinsight.json`'s `kernels`): carried to the result only;
   * the rules do not read it yet.
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
}

export function analyzeTree(text: string, tree: Tree, options: AnalyzeOptions): FileAnalysis {
  const kernel = normalizeKernel(options.kernel);
  // Every rule starts from an entry-point call: a file that names none has nothing to report and is
  // answered without walking its tree (the language server calls this on every keystroke).
  if (!mentionsEntryPoint(text)) return { calls: [], findings: [], kernel };
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
    const calls = findEntryCalls(root)
      .filter((call) => compiledOn(call, preproc) && liveOn(call, preproc))
      .map((call) => analyzeCall(call, kernel, flow, index));
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
      fingerprintFindings(findings, root, index);
      applyInlineSuppressions(findings, sites, text);
    }
    return { calls: sites, findings, kernel, ...(options.kernels ? { kernels: options.kernels } : {}) };
  } finally {
    macros.dispose();
  }
}

function toFinding(rule: Rule, kernel: string, index: TextIndex, report: Report): Finding {
  const template = rule.meta.messages[report.messageId];
  if (template === undefined) throw new Error(`${rule.meta.code}: no message '${report.messageId}'`);
  return {
    code: rule.meta.code,
    severity: report.severity ?? rule.meta.severity(kernel),
    range: index.range(report.start, report.end),
    message: formatMessage(template, report.data).replace(/\s+/g, ' ').trim(),
    link: rule.meta.link,
    related: report.related ?? [],
    fixes: report.fixes ?? [],
  };
}
