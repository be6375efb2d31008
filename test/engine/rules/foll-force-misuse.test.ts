import { fn, runRuleTests } from '../rule-tester.js';

/** etnaviv's shape: FOLL_WRITE|FOLL_FORCE on every path, and the file records whether the buffer is read-only. */
const USERPTR = [
  'int new_userptr(struct my_obj *obj, u32 flags)',
  '{',
  '\tobj->userptr.ro = !(flags & MY_USERPTR_WRITE);',
  '\treturn 0;',
  '}',
  '',
  'int get_pages(struct my_obj *obj, int n, struct page **pages)',
  '{',
  '\tstruct my_userptr *userptr = &obj->userptr;',
  '',
  '\treturn pin_user_pages_fast(userptr->ptr, n, FOLL_WRITE | FOLL_FORCE | FOLL_LONGTERM, pages);',
  '}',
  '',
].join('\n');
/** The umem idiom: FOLL_WRITE always, FOLL_FORCE only when the buffer is read-only. */
const UMEM = [
  'int f(struct my_umem *umem, unsigned long s, int n, struct page **p)',
  '{',
  '\tunsigned int gup_flags = FOLL_WRITE;',
  '',
  '\tif (!umem->writable)',
  '\t\tgup_flags |= FOLL_FORCE;',
  '',
  '\treturn pin_user_pages_fast(s, n, gup_flags | FOLL_LONGTERM, p);',
  '}',
  '',
].join('\n');
/** The same idiom with a ternary. */
const TERNARY = 'long f(unsigned long s, unsigned long n, int writable, struct page **p)\n{\n\tunsigned int gup_flags;\n\n\tgup_flags = FOLL_WRITE;\n\tgup_flags |= (writable) ? 0 : FOLL_FORCE;\n\treturn pin_user_pages(s, n, gup_flags | FOLL_LONGTERM, p, NULL);\n}\n';
/** USERPTR with its call's flags replaced. */
const userptrWith = (flags: string) => USERPTR.replace('FOLL_WRITE | FOLL_FORCE | FOLL_LONGTERM', flags);

