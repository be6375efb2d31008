// The engine's fixes as quick fixes. The upstream-style fix (`preferred`) is marked isPreferred, so
// VS Code's "auto fix" and Neovim's code-action menu offer it first.
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type TextEdit as LspTextEdit } from 'vscode-languageserver';
import type { FileAnalysis, Finding, TextEdit } from '../engine/types.js';
import { fromLspRange, rangesOverlap, toLspRange } from './convert.js';
import { DIAGNOSTIC_SOURCE } from './diagnostics.js';

export interface CodeActionOptions {
  /** The client accepts `documentChanges` (versioned edits); otherwise plain `changes` are sent. */
  documentChanges: boolean;
}

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
    if (!rangesOverlap(finding.range, wanted) || finding.fixes.length === 0) continue;
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
  }
  return actions;
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
