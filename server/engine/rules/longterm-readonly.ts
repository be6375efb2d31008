// longterm-readonly: FOLL_LONGTERM without FOLL_WRITE on a pin. Before 6.2 such a pin is not
// reliable in a private writable (COW) mapping of non-anonymous memory: 6.1's gup_must_unshare()
// (include/linux/mm.h, 2 arguments) returns false for !PageAnon pages, so GUP pins the shared
// page and the process's next write replaces it in its page table. From 6.2 (84209e87c696) GUP
// unshares first and the pin is reliable; a side effect is that the pin now populates exclusive
// anonymous pages (instead of pinning the shared zeropage), which count against memlock limits.
// Which memory kinds are affected, and why, is sim-core's answer (reliability.ts), not a list here.
import { firstReliableRelease, readOnlyPinVerdict } from '../reliability.js';
import { anchorOf, detailAt, formatMessage, type Rule } from './rule.js';

export const longtermReadonly: Rule = {
  meta: {
    code: 'longterm-readonly',
    title: 'Read-only long-term pin',
    link: 'https://docs.kernel.org/core-api/pin_user_pages.html',
    fixable: false,
    description:
      'A FOLL_LONGTERM pin without FOLL_WRITE. Before Linux 6.2 it is not reliable in a private writable (COW) mapping of ' +
      'page cache, the shared zeropage or hugetlb memory: the next write by the process replaces the pinned page in its ' +
      'page table. From 6.2 it is reliable, and populates anonymous pages that count against memlock limits.',
    // The first sentence is the verdict (rule.ts FIRST_SENTENCE_MAX); which memory kinds, what to do
    // and an example run are the related information, on the pinning call.
    messages: {
      unreliable:
        "Read-only long-term pin is not reliable on Linux {kernel}: the process's next write replaces the pinned page in a private writable mapping. " +
        'For {callee}(){path}: pass FOLL_WRITE{requires}.',
      requires: ', or require Linux {fixedIn}',
      unmodelled:
        "Read-only long-term pin on Linux {kernel} is outside pinsight's model: whether the process's next write replaces the pinned page is not known. " +
        'For {callee}(){path}: such a pin is reliable in private writable (COW) mappings only where GUP breaks COW first (84209e87c696).',
      reliable:
        'Read-only long-term pin is reliable on Linux {kernel}, but in a private mapping it populates anonymous pages that count against the memlock limit. ' +
        'The read-only pin: {callee}(){path}.',
      kinds: "not reliable on Linux {kernel} in a private writable (COW) mapping of: {kinds} (sim-core's verdict after a write by the process)",
      advice:
        'to keep it coherent there, pass FOLL_WRITE (FOLL_FORCE|FOLL_WRITE if read-only mappings must be accepted: the idiom drivers used before {fixedIn}){requiresLong}',
      requiresLong: ', or require Linux {fixedIn}, where GUP breaks COW first (84209e87c696)',
      example: 'for example, {why}',
      memlock:
        'GUP breaks COW before pinning, so in a private mapping the pin populates exclusive anonymous pages instead of pinning the shared zeropage; those count against the memlock limit (RLIMIT_MEMLOCK, as VFIO accounts it)',
    },
    // The severity of a finding comes from sim-core's verdict; the rule's default is the verdict for
    // a plain pin_user_pages(FOLL_LONGTERM) on the kernel.
    severity: (kernel) => {
      const v = readOnlyPinVerdict(kernel, ['FOLL_LONGTERM'], 'pin_user_pages', false);
      return v.modelled && v.unreliable.length === 0 ? 'information' : 'warning';
    },
  },
  check(context) {
    for (const call of context.calls) {
      if (call.entry.family === 'debugger') continue;
      for (const value of call.values) {
        if (!value.flags.has('FOLL_LONGTERM') || value.flags.has('FOLL_WRITE') || value.unknown.length > 0) continue;
        if (!call.entry.pins) continue; // get_user_pages* with FOLL_LONGTERM is longterm-without-pin's
        const term = value.flags.get('FOLL_LONGTERM')!.find((t) => t.node) ?? undefined;
        const at = anchorOf(call, term);
        const verdict = readOnlyPinVerdict(context.kernel, [...value.flags.keys()], call.entry.name, call.entry.fast);
        const reliable = verdict.modelled && verdict.unreliable.length === 0;
        // The release from which the same pin is reliable: sim-core's answer, run on later kernels.
        const fixedIn = reliable ? undefined : firstReliableRelease(context.kernel, [...value.flags.keys()], call.entry.name, call.entry.fast);
        const path = call.site.flagSets.length > 1 && call.site.flagSets.find((s) => s.flags.join() === [...value.flags.keys()].sort().join())?.path;
        const { messages } = longtermReadonly.meta;
        const fill = (template: string) => formatMessage(template, { kernel: context.kernel, fixedIn: fixedIn ?? 'a later kernel', kinds: verdict.unreliable.map((u) => u.kind).join(', ') });
        // One example, preferably a non-anonymous kind (the case the 6.2 series fixed).
        const example = (verdict.unreliable.find((u) => !u.anonymous) ?? verdict.unreliable[0])?.summary;
        const details = !verdict.modelled
          ? []
          : reliable
            ? [messages.memlock!]
            : [
                fill(messages.kinds!),
                fill(messages.advice!).replace('{requiresLong}', fixedIn ? fill(messages.requiresLong!) : ''),
                ...(example ? [formatMessage(messages.example!, { why: lowerFirst(example) })] : []),
              ];
        context.report({
          messageId: !verdict.modelled ? 'unmodelled' : reliable ? 'reliable' : 'unreliable',
          severity: reliable ? 'information' : 'warning',
          data: {
            callee: call.site.callee,
            kernel: context.kernel,
            requires: fixedIn ? fill(messages.requires!) : '',
            path: path ? ` when ${path}` : '',
          },
          start: at.start,
          end: at.end,
          related: [{ range: call.site.range, message: `the pinning call ${call.site.callee}()` }, ...details.map((d) => detailAt(call, d))],
        });
        break; // one finding per call
      }
    }
  },
};

function lowerFirst(text: string): string {
  return text ? text[0]!.toLowerCase() + text.slice(1) : text;
}
