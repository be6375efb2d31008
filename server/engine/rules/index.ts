// Every finding rule, in the order findings of one position are listed.
import { follForceMisuse } from './foll-force-misuse.js';
import { longtermReadonly } from './longterm-readonly.js';
import { longtermWithoutPin } from './longterm-without-pin.js';
import { pinReleaseMismatch } from './pin-release-mismatch.js';
import { redundantCallerFlag } from './redundant-caller-flag.js';
import { rejectedFlags } from './rejected-flags.js';
import type { Rule } from './rule.js';

export const RULES: readonly Rule[] = [follForceMisuse, longtermReadonly, pinReleaseMismatch, longtermWithoutPin, redundantCallerFlag, rejectedFlags];

/** The public face of the rules: what the editor's settings, SARIF and `--help` list. */
export const FINDING_RULES: readonly { code: string; title: string; link: string; fixable: boolean; description: string }[] = RULES.map(
  ({ meta }) => ({ code: meta.code, title: meta.title, link: meta.link, fixable: meta.fixable, description: meta.description }),
);
