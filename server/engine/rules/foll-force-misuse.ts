// foll-force-misuse: FOLL_FORCE reaching a call that takes a pin (a pin_user_pages* entry point,
// or FOLL_LONGTERM). That is the driver idiom FOLL_FORCE|FOLL_WRITE for read-only long-term pins,
// which the 6.2 series "mm/gup: remove FOLL_FORCE usage from drivers (reliable R/O long-term
// pinning)" removed from every driver. Debugger-style access (ptrace, access_process_vm,
// /proc/pid/mem, uprobes, exec's argument copy, an LSM reading them, core dumps) is legitimate:
// it goes through the debugger family or get_user_pages_remote() without a pin, and is never
// flagged here.
import { kernelAtLeast } from '../kernel-version.js';
import { follForceFix } from '../fixes/foll-force.js';
import { anchorOf, type Rule } from './rule.js';

export const follForceMisuse: Rule = {
  meta: {
    code: 'foll-force-misuse',
    title: 'FOLL_FORCE on a pin',
    link: 'https://git.kernel.org/torvalds/c/84209e87c696',
    fixable: true,
    description:
      'FOLL_FORCE passed to a pinning GUP call. FOLL_FORCE is for debugger access (ptrace, /proc/pid/mem): it lets a write ' +
      'go to a read-only private mapping through COW. Drivers used FOLL_FORCE|FOLL_WRITE to get a coherent read-only ' +
      'long-term pin; since Linux 6.2 GUP unshares COW pages before a R/O FOLL_LONGTERM pin, so the hack is no longer needed.',
    messages: {
      idiom:
        'FOLL_FORCE reaches {callee}(){longterm}: the FOLL_FORCE|FOLL_WRITE idiom for read-only long-term pins. ' +
        'FOLL_FORCE is for debugger access (ptrace, /proc/pid/mem); in a driver it lets the pin write through a mapping ' +
        'the process made read-only. {since}',
      force:
        'FOLL_FORCE reaches {callee}(){longterm}: FOLL_FORCE is for debugger access (ptrace, /proc/pid/mem) and overrides ' +
        "the mapping's permissions; a driver's pin should honour them. {since}",
      since62: 'Since Linux 6.2 GUP breaks COW before a read-only FOLL_LONGTERM pin, so the pin is reliable without it.',
      before62:
        'Upstream removed it in 6.2, where GUP breaks COW before a read-only FOLL_LONGTERM pin (84209e87c696); on {kernel} ' +
        'the fix needs that change too (see longterm-readonly).',
      shortTerm: 'A short-term pin needs no FOLL_FORCE on any kernel (upstream removed it in 6.2).',
    },
    severity: () => 'warning',
  },
  check(context) {
    for (const call of context.calls) {
      if (call.entry.family === 'debugger') continue;
      const forced = call.values.filter((v) => v.flags.has('FOLL_FORCE'));
      if (forced.length === 0) continue;
      const pins = call.entry.pins || forced.some((v) => v.flags.has('FOLL_LONGTERM'));
      if (!pins) continue;
      const terms = [...new Map(forced.flatMap((v) => v.flags.get('FOLL_FORCE')!).map((t) => [t.loc.start, t])).values()];
      const first = terms.sort((a, b) => a.loc.start - b.loc.start)[0]!;
      const withWrite = forced.some((v) => v.flags.has('FOLL_WRITE')) || call.values.some((v) => v.flags.has('FOLL_WRITE'));
      const longterm = forced.some((v) => v.flags.has('FOLL_LONGTERM'));
      const { messages } = follForceMisuse.meta;
      const since = !longterm
        ? messages.shortTerm!
        : kernelAtLeast(context.kernel, '6.2')
          ? messages.since62!
          : messages.before62!.replace('{kernel}', context.kernel);
      const fix = follForceFix(context, call);
      // The finding sits on the FOLL_FORCE token when it is in this file's code, else on the call.
      const at = anchorOf(call, terms.find((t) => anchorOf(call, t).start === t.loc.start) ?? first);
      context.report({
        messageId: withWrite ? 'idiom' : 'force',
        data: { callee: call.site.callee, longterm: longterm ? ' with FOLL_LONGTERM' : '', since },
        start: at.start,
        end: at.end,
        related: [
          { range: call.site.range, message: `the pinning call ${call.site.callee}()` },
          ...terms.map((t) => ({ range: context.index.range(t.loc.start, t.loc.end), message: `FOLL_FORCE set here${t.macro ? ` (through ${t.macro})` : ''}` })),
        ],
        fixes: fix ? [fix.preferred, ...fix.alternatives] : [],
      });
    }
  },
};
