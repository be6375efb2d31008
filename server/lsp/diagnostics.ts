// Findings as LSP diagnostics: code, a codeDescription link to the rule's page (docs/rules/<code>.md,
// which links the kernel documentation or commit), and related information pointing at where a flag
// came from (the `flags |= FOLL_FORCE;` line). Findings a `pinsight: ignore` comment silences are
// not published; a comment that does not apply (no reason) is pointed at.
import type { Diagnostic } from 'vscode-languageserver';
import { ruleDocsUrl } from '../engine/index.js';
import type { Finding } from '../engine/types.js';
import { toLspRange, toLspSeverity } from './convert.js';
import type { Settings } from './settings.js';

export const DIAGNOSTIC_SOURCE = 'pinsight';

export function toDiagnostic(finding: Finding, uri: string, settings: Pick<Settings, 'severity'>): Diagnostic {
  const diagnostic: Diagnostic = {
    range: toLspRange(finding.range),
    severity: toLspSeverity(settings.severity[finding.code] ?? finding.severity),
    code: finding.code,
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
  };
  const docs = ruleDocsUrl(finding.code);
  if (isHttpUrl(docs)) diagnostic.codeDescription = { href: docs };
  else if (isHttpUrl(finding.link)) diagnostic.codeDescription = { href: finding.link };
  const related = finding.related.map((r) => ({ location: { uri, range: toLspRange(r.range) }, message: r.message }));
  if (finding.ignoredSuppression) {
    const line = finding.ignoredSuppression.line - 1;
    related.push({ location: { uri, range: { start: { line, character: 0 }, end: { line, character: 0 } } }, message: finding.ignoredSuppression.message });
  }
  if (related.length > 0) diagnostic.relatedInformation = related;
  return diagnostic;
}

/** The diagnostics of a file's findings: those no comment or baseline suppresses. */
export function diagnosticsOf(findings: readonly Finding[], uri: string, settings: Pick<Settings, 'severity'>): Diagnostic[] {
  return findings.filter((f) => !f.suppressed).map((f) => toDiagnostic(f, uri, settings));
}

/** codeDescription.href must be a URI; a rule without a link must not produce a broken one. */
function isHttpUrl(text: string): boolean {
  return /^https?:\/\/\S+$/.test(text);
}
