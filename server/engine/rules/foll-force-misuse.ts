// foll-force-misuse: FOLL_FORCE reaching a call that takes a pin (a pin_user_pages* entry point,
// or FOLL_LONGTERM). That is the driver idiom FOLL_FORCE|FOLL_WRITE for read-only long-term pins,
// which the 6.2 series "mm/gup: remove FOLL_FORCE usage from drivers (reliable R/O long-term
// pinning)" removed from every driver. Debugger-style access (ptrace, access_process_vm,
// /proc/pid/mem, uprobes, exec's argument copy, an LSM reading them, core dumps) is legitimate:
// it goes through the debugger family or get_user_pages_remote() without a pin, and is never
// flagged here.
//
// The advice follows the target kernel, as sim-core computes it: where a read-only long-term pin is
// not reliable (before 6.2's gup_must_unshare() change), FOLL_FORCE|FOLL_WRITE is what keeps the
// read-only case coherent, so the rule says so as a note and offers no fix that would turn it into
// a read-only pin. A fix that keeps FOLL_WRITE says what it costs: a buffer the process mapped
// read-only then fails to pin (check_vma_flags(), mm/gup.c).
import { follForceFixes, isReadOnlyIdiom } from '../fixes/foll-force.js';
import { firstReliableRelease, readOnlyPinVerdict, refusalOnReadOnlyMapping } from '../reliability.js';
import type { FlowValue } from '../flag-flow.js';
import { KNOWN_TREES, compareReleases } from '../../../sim-core/index.js';
import { anchorOf, detailAt, formatMessage, reportsFlag, type AnalyzedCall, type Rule } from './rule.js';

export const follForceMisuse: Rule = {
  meta: {
    code: 'foll-force-misuse',
    title: 'FOLL_FORCE on a pin',
    link: 'https://git.kernel.org/torvalds/c/84209e87c696',
    fixable: true,
    description:
      'FOLL_FORCE passed to a pinning GUP call. FOLL_FORCE is for debugger access (ptrace, /proc/pid/mem): it lets a write ' +
      'go to a read-only private mapping through COW. Drivers used FOLL_FORCE|FOLL_WRITE to get a coherent read-only ' +
      'long-term pin; from Linux 6.2 GUP unshares COW pages before a R/O FOLL_LONGTERM pin, so the hack is no longer needed. ' +
      'Before 6.2 it is still the only way to get that pin, and pinsight says so instead of offering to remove it.',
    // The first sentence is the verdict (rule.ts FIRST_SENTENCE_MAX); what a read-only buffer gets
    // after the fix, and which memory kinds the idiom protects, are related information.
    messages: {
      idiom:
        'FOLL_FORCE on {callee}(){longterm}: not needed for a coherent pin on Linux {kernel}{since}. ' +
        'FOLL_FORCE is for debuggers: in a driver it lets the pin write through a read-only mapping.{shortTerm}',
      force:
        "FOLL_FORCE on {callee}(){longterm}: a debugger's flag that overrides the mapping's permissions, which a driver's pin should honour.{shortTerm}",
      shortTerm: ' A short-term pin needs no FOLL_FORCE on any kernel.',
      keep: 'FOLL_FORCE|FOLL_WRITE on {callee}() keeps this read-only long-term pin coherent on Linux {kernel}{until}.',
      until: '; keep it until the driver requires {until}',
      keepUntil: '; keep it',
      keepWhy:
        'without it the read-only pin of {kinds} in a private writable mapping is lost on the next write (GUP breaks COW first only from {until}, 84209e87c696)',
      since: ' (GUP breaks COW first since {release})',
      writeStays: 'dropping it keeps FOLL_WRITE: a buffer mapped read-only then fails to pin ({errno})',
      writeStaysFix: 'a buffer mapped read-only then fails to pin ({errno})',
    },
    severity: () => 'warning',
  },
  check(context) {
    const { messages } = follForceMisuse.meta;
    for (const call of context.calls) {
      if (call.entry.family === 'debugger') continue;
      const forced = call.values.filter((v) => reportsFlag(v, 'FOLL_FORCE'));
      if (forced.length === 0) continue;
      const pins = call.entry.pins || forced.some((v) => v.flags.has('FOLL_LONGTERM'));
      if (!pins) continue;
      const terms = [...new Map(forced.flatMap((v) => v.flags.get('FOLL_FORCE')!).map((t) => [t.loc.start, t])).values()];
      const first = terms.sort((a, b) => a.loc.start - b.loc.start)[0]!;
      const withWrite = forced.some((v) => v.flags.has('FOLL_WRITE')) || call.values.some((v) => v.flags.has('FOLL_WRITE'));
      const longterm = forced.some((v) => v.flags.has('FOLL_LONGTERM'));
      // What a buffer mapped read-only gets once FOLL_FORCE is gone and FOLL_WRITE stays: sim-core's answer.
      const afterFix = forced.filter((v) => v.flags.has('FOLL_WRITE')).map((v) => [...v.flags.keys()].filter((f) => f !== 'FOLL_FORCE'));
      const errno = afterFix.map((flags) => refusalOnReadOnlyMapping(context.kernel, flags, call.entry.name, call.entry.fast)).find((e) => e);
      const candidates = follForceFixes(context, call, errno ? messages.writeStaysFix!.replace('{errno}', errno) : undefined);
      // A project that still supports an older kernel (`kernels`) needs the idiom as long as that kernel does.
      const oldest = context.kernels && compareReleases(context.kernels.from, context.kernel) < 0 ? context.kernels.from : undefined;
      const readOnlyThen = longterm && oldest ? readOnlyCase(oldest, call, forced) : undefined;
      const readOnly = readOnlyThen?.unreliable ? readOnlyThen : longterm ? readOnlyCase(context.kernel, call, forced) : undefined;
      const readOnlyKernel = readOnlyThen?.unreliable ? oldest! : context.kernel;
      // A fix that takes the idiom away from the read-only case is right only where a read-only long-term pin is reliable.
      const safe = candidates.filter((c) => !(c.needsReliableReadOnlyPin && readOnly?.unreliable));
      const at = anchorOf(call, terms.find((t) => anchorOf(call, t).start === t.loc.start) ?? first);
      const related = [
        { range: call.site.range, message: `the pinning call ${call.site.callee}()` },
        ...terms.map((t) => ({ range: context.index.range(t.loc.start, t.loc.end), message: `FOLL_FORCE set here${t.macro ? ` (through ${t.macro})` : ''}` })),
      ];
      const idiomNeeded = readOnly?.unreliable && (candidates.length > 0 ? safe.length === 0 : isReadOnlyIdiom(call));
      if (idiomNeeded) {
        // Before the kernel that breaks COW for read-only long-term pins, the idiom is what makes the pin coherent.
        const until = readOnly!.until;
        context.report({
          messageId: 'keep',
          severity: 'information',
          data: { callee: call.site.callee, kernel: readOnlyKernel, until: until ? formatMessage(messages.until!, { until }) : messages.keepUntil! },
          start: at.start,
          end: at.end,
          related: [...related, detailAt(call, formatMessage(messages.keepWhy!, { kinds: readOnly!.kinds, until: until ?? 'a later kernel' }))],
          fixes: [],
        });
        continue;
      }
      const writeStays = safe[0]?.writeStays && errno ? [detailAt(call, formatMessage(messages.writeStays!, { errno }))] : [];
      context.report({
        messageId: withWrite ? 'idiom' : 'force',
        data: {
          callee: call.site.callee,
          kernel: context.kernel,
          longterm: longterm ? ' with FOLL_LONGTERM' : '',
          since: readOnly?.reliableSince ? messages.since!.replace('{release}', readOnly.reliableSince) : '',
          shortTerm: longterm ? '' : messages.shortTerm!,
        },
        fixes: safe.map((c, i) => ({ ...c.fix, preferred: i === 0 })),
        start: at.start,
        end: at.end,
        related: [...related, ...writeStays],
      });
    }
  },
};

