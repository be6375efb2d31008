// What a team decides about findings, in one place for the CLI and the language server: codes
// turned off, severities changed, and (CLI) from which level a finding fails the run.
import type { Finding, Severity } from '../engine/types.js';

/** Levels as gcc and SARIF say them; `note` is the engine's information and hint. */
export type Level = 'error' | 'warning' | 'note';
export const FAIL_ON = ['error', 'warning', 'note', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];
export const DEFAULT_FAIL_ON: FailOn = 'warning';

/** What a user may write for a severity (settings, `--severity`, `.pinsight.json`). */
export const SEVERITY_WORDS = ['error', 'warning', 'note', 'information', 'hint'] as const;

export interface FindingPolicy {
  disabled: ReadonlySet<string>;
  severity: Readonly<Record<string, Severity>>;
}

export const NO_POLICY: FindingPolicy = { disabled: new Set(), severity: {} };

export function levelOf(severity: Severity): Level {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

/** `note` is information; undefined for a word that is not a severity. */
export function parseSeverity(word: unknown): Severity | undefined {
  if (word === 'note') return 'information';
  return word === 'error' || word === 'warning' || word === 'information' || word === 'hint' ? word : undefined;
}

const RANK: Record<Level, number> = { note: 0, warning: 1, error: 2 };

/** Whether a finding makes the run fail: not suppressed, and at or above the fail-on level. */
export function failsRun(finding: Finding, failOn: FailOn): boolean {
  if (failOn === 'never' || finding.suppressed) return false;
  return RANK[levelOf(finding.severity)] >= RANK[failOn];
}

/** The findings the policy keeps, with its severities (copies; the input is left alone). */
export function applyPolicy(findings: readonly Finding[], policy: FindingPolicy): Finding[] {
  const kept: Finding[] = [];
  for (const f of findings) {
    if (policy.disabled.has(f.code)) continue;
    const severity = policy.severity[f.code];
    kept.push(severity && severity !== f.severity ? { ...f, severity } : f);
  }
  return kept;
}

/** Two policies, the second winning: codes disabled in either are off; its severities win per code. */
export function mergePolicies(base: FindingPolicy, over: FindingPolicy): FindingPolicy {
  return { disabled: new Set([...base.disabled, ...over.disabled]), severity: { ...base.severity, ...over.severity } };
}
