import { fn, runRuleTests } from '../rule-tester.js';

runRuleTests('redundant-caller-flag', {
  valid: [
    { name: 'no FOLL_GET or FOLL_PIN from the caller', code: fn('get_user_pages_fast(s, n, FOLL_WRITE, p)') },
    {
      name: 'a caller passing FOLL_PIN on 6.12: rejected, so longterm-without-pin, not this',
      code: fn('pin_user_pages(s, n, FOLL_PIN | FOLL_WRITE, p)', 'unsigned long s, unsigned long n, struct page **p'),
      kernel: '6.12',
    },
    {
      name: 'the GUP core passing FOLL_PIN between its own entry points (6.1 pin_user_pages_unlocked)',
      code: 'long pin_user_pages_unlocked(unsigned long s, unsigned long n, struct page **p, unsigned int gup_flags)\n{\n\tgup_flags |= FOLL_PIN;\n\treturn get_user_pages_unlocked(s, n, p, gup_flags);\n}\n',
    },
  ],
  invalid: [
    {
      name: 'a caller passing FOLL_GET to get_user_pages_unlocked(): redundant, a hint',
      code: fn('get_user_pages_unlocked(s, 1, p, FOLL_GET)', 'unsigned long s, struct page **p'),
      kernel: '6.12',
      findings: [{ line: 3, severity: 'hint', message: /FOLL_GET passed to get_user_pages_unlocked\(\): the entry point sets it itself/ }],
      output: fn('get_user_pages_unlocked(s, 1, p, 0)', 'unsigned long s, struct page **p'),
    },
  ],
});
