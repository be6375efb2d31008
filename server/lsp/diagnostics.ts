// Findings as LSP diagnostics: code, a codeDescription link to the kernel documentation or commit,
// and related information pointing at where a flag came from (the `flags |= FOLL_FORCE;` line).
import type { Diagnostic } from 'vscode-languageserver';
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
  if (isHttpUrl(finding.link)) diagnostic.codeDescription = { href: finding.link };
  if (finding.related.length > 0) {
    diagnostic.relatedInformation = finding.related.map((r) => ({
      location: { uri, range: toLspRange(r.range) },
      message: r.message,
    }));
  }
  return diagnostic;
}

/** codeDescription.href must be a URI; a rule without a link must not produce a broken one. */
function isHttpUrl(text: string): boolean {
  return /^https?:\/\/\S+$/.test(text);
}
