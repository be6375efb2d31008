// The engine's fixes as quick fixes. The upstream-style fix (`preferred`) is marked isPreferred, so
// VS Code's "auto fix" and Neovim's code-action menu offer it first. Last for each finding: a quick
// fix that silences it with a `pinsight: ignore[code]` comment on the line before its call.
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type TextEdit as LspTextEdit } from 'vscode-languageserver';
import { suppressionRows } from '../engine/index.js';
import type { FileAnalysis, Finding, TextEdit } from '../engine/types.js';
import { fromLspRange, rangesOverlap, toLspRange } from './convert.js';
import { DIAGNOSTIC_SOURCE } from './diagnostics.js';

export interface CodeActionOptions {
  /** The client accepts `documentChanges` (versioned edits); otherwise plain `changes` are sent. */
  documentChanges: boolean;
  /** The document's text, to offer the suppression comment (none without it). */
  text?: string;
}

/** What the suppression quick fix writes after the code; the reason is for the author to fill in. */
export const SUPPRESSION_REASON_PLACEHOLDER = 'TODO: say why this is deliberate';

export function codeActionsFor(
  uri: string,
  version: number,
  analysis: FileAnalysis,
  params: Pick<CodeActionParams, 'range' | 'context'>,
  options: CodeActionOptions,
): CodeAction[] {
  const only = params.context?.only;
  if (only && !only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];
  const wanted = fromLspRange(params.range);
  const actions: CodeAction[] = [];
  for (const finding of analysis.findings) {
    if (finding.suppressed || !rangesOverlap(finding.range, wanted)) continue;
    const diagnostics = matchingDiagnostics(finding, params.context?.diagnostics ?? []);
    // Preferred fixes first: some clients show only the first action of a group.
    const fixes = [...finding.fixes].sort((a, b) => Number(b.preferred) - Number(a.preferred));
    for (const fix of fixes) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        isPreferred: fix.preferred,
        diagnostics,
        edit: options.documentChanges
          ? { documentChanges: [{ textDocument: { uri, version }, edits: fix.edits.map(toLspEdit) }] }
          : { changes: { [uri]: fix.edits.map(toLspEdit) } },
      });
    }
    const ignore = options.text !== undefined ? suppressionEdit(finding, analysis, options.text) : undefined;
    if (ignore) {
      actions.push({
        title: `Suppress ${finding.code} here with a pinsight: ignore comment`,
        kind: CodeActionKind.QuickFix,
        isPreferred: false,
        diagnostics,
        edit: options.documentChanges ? { documentChanges: [{ textDocument: { uri, version }, edits: [ignore] }] } : { changes: { [uri]: [ignore] } },
      });
    }
  }
  return actions;
}

/**
 * A line `/* pinsight: ignore[code] TODO... *\/` before the line the suppression rows start at (the
 * call's first line when the finding is in a call), with that line's indentation.
 */
function suppressionEdit(finding: Finding, analysis: FileAnalysis, text: string): LspTextEdit | undefined {
  const row = Math.min(...suppressionRows(finding, analysis.calls)) + 1;
  const lines = text.split('\n');
  if (row < 0 || row >= lines.length) return undefined;
  const indent = /^[ \t]*/.exec(lines[row]!)![0];
  return {
    range: { start: { line: row, character: 0 }, end: { line: row, character: 0 } },
    newText: `${indent}/* pinsight: ignore[${finding.code}] ${SUPPRESSION_REASON_PLACEHOLDER} */\n`,
  };
}

function toLspEdit(e: TextEdit): LspTextEdit {
  return { range: toLspRange(e.range), newText: e.newText };
}

/** The client's diagnostics this finding produced (same code, same range), for the action's list. */
function matchingDiagnostics(finding: Finding, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter(
    (d) =>
      d.source === DIAGNOSTIC_SOURCE &&
      d.code === finding.code &&
      d.range.start.line === finding.range.start.row &&
      d.range.start.character === finding.range.start.column &&
      d.range.end.line === finding.range.end.row &&
      d.range.end.character === finding.range.end.column,
  );
}
