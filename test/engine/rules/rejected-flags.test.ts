import { fn, runRuleTests } from '../rule-tester.js';

runRuleTests('rejected-flags', {
  valid: [
    { name: 'FOLL_NOWAIT on the slow path', code: fn('get_user_pages(s, 1, FOLL_NOWAIT, p, NULL)', 'unsigned long s, struct page **p') },
    {
      name: 'FOLL_LONGTERM on pin_user_pages_unlocked() from 6.3 on',
      code: fn('pin_user_pages_unlocked(s, n, p, FOLL_LONGTERM)', 'unsigned long s, unsigned long n, struct page **p'),
      kernel: '6.12',
    },
    { name: 'FOLL_TOUCH on 6.1 (not checked there)', code: fn('get_user_pages(s, 1, FOLL_TOUCH, p, NULL)', 'unsigned long s, struct page **p') },
  ],
  invalid: [
    {
      name: 'copy_remote_vm_str() goes through get_user_page_vma_remote(), which refuses FOLL_NOWAIT (7.3)',
      code: fn('copy_remote_vm_str(t, a, b, 16, FOLL_NOWAIT)', 'struct task_struct *t, unsigned long a, char *b'),
      kernel: '7.3',
      findings: [{ line: 3, severity: 'error', message: /FOLL_NOWAIT passed to copy_remote_vm_str\(\): Linux 7\.3 rejects it/ }],
    },
    {
      name: 'FOLL_NOWAIT on GUP-fast',
      code: fn('get_user_pages_fast(s, n, FOLL_WRITE | FOLL_NOWAIT, p)'),
      findings: [{ line: 3, severity: 'error', message: /GUP-fast on Linux 6\.1 does not accept it/, related: /GUP-fast on Linux 6\.1 accepts only/ }],
      output: null,
    },
    {
      name: 'FOLL_LONGTERM on pin_user_pages_unlocked() on 6.1',
      code: fn('pin_user_pages_unlocked(s, n, p, FOLL_LONGTERM)', 'unsigned long s, unsigned long n, struct page **p'),
      findings: [{ line: 3, message: /FOLL_LONGTERM passed to pin_user_pages_unlocked\(\): Linux 6\.1 rejects it/, related: /6\.1 mm\/gup\.c:2367/ }],
      output: null,
    },
    {
      name: 'an internal flag on 6.12 that the entry point adds itself: dropped',
      code: fn('get_user_pages(s, 1, FOLL_TOUCH | FOLL_WRITE, p)', 'unsigned long s, struct page **p'),
      kernel: '6.12',
      findings: [{ line: 3, related: /is_valid_gup_args/ }],
      output: fn('get_user_pages(s, 1, FOLL_WRITE, p)', 'unsigned long s, struct page **p'),
    },
  ],
});
