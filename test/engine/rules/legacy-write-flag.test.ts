import { fn, runRuleTests } from '../rule-tester.js';

runRuleTests('legacy-write-flag', {
  valid: [
    { name: 'FOLL_WRITE written as a flag', code: fn('get_user_pages_fast(a, 1, FOLL_WRITE, p)', 'unsigned long a, struct page **p') },
    { name: 'no flags: 0', code: fn('pin_user_pages_fast(a, 1, 0, p)', 'unsigned long a, struct page **p') },
    { name: 'a 1 that is the page count, not the flags', code: fn('pin_user_pages_fast(a, 1, FOLL_LONGTERM, p)', 'unsigned long a, struct page **p') },
    {
      name: 'a conditional FOLL_WRITE in a ternary (the form the fix writes)',
      code: fn('get_user_pages_fast(a, 1, (dir != DMA_TO_DEVICE) ? FOLL_WRITE : 0, p)', 'unsigned long a, int dir, struct page **p'),
    },
  ],
  invalid: [
    {
      name: 'the pre-4.9 `int write` as a literal 1',
      code: fn('get_user_pages_fast(buf, n, 1 /* write */, pages)', 'unsigned long buf, int n, struct page **pages'),
      findings: [{ line: 3, severity: 'information', message: /`1` passed as the flags of get_user_pages_fast\(\)/ }],
      output: fn('get_user_pages_fast(buf, n, FOLL_WRITE /* write */, pages)', 'unsigned long buf, int n, struct page **pages'),
    },
    {
      name: 'a boolean expression: FOLL_WRITE where it holds',
      code: fn('get_user_pages_fast(a, 1, direction != DMA_TO_DEVICE, page)', 'unsigned long a, int direction, struct page **page'),
      findings: [{ line: 3, message: /`direction != DMA_TO_DEVICE` passed as the flags/ }],
      output: fn('get_user_pages_fast(a, 1, (direction != DMA_TO_DEVICE) ? FOLL_WRITE : 0, page)', 'unsigned long a, int direction, struct page **page'),
    },
    {
      name: 'a long boolean expression: the message names its start, the fix writes it whole',
      code: fn('get_user_pages_fast(a, 1, req->dir != DMA_TO_DEVICE && !req->read_only, p)', 'unsigned long a, struct my_req *req, struct page **p'),
      findings: [{ line: 3, message: /^`req->dir != DMA_TO_DEVICE && !r…` passed as the flags of get_user_pages_fast\(\): a boolean.*Write `\(req->dir != DMA_TO_DEVICE && !req->read_only\) \? FOLL_WRITE : 0`/ }],
      output: [['req->dir != DMA_TO_DEVICE && !req->read_only', '(req->dir != DMA_TO_DEVICE && !req->read_only) ? FOLL_WRITE : 0']],
    },
    {
      name: 'a negation through a local',
      code: 'int f(unsigned long a, bool ro, struct page **p)\n{\n\tint write = !ro;\n\n\treturn pin_user_pages_fast(a, 1, write, p);\n}\n',
      findings: [{ line: 3 }],
      output: 'int f(unsigned long a, bool ro, struct page **p)\n{\n\tint write = (!ro) ? FOLL_WRITE : 0;\n\n\treturn pin_user_pages_fast(a, 1, write, p);\n}\n',
    },
  ],
});
