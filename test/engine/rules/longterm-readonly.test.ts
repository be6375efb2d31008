import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MEMORY_KINDS, simulate } from '../../../sim-core/index.js';
import { analyze } from '../helpers.js';
import { fn, runRuleTests } from '../rule-tester.js';

const roPin = fn('pin_user_pages_fast(s, n, FOLL_LONGTERM, p)');

runRuleTests('longterm-readonly', {
  valid: [
    { name: 'a writable long-term pin', code: fn('pin_user_pages_fast(s, n, FOLL_WRITE | FOLL_LONGTERM, p)') },
    { name: 'a short-term read-only pin (snapshot semantics)', code: fn('pin_user_pages_fast(s, n, 0, p)') },
    { name: 'flags partly unknown: FOLL_WRITE may be in them', code: fn('pin_user_pages_fast(s, n, d->flags | FOLL_LONGTERM, p)', 'struct d *d, unsigned long s, int n, struct page **p') },
  ],
  invalid: [
    {
      name: 'before 6.2: not reliable in COW mappings of non-anonymous memory',
      code: roPin,
      kernel: '6.1',
      findings: [{ line: 3, severity: 'warning', message: /not reliable on Linux 6\.1: .* in a private writable mapping/, related: /not reliable on Linux 6\.1 in a private writable \(COW\) mapping of: / }],
      output: null,
    },
    {
      name: 'from 6.2: reliable, with the memlock note',
      code: roPin,
      kernel: '6.12',
      findings: [{ line: 3, severity: 'information', message: /reliable on Linux 6\.12.*memlock/, related: /RLIMIT_MEMLOCK/ }],
      output: null,
    },
    {
      name: 'only the read-only path of a conditional FOLL_WRITE, named in the message',
      code: 'int f(unsigned long s, int n, bool write, struct page **p)\n{\n\tunsigned int flags = FOLL_LONGTERM;\n\n\tif (write)\n\t\tflags |= FOLL_WRITE;\n\treturn pin_user_pages_fast(s, n, flags, p);\n}\n',
      findings: [{ line: 3, message: /when !write/ }],
    },
  ],
});

test('longterm-readonly: the memory kinds named are the ones sim-core finds incoherent', async () => {
  const analysis = await analyze(roPin, '6.1', ['longterm-readonly']);
  const detail = analysis.findings[0]!.related.map((r) => r.message).find((m) => m.includes('mapping of: '))!;
  const listed = /mapping of: ([^(]+) \(/.exec(detail)![1]!.split(', ');
  const incoherent = MEMORY_KINDS.filter((k) => k.mappings.includes('private'))
    .filter((k) => simulate({ kernel: { version: '6.1' }, memory: k.name, mapping: 'private', flags: ['FOLL_LONGTERM'], path: 'fast', then: ['write'], trace: false }).verdict === 'incoherent')
    .map((k) => k.name);
  assert.deepEqual(listed, incoherent);
  // The seed patch's twelve results: R/O long-term pins of these were unreliable before 6.2.
  for (const kind of ['shared-zeropage', 'memfd', 'tmpfile', 'huge-zeropage']) assert.ok(listed.includes(kind), kind);
});
