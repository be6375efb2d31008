// rejected-flags (added by pinsight): caller flags that the entry point refuses on the target
// kernel, beyond the FOLL_LONGTERM/FOLL_PIN/FOLL_GET cases of longterm-without-pin:
// - internal flags (FOLL_TOUCH, FOLL_REMOTE, FOLL_TRIED, FOLL_FAST_ONLY, ...): 6.12
//   is_valid_gup_args() rejects INTERNAL_GUP_FLAGS (mm/internal.h:1349) with a WARN;
// - GUP-fast's allow-list: 6.1 internal_get_user_pages_fast() (mm/gup.c:3038) and 6.12
//   gup_fast_fallback() (mm/gup.c:3437) refuse e.g. FOLL_NOWAIT, FOLL_SPLIT_PMD, FOLL_ANON;
// - FOLL_LONGTERM on *_unlocked() in 6.1 (get_user_pages_unlocked(), mm/gup.c:2367);
// - FOLL_LONGTERM on pin_user_pages_remote() with a non-NULL `locked` before 6.3
//   (__get_user_pages_remote(), 6.1 mm/gup.c:2204).
// The call fails at run time (WARN_ON_ONCE and an error, or 0 pages): a driver developer wants
// to know before a user hits it.
import { entryPointAt } from '../entry-point-table.js';
import { removeFlagToken } from '../fixes/flag-edits.js';
import { anchorOf, detailAt, formatMessage, reportsFlag, type AnalyzedCall, type Rule } from './rule.js';

const HANDLED_ELSEWHERE = new Set(['FOLL_PIN', 'FOLL_GET']);

/** Whether the call passes NULL (or 0, or leaves it out) for the parameter named `param`. */
function isNullArgument(call: AnalyzedCall, param: string): boolean {
  const arg = call.args[call.entry.params.indexOf(param)];
  return !arg || /^\(?\s*(NULL|0|\(\s*void\s*\*\s*\)\s*0)\s*\)?$/.test(arg.text);
}

export const rejectedFlags: Rule = {
  meta: {
    code: 'rejected-flags',
    title: 'Flag the entry point rejects',
    link: 'https://docs.kernel.org/core-api/pin_user_pages.html',
    fixable: true,
    description:
      'A FOLL_* flag the GUP entry point refuses on the target kernel: internal flags it sets itself, flags GUP-fast cannot ' +
      'honour, or FOLL_LONGTERM where that kernel does not support it. The call WARNs and fails.',
    messages: {
      rejected: '{flag} passed to {callee}(): Linux {kernel} rejects it ({result}).',
      fast: '{flag} passed to {callee}(): GUP-fast on Linux {kernel} does not accept it; the call WARNs and fails with -EINVAL.',
      check: 'rejected by {check}',
      allowed: 'GUP-fast on Linux {kernel} accepts only {allowed}',
      internalFix: 'Drop {flag}: {callee}() sets it itself',
    },
    severity: () => 'error',
  },
  check(context) {
    for (const call of context.calls) {
      if (call.site.function && entryPointAt(call.site.function, context.kernel)) continue; // the GUP core itself
      const reported = new Set<string>();
      for (const value of call.values) {
        for (const [flag, terms] of value.flags) {
          if (reported.has(flag) || HANDLED_ELSEWHERE.has(flag) || !reportsFlag(value, flag)) continue;
          if (flag === 'FOLL_LONGTERM' && !call.entry.pins) continue; // longterm-without-pin
          const rejection = call.entry.rejects.find((r) => r.flag === flag && (!r.whenArg || !isNullArgument(call, r.whenArg)));
          const notFast = call.entry.fastAllowed && !call.entry.fastAllowed.includes(flag);
          if (!rejection && !notFast) continue;
          reported.add(flag);
          const term = terms.find((t) => t.node);
          const at = anchorOf(call, term);
          const fixes = [];
          if (term?.node && [...call.entry.adds, ...call.entry.addsWithPages].includes(flag)) {
            const e = removeFlagToken(context.text, term.loc.start, term.loc.end, term.node);
            fixes.push({
              title: rejectedFlags.meta.messages.internalFix!.replace('{flag}', flag).replace('{callee}', call.site.callee),
              preferred: true,
              edits: [{ range: context.index.range(e.start, e.end), newText: e.newText }],
            });
          }
          context.report({
            messageId: rejection ? 'rejected' : 'fast',
            data: {
              flag,
              callee: call.site.callee,
              kernel: context.kernel,
              result: rejection?.result ?? '',
            },
            start: at.start,
            end: at.end,
            related: [
              { range: call.site.range, message: `${call.site.callee}()` },
              rejection
                ? detailAt(call, formatMessage(rejectedFlags.meta.messages.check!, { check: rejection.check }))
                : detailAt(call, formatMessage(rejectedFlags.meta.messages.allowed!, { kernel: context.kernel, allowed: (call.entry.fastAllowed ?? []).join(', ') })),
            ],
            fixes,
          });
        }
      }
    }
  },
};
