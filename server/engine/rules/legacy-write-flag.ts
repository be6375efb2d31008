// legacy-write-flag (added by pinsight): a flags argument written as the pre-4.9 `int write` of
// get_user_pages*() (1, or a boolean expression such as `dir != DMA_TO_DEVICE`). 4.9's
// "mm: replace get_user_pages() write/force parameters with gup_flags" turned the argument into
// gup_flags; a literal 1 still means FOLL_WRITE only because FOLL_WRITE is 0x01 on every kernel
// (5.10 and 6.1 include/linux/mm.h, 6.12 include/linux/mm_types.h), and `true` from a comparison
// is 1. The flags are resolved (flag-flow.ts); this rule says to write them as flags, so that no
// renumbering or added bit can change what the call asks for.
import { anchorOf, type Rule } from './rule.js';

export const legacyWriteFlag: Rule = {
  meta: {
    code: 'legacy-write-flag',
    title: 'An `int write` where gup_flags are meant',
    link: 'https://docs.kernel.org/core-api/pin_user_pages.html',
    fixable: true,
    description:
      'The flags argument of a GUP/PUP call is a literal 1 or a boolean expression: the pre-4.9 `int write` signature. It ' +
      'means FOLL_WRITE only because FOLL_WRITE happens to be 1; write FOLL_WRITE explicitly.',
    messages: {
      literal: '`{short}` passed as the flags of {callee}(): the pre-4.9 `int write`, FOLL_WRITE only because FOLL_WRITE is 1. Write FOLL_WRITE.',
      boolean:
        '`{short}` passed as the flags of {callee}(): a boolean, FOLL_WRITE only because FOLL_WRITE is 1. Write `({text}) ? FOLL_WRITE : 0` (the pre-4.9 `int write` is gone).',
      fixLiteral: 'Write FOLL_WRITE',
      fixBoolean: 'Write ({text}) ? FOLL_WRITE : 0',
    },
    severity: () => 'information',
  },
  check(context) {
    const { messages } = legacyWriteFlag.meta;
    for (const call of context.calls) {
      const seen = new Set<number>();
      for (const value of call.values) {
        for (const term of value.flags.get('FOLL_WRITE') ?? []) {
          if (!term.legacy || seen.has(term.loc.start)) continue;
          seen.add(term.loc.start);
          const text = context.text.slice(term.loc.start, term.loc.end);
          const newText = term.legacy === 'literal' ? 'FOLL_WRITE' : `(${text}) ? FOLL_WRITE : 0`;
          const at = anchorOf(call, term);
          // The edit is made only where the expression is the file's own text (not a macro's value).
          const fixes = term.node
            ? [{
                title: term.legacy === 'literal' ? messages.fixLiteral! : messages.fixBoolean!.replace('{text}', text),
                preferred: true,
                edits: [{ range: context.index.range(term.loc.start, term.loc.end), newText }],
              }]
            : [];
          context.report({
            messageId: term.legacy,
            data: { text, short: shortened(text), callee: call.site.callee },
            start: at.start,
            end: at.end,
            related: [{ range: call.site.range, message: `${call.site.callee}()` }],
            fixes,
          });
        }
      }
    }
  },
};

/** An expression as the first sentence names it: whole up to 32 characters, else its start. */
function shortened(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= 32 ? flat : `${flat.slice(0, 31)}…`;
}
