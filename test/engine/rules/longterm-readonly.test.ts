import { runRuleTests } from '../rule-tester.js';

const roPin = 'int f(unsigned long s, int n, struct page **p)\n{\n\treturn pin_user_pages_fast(s, n, FOLL_LONGTERM, p);\n}\n';

runRuleTests('longterm-readonly', {
  valid: [
    { name: 'a writable long-term pin', code: 'int f(unsigned long s, int n, struct page **p)\n{\n\treturn pin_user_pages_fast(s, n, FOLL_WRITE | FOLL_LONGTERM, p);\n}\n' },
    { name: 'a short-term read-only pin (snapshot semantics)', code: 'int f(unsigned long s, int n, struct page **p)\n{\n\treturn pin_user_pages_fast(s, n, 0, p);\n}\n' },
    { name: 'flags partly unknown: FOLL_WRITE may be in them', code: 'int f(struct d *d, unsigned long s, int n, struct page **p)\n{\n\treturn pin_user_pages_fast(s, n, d->flags | FOLL_LONGTERM, p);\n}\n' },
  ],
  invalid: [
    {
      name: 'before 6.2: not reliable in COW mappings of non-anonymous memory',
      code: roPin,
      kernel: '6.1',
      findings: [{ line: 3, severity: 'warning', message: /not reliable in a private writable \(COW\) mapping/ }],
      output: null,
    },
    {
      name: 'from 6.2: reliable, with the memlock note',
      code: roPin,
      kernel: '6.12',
      findings: [{ line: 3, severity: 'information', message: /reliable on Linux 6\.12.*memlock/ }],
      output: null,
    },
    {
      name: 'only the read-only path of a conditional FOLL_WRITE, named in the message',
      code: 'int f(unsigned long s, int n, bool write, struct page **p)\n{\n\tunsigned int flags = FOLL_LONGTERM;\n\n\tif (write)\n\t\tflags |= FOLL_WRITE;\n\treturn pin_user_pages_fast(s, n, flags, p);\n}\n',
      findings: [{ line: 3, message: /when !write/ }],
    },
  ],
});
