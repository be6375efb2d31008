import { fn, runRuleTests } from '../rule-tester.js';

runRuleTests('longterm-without-pin', {
  valid: [
    // Redundant but accepted: its own code, redundant-caller-flag (issue 20).
    { name: 'a caller passing FOLL_GET to get_user_pages_unlocked()', code: fn('get_user_pages_unlocked(s, 1, p, FOLL_GET)', 'unsigned long s, struct page **p'), kernel: '6.12' },
    { name: 'a long-term pin', code: fn('pin_user_pages_fast(s, n, FOLL_LONGTERM, p)') },
    { name: 'a short-term reference', code: fn('get_user_pages_fast(s, n, FOLL_WRITE, p)') },
    {
      name: 'the GUP core passing FOLL_PIN between its own entry points (6.1 pin_user_pages_unlocked)',
      code: 'long pin_user_pages_unlocked(unsigned long s, unsigned long n, struct page **p, unsigned int gup_flags)\n{\n\tgup_flags |= FOLL_PIN;\n\treturn get_user_pages_unlocked(s, n, p, gup_flags);\n}\n',
    },
  ],
  invalid: [
    {
      name: 'get_user_pages_fast() with FOLL_LONGTERM through a parameter: converted with its release',
      code: [
        'static long grab(struct region *r, unsigned long start, unsigned int gup_flags)',
        '{',
        '\treturn get_user_pages_fast(start, r->npages, gup_flags, r->pages);',
        '}',
        '',
        'int reg(struct region *r, unsigned long start)',
        '{',
        '\treturn grab(r, start, FOLL_LONGTERM | FOLL_WRITE);',
        '}',
        '',
        'void unreg(struct region *r)',
        '{',
        '\trelease_pages(r->pages, r->npages);',
        '}',
        '',
      ].join('\n'),
      findings: [{ line: 3, severity: 'error', message: /pin_user_pages_fast\(\)/, related: /rejected by is_valid_gup_flags\(\)/ }],
      output: [
        ['return get_user_pages_fast(', 'return pin_user_pages_fast('],
        ['release_pages(r->pages', 'unpin_user_pages(r->pages'],
      ],
    },
    {
      name: 'a caller passing FOLL_PIN on 6.12: rejected',
      code: fn('pin_user_pages(s, n, FOLL_PIN | FOLL_WRITE, p)', 'unsigned long s, unsigned long n, struct page **p'),
      kernel: '6.12',
      findings: [{ line: 3, severity: 'error', message: /rejects a caller's FOLL_PIN/ }],
    },
  ],
});
