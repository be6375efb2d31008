// longterm-readonly: FOLL_LONGTERM without FOLL_WRITE on a pin. Before 6.2 such a pin is not
// reliable in a private writable (COW) mapping of non-anonymous memory: 6.1's gup_must_unshare()
// (include/linux/mm.h, 2 arguments) returns false for !PageAnon pages, so GUP pins the shared
// page and the process's next write replaces it in its page table. From 6.2 (84209e87c696) GUP
// unshares first and the pin is reliable; a side effect is that the pin now populates exclusive
// anonymous pages (instead of pinning the shared zeropage), which count against memlock limits.
// Which memory kinds are affected, and why, is sim-core's answer (reliability.ts), not a list here.
import { kernelAtLeast } from '../kernel-version.js';
import { readOnlyPinVerdict } from '../reliability.js';
import { anchorOf, type Rule } from './rule.js';

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
    messages: {
      unreliable:
        'Read-only long-term pin through {callee}(){path}: on Linux {kernel} it is not reliable in a private writable (COW) mapping of {kinds}: the process\'s next write replaces the pinned page in its page table. For example, {why} Linux 6.2 makes GUP break COW before such a pin (84209e87c696); before it, drivers used FOLL_FORCE|FOLL_WRITE.',
      unmodelled:
        'Read-only long-term pin through {callee}(){path}: pinsight\'s model does not cover Linux {kernel}; before 6.2 such a pin is not reliable in private writable (COW) mappings of non-anonymous memory (84209e87c696).',
      reliable:
        'Read-only long-term pin through {callee}(){path}: reliable on Linux {kernel} (GUP breaks COW before pinning, since 6.2). Note: in a private mapping it now populates exclusive anonymous pages instead of pinning the shared zeropage, and those count against the memlock limit (RLIMIT_MEMLOCK, e.g. for VFIO).',
    },
    // The severity of a finding comes from sim-core's verdict; this is the rule's default.
    severity: (kernel) => (kernelAtLeast(kernel, '6.2') ? 'information' : 'warning'),
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
        const path = call.site.flagSets.length > 1 && call.site.flagSets.find((s) => s.flags.join() === [...value.flags.keys()].sort().join())?.path;
        context.report({
          messageId: !verdict.modelled ? 'unmodelled' : reliable ? 'reliable' : 'unreliable',
          severity: reliable ? 'information' : 'warning',
          data: {
            callee: call.site.callee,
            kernel: context.kernel,
            path: path ? ` when ${path}` : '',
            kinds: verdict.unreliable.map((u) => u.kind).join(', '),
            // One example, preferably a non-anonymous kind (the case the 6.2 series fixed).
            why: lowerFirst((verdict.unreliable.find((u) => !u.anonymous) ?? verdict.unreliable[0])?.summary ?? ''),
          },
          start: at.start,
          end: at.end,
          related: [{ range: call.site.range, message: `the pinning call ${call.site.callee}()` }],
        });
        break; // one finding per call
      }
    }
  },
};

function lowerFirst(text: string): string {
  return text ? text[0]!.toLowerCase() + text.slice(1) : text;
}
