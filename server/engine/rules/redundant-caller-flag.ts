// redundant-caller-flag: a caller passes FOLL_GET or FOLL_PIN to an entry point that sets it itself
// and that the target kernel accepts it from (6.1's get_user_pages*() ORs in FOLL_GET in
// __get_user_pages_locked(), mm/gup.c; pin_user_pages*() set FOLL_PIN). Harmless at run time, but
// from 6.3 is_valid_gup_args() rejects a caller's FOLL_PIN, so it is worth dropping. Split out of
// longterm-without-pin (issue 20) so either can be turned off alone; that rule keeps the rejected case.
import { entryPointAt } from '../entry-point-table.js';
import { removeFlagToken } from '../fixes/flag-edits.js';
import { anchorOf, detailAt, formatMessage, reportsFlag, type Rule } from './rule.js';

export const redundantCallerFlag: Rule = {
  meta: {
    code: 'redundant-caller-flag',
    title: 'FOLL_GET or FOLL_PIN passed redundantly',
    link: 'https://docs.kernel.org/core-api/pin_user_pages.html',
    fixable: true,
    description:
      'A caller passes FOLL_GET or FOLL_PIN to an entry point that sets it itself. The target kernel accepts it, but it ' +
      'changes nothing, and later kernels reject a caller\'s FOLL_PIN.',
    messages: {
      callerFlagRedundant: '{flag} passed to {callee}(): the entry point sets it itself; drop it, a later kernel may reject it from a caller.',
      why: '{callee}() adds {flag}; from 6.3 is_valid_gup_args() rejects a caller\'s FOLL_PIN, and FOLL_GET on a pin',
    },
    severity: () => 'hint',
  },
  check(context) {
    for (const call of context.calls) {
      if (call.entry.family === 'debugger') continue;
      if (call.site.function && entryPointAt(call.site.function, context.kernel)) continue; // the GUP core itself
      for (const flag of ['FOLL_PIN', 'FOLL_GET']) {
        const value = call.values.find((v) => reportsFlag(v, flag));
        if (!value) continue;
        if (call.entry.rejects.some((r) => r.flag === flag)) continue; // longterm-without-pin reports it
        if (![...call.entry.adds, ...call.entry.addsWithPages].includes(flag)) continue;
        const term = value.flags.get(flag)!.find((t) => t.node);
        const at = anchorOf(call, term);
        // Dropping a flag the entry point sets itself changes nothing at run time.
        const drop = term?.node ? removeFlagToken(context.text, term.loc.start, term.loc.end, term.node) : undefined;
        context.report({
          messageId: 'callerFlagRedundant',
          data: { flag, callee: call.site.callee },
          start: at.start,
          end: at.end,
          related: [{ range: call.site.range, message: `${call.site.callee}()` }, detailAt(call, formatMessage(redundantCallerFlag.meta.messages.why!, { flag, callee: call.site.callee }))],
          fixes: drop
            ? [{ title: `Drop ${flag}: ${call.site.callee}() sets it itself`, preferred: true, edits: [{ range: context.index.range(drop.start, drop.end), newText: drop.newText }] }]
            : [],
        });
      }
    }
  },
};
