// Every finding rule, in the order findings of one position are listed.
import { follForceMisuse } from './foll-force-misuse.js';
import { legacyWriteFlag } from './legacy-write-flag.js';
import { longtermReadonly } from './longterm-readonly.js';
import { longtermWithoutPin } from './longterm-without-pin.js';
import { pinReleaseMismatch } from './pin-release-mismatch.js';
import { redundantCallerFlag } from './redundant-caller-flag.js';
import { rejectedFlags } from './rejected-flags.js';
import type { Rule } from './rule.js';

export const RULES: readonly Rule[] = [follForceMisuse, longtermReadonly, pinReleaseMismatch, longtermWithoutPin, redundantCallerFlag, rejectedFlags, legacyWriteFlag];

/** The public face of the rules: what the editor's settings, SARIF and `--help` list. */
export const FINDING_RULES: readonly { code: string; title: string; link: string; fixable: boolean; description: string }[] = RULES.map(
  ({ meta }) => ({ code: meta.code, title: meta.title, link: meta.link, fixable: meta.fixable, description: meta.description }),
);

/**
 * Where each rule's documentation page lives (docs/rules/<code>.md: bad and good code, what to do per
 * kernel range), for SARIF's helpUri and the editor's codeDescription. The base follows
 * package.json's `repository` (test/cli/rule-docs.test.ts checks both, and that every page exists).
 */
export const RULE_DOCS_BASE = 'https://example.invalid/pinsight/blob/main/docs/rules/';

export function ruleDocsUrl(code: string): string {
  return `${RULE_DOCS_BASE}${code}.md`;
}