/**
 * The read-only case of a forced long-term pin, as sim-core sees it on `kernel`: the caller's flags
 * without FOLL_FORCE and FOLL_WRITE. `unreliable` when such a pin is lost on some memory kind;
 * `until` the first release where it is not; `reliableSince` the release that made it reliable.
 */
function readOnlyCase(
  kernel: string,
  call: AnalyzedCall,
  forced: FlowValue[],
): { unreliable: boolean; kinds: string; until?: string; reliableSince?: string } {
  const flags = [...new Set(forced.flatMap((v) => [...v.flags.keys()]))].filter((f) => f !== 'FOLL_FORCE' && f !== 'FOLL_WRITE');
  // A get_user_pages*() call with FOLL_LONGTERM is refused outright (longterm-without-pin): what
  // matters is the pin it is meant to be, its pin_user_pages*() counterpart.
  const entry = call.entry.pins ? call.entry.name : (call.entry.pinCounterpart ?? call.entry.name);
  const verdict = readOnlyPinVerdict(kernel, flags, entry, call.entry.fast);
  if (!verdict.modelled) return { unreliable: false, kinds: '' };
  if (verdict.unreliable.length > 0) {
    const until = firstReliableRelease(kernel, flags, entry, call.entry.fast);
    return { unreliable: true, kinds: verdict.unreliable.map((u) => u.kind).join(', '), ...(until ? { until } : {}) };
  }
  // Reliable here: name the release that made it so, when the model knows an older kernel where it was not.
  const since = firstReliableRelease(KNOWN_TREES[0], flags, entry, call.entry.fast);
  return { unreliable: false, kinds: '', ...(since && compareReleases(kernel, since) >= 0 ? { reliableSince: since } : {}) };
}