runRuleTests('foll-force-misuse', {
  valid: [
    {
      name: 'ptrace-style access_process_vm with FOLL_FORCE|FOLL_WRITE',
      code: 'int poke(struct task_struct *t, unsigned long a, unsigned long v)\n{\n\treturn access_process_vm(t, a, &v, sizeof(v), FOLL_FORCE | FOLL_WRITE);\n}\n',
    },
    {
      name: 'uprobes-style get_user_pages_remote with FOLL_FORCE (a reference, not a pin)',
      code: 'long f(struct mm_struct *mm, unsigned long v, struct page **p)\n{\n\tunsigned int gup_flags = FOLL_FORCE;\n\n\treturn get_user_pages_remote(mm, v, 1, gup_flags, p, NULL, NULL);\n}\n',
    },
    {
      name: 'exec-style argument copy: FOLL_FORCE and a conditional FOLL_WRITE on get_user_pages_remote',
      code: 'long f(struct mm_struct *mm, unsigned long pos, int write, struct page **p)\n{\n\tunsigned int gup_flags = FOLL_FORCE;\n\n\tif (write)\n\t\tgup_flags |= FOLL_WRITE;\n\treturn get_user_pages_remote(mm, pos, 1, gup_flags, p, NULL, NULL);\n}\n',
    },
    {
      name: 'a pin whose flags are unknown (a struct field): no finding on an unknown alone',
      code: fn('pin_user_pages_fast(s, n, d->gup_flags | FOLL_LONGTERM, p)', 'struct my_dev *d, unsigned long s, int n, struct page **p'),
    },
    {
      name: 'the upstream form after the series',
      code: 'int f(unsigned long s, int n, bool writable, struct page **p)\n{\n\tunsigned int gup_flags = FOLL_LONGTERM;\n\n\tif (writable)\n\t\tgup_flags |= FOLL_WRITE;\n\treturn pin_user_pages_fast(s, n, gup_flags, p);\n}\n',
      kernel: '6.12',
    },
  ],
  invalid: [
    {
      name: 'FOLL_WRITE always, FOLL_FORCE only when read-only (if): the read-only path loses both',
      code: UMEM,
      kernel: '6.12',
      findings: [{ line: 6, severity: 'warning', message: /not needed for a coherent pin on Linux 6\.12 \(GUP breaks COW first since 6\.2\)/ }],
      output: [
        ['gup_flags = FOLL_WRITE;', 'gup_flags = 0;'],
        ['if (!umem->writable)\n\t\tgup_flags |= FOLL_FORCE;', 'if (umem->writable)\n\t\tgup_flags |= FOLL_WRITE;'],
      ],
    },
    {
      name: 'the same idiom with a ternary',
      code: TERNARY,
      kernel: '6.12',
      findings: [{ line: 6 }],
      output: [
        ['gup_flags = FOLL_WRITE;', 'gup_flags = 0;'],
        ['(writable) ? 0 : FOLL_FORCE', '(writable) ? FOLL_WRITE : 0'],
      ],
    },
    {
      name: 'FOLL_FORCE always beside a conditional FOLL_WRITE: only FOLL_FORCE goes',
      code: 'long f(int rw, unsigned long s, unsigned long n, struct page **p)\n{\n\tunsigned int flags = FOLL_FORCE;\n\n\tif (rw == READ)\n\t\tflags |= FOLL_WRITE;\n\treturn pin_user_pages(s, n, flags | FOLL_LONGTERM, p, NULL);\n}\n',
      findings: [{ line: 3 }],
      output: 'long f(int rw, unsigned long s, unsigned long n, struct page **p)\n{\n\tunsigned int flags = 0;\n\n\tif (rw == READ)\n\t\tflags |= FOLL_WRITE;\n\treturn pin_user_pages(s, n, flags | FOLL_LONGTERM, p, NULL);\n}\n',
    },
    {
      name: 'FOLL_FORCE alone on a short-term pin: the flags become 0',
      code: fn('pin_user_pages_unlocked(a, n, map, FOLL_FORCE)', 'unsigned long a, unsigned long n, struct page **map'),
      findings: [{ line: 3, message: /short-term pin needs no FOLL_FORCE on any kernel/ }],
      output: fn('pin_user_pages_unlocked(a, n, map, 0)', 'unsigned long a, unsigned long n, struct page **map'),
    },
    {
      name: 'FOLL_FORCE|FOLL_WRITE both unconditional: FOLL_WRITE stays, with a note',
      code: fn('pin_user_pages_fast(s, n,\n\t\t\t\t   FOLL_FORCE | FOLL_WRITE | FOLL_LONGTERM,\n\t\t\t\t   p)'),
      findings: [{ line: 4 }],
      output: fn('pin_user_pages_fast(s, n,\n\t\t\t\t   FOLL_WRITE | FOLL_LONGTERM,\n\t\t\t\t   p)'),
    },
    {
      name: 'both unconditional, with the read-only choice recorded in the file: FOLL_WRITE follows it',
      code: USERPTR,
      kernel: '6.12',
      findings: [{ line: 11 }],
      output: userptrWith('(!userptr->ro ? FOLL_WRITE : 0) | FOLL_LONGTERM'),
    },
    {
      name: 'FOLL_FORCE through a macro: the macro loses it',
      code: '#define MY_FLAGS\t(FOLL_WRITE | FOLL_FORCE | FOLL_LONGTERM)\n\nint f(unsigned long s, int n, struct page **p)\n{\n\treturn pin_user_pages_fast(s, n, MY_FLAGS, p);\n}\n',
      findings: [{ line: 5 }],
      output: '#define MY_FLAGS\t(FOLL_WRITE | FOLL_LONGTERM)\n\nint f(unsigned long s, int n, struct page **p)\n{\n\treturn pin_user_pages_fast(s, n, MY_FLAGS, p);\n}\n',
    },
    {
      name: 'FOLL_FORCE with FOLL_LONGTERM on get_user_pages (a long-term call even without a pin entry point)',
      code: fn('get_user_pages(s, n, FOLL_FORCE | FOLL_LONGTERM, p, NULL)', 'unsigned long s, unsigned long n, struct page **p'),
      findings: [{ line: 3 }],
      output: fn('get_user_pages(s, n, FOLL_LONGTERM, p, NULL)', 'unsigned long s, unsigned long n, struct page **p'),
    },
    {
      name: 'on 6.12 the message says the pin is reliable without it',
      code: fn('pin_user_pages_fast(s, n, FOLL_FORCE | FOLL_WRITE | FOLL_LONGTERM, p)'),
      kernel: '6.12',
      findings: [{ line: 3, message: /GUP breaks COW first since 6\.2/ }],
    },
    {
      name: 'before 6.2 the read-only idiom is what keeps the pin coherent: a note, and no fix that removes it',
      code: UMEM,
      kernel: '6.1',
      findings: [{ line: 6, severity: 'information', message: /keeps this read-only long-term pin coherent on Linux 6\.1; keep it until the driver requires 6\.2\b/, related: /lost on the next write/ }],
      output: null,
    },
    {
      name: 'the same on 5.10',
      code: TERNARY,
      kernel: '5.10',
      findings: [{ line: 6, severity: 'information', message: /coherent on Linux 5\.10/ }],
      output: null,
    },
    {
      name: 'before 6.2, with the read-only choice recorded: FOLL_WRITE stays (a conditional one would leave an unreliable read-only pin), and the message says what read-only buffers get',
      code: USERPTR,
      kernel: '6.1',
      findings: [{ line: 11, severity: 'warning', related: /dropping it keeps FOLL_WRITE: a buffer mapped read-only then fails to pin \(-EFAULT\)/ }],
      output: userptrWith('FOLL_WRITE | FOLL_LONGTERM'),
    },
  ],
});
