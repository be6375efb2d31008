// longterm-without-pin: get_user_pages*() with FOLL_LONGTERM, where pin_user_pages*() is meant
// (Documentation/core-api/pin_user_pages.rst: FOLL_LONGTERM is for FOLL_PIN). Every kernel rejects
// it: 6.1's is_valid_gup_flags() (mm/gup.c:2171) and 6.12's is_valid_gup_args() (mm/gup.c:2624)
// WARN and return -EINVAL. Also callers that pass FOLL_PIN or FOLL_GET themselves: the entry
// point sets them, and from 6.3 is_valid_gup_args() rejects a caller's FOLL_PIN (an internal flag)
// and FOLL_GET on a pin. (A caller's flag the kernel accepts but sets itself is redundant-caller-flag.)
import { entryPointAt } from '../entry-point-table.js';
import { removeFlagToken } from '../fixes/flag-edits.js';
import { acquiredKind, collectPageRefs, counterpartRelease, pagesKey } from '../page-refs.js';
import { readOnlyPinVerdict } from '../reliability.js';
import type { Fix } from '../types.js';
import { anchorOf, detailAt, formatMessage, reportsFlag, type AnalyzedCall, type Rule, type RuleContext } from './rule.js';

export const longtermWithoutPin: Rule = {
  meta: {
    code: 'longterm-without-pin',
    title: 'FOLL_LONGTERM without FOLL_PIN',
    link: 'https://docs.kernel.org/core-api/pin_user_pages.html',
    fixable: true,
    description:
      'get_user_pages*() with FOLL_LONGTERM: long-term access to user pages must use pin_user_pages*() (FOLL_PIN) and be ' +
      'released with unpin_user_page*(). The kernel rejects the call with a WARN and -EINVAL. Also flags callers that pass ' +
      'FOLL_PIN or FOLL_GET themselves.',
    messages: {
      longterm:
        '{callee}() with FOLL_LONGTERM is rejected on Linux {kernel} ({result}): long-term pins must be FOLL_PIN pins. Use {counterpart}() and release the pages with unpin_user_page*().',
      callerFlagRejected: 'Linux {kernel} rejects a caller\'s {flag} on {callee}() ({result}): the entry point sets FOLL_PIN/FOLL_GET itself.',
      check: 'rejected by {check}',
    },
    severity: () => 'error',
  },
  check(context) {
    const refs = collectPageRefs(context.calls, context.callsByName);
    for (const call of context.calls) {
      if (call.entry.family === 'debugger') continue;
      if (call.site.function && entryPointAt(call.site.function, context.kernel)) continue; // the GUP core itself
      const longterm = call.values.find((v) => reportsFlag(v, 'FOLL_LONGTERM'));
      if (!call.entry.pins && call.entry.pinCounterpart && longterm) {
        const term = longterm.flags.get('FOLL_LONGTERM')!.find((t) => t.node);
        const at = anchorOf(call, term);
        const rejection = call.entry.rejects.find((r) => r.flag === 'FOLL_LONGTERM');
        const fix = convertToPin(context, call, refs);
        context.report({
          messageId: 'longterm',
          data: {
            callee: call.site.callee,
            kernel: context.kernel,
            counterpart: call.entry.pinCounterpart,
            result: rejection?.result ?? 'WARN_ON_ONCE, -EINVAL',
            check: rejection?.check ?? 'FOLL_LONGTERM needs FOLL_PIN',
          },
          start: at.start,
          end: at.end,
          related: [
            { range: call.site.range, message: `${call.site.callee}() takes FOLL_GET references` },
            detailAt(call, formatMessage(longtermWithoutPin.meta.messages.check!, { check: rejection?.check ?? 'FOLL_LONGTERM needs FOLL_PIN' })),
          ],
          fixes: fix ? [fix] : [],
        });
      }
      for (const flag of ['FOLL_PIN', 'FOLL_GET']) {
        const value = call.values.find((v) => reportsFlag(v, flag));
        if (!value) continue;
        const term = value.flags.get(flag)!.find((t) => t.node);
        const at = anchorOf(call, term);
        const rejection = call.entry.rejects.find((r) => r.flag === flag);
        const sets = [...call.entry.adds, ...call.entry.addsWithPages].includes(flag);
        if (!rejection) continue; // accepted but redundant: redundant-caller-flag.ts
        // Dropping a flag the entry point sets itself changes nothing at run time.
        const drop = sets && term?.node ? removeFlagToken(context.text, term.loc.start, term.loc.end, term.node) : undefined;
        context.report({
          messageId: 'callerFlagRejected',
          data: {
            flag,
            callee: call.site.callee,
            kernel: context.kernel,
            result: rejection.result,
            check: rejection.check,
          },
          start: at.start,
          end: at.end,
          related: [{ range: call.site.range, message: `${call.site.callee}()` }, detailAt(call, formatMessage(longtermWithoutPin.meta.messages.check!, { check: rejection.check }))],
          fixes: drop
            ? [{ title: `Drop ${flag}: ${call.site.callee}() sets it itself`, preferred: true, edits: [{ range: context.index.range(drop.start, drop.end), newText: drop.newText }] }]
            : [],
        });
      }
    }
  },
};

/** get_user_pages*() -> pin_user_pages*() with the same arguments, and its releases to unpin. */
function convertToPin(context: RuleContext, call: AnalyzedCall, refs: ReturnType<typeof collectPageRefs>): Fix | undefined {
  const counterpart = call.entry.pinCounterpart;
  if (!counterpart || !entryPointAt(counterpart, context.kernel)?.exists) return undefined;
  const edits = [{ range: context.index.range(call.nameNode.startIndex, call.nameNode.endIndex), newText: counterpart }];
  const key = call.pagesArg && pagesKey(call.pagesArg, call.fn);
  if (key && acquiredKind(refs, key) === 'get' && refs.acquired.get(key)!.length === 1) {
    for (const release of refs.releasesByKey.get(key) ?? []) {
      if (release.kind !== 'get') continue;
      const to = counterpartRelease(release.name);
      if (!to) return undefined; // a release we cannot convert: no half-done fix
      const name = release.call.childForFieldName('function')!;
      edits.push({ range: context.index.range(name.startIndex, name.endIndex), newText: to });
    }
  }
  // A path without FOLL_WRITE becomes a read-only long-term pin: where sim-core finds that unreliable
  // on the target kernel, the conversion is offered but not preferred (scan --fix does not apply it).
  const readOnly = call.values.filter((v) => v.flags.has('FOLL_LONGTERM') && !v.flags.has('FOLL_WRITE') && v.unknown.length === 0);
  const pc = entryPointAt(counterpart, context.kernel)!;
  const unreliable = readOnly.some((v) => readOnlyPinVerdict(context.kernel, [...v.flags.keys()], counterpart, pc.fast).unreliable.length > 0);
  return {
    title: `Use ${counterpart}() and release the pages with unpin_user_page*()${unreliable ? ` (its read-only case is not reliable on Linux ${context.kernel}: see longterm-readonly)` : ''}`,
    preferred: !unreliable,
    edits,
  };
}
