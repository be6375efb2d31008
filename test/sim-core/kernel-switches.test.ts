// The 6.12 -> 7.3 switches that the cow.c rows do not all show (every row is `ok` either way on
// the real kernels): each is observed here in what the model did, per kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelFor } from '../../sim-core/behaviours.js';
import { gup } from '../../sim-core/gup.js';
import { DEFAULT_MACHINE, Machine } from '../../sim-core/mm.js';
import { PMD_NR } from '../../sim-core/page.js';
import { mmap, touch } from '../../sim-core/syscalls.js';
import { Tracer } from '../../sim-core/trace.js';
import { cowTable, simulate } from '../../sim-core/index.js';

const fns = (steps: ReadonlyArray<{ fn: string; detail: string }>): string => steps.map((s) => `${s.fn} ${s.detail}`).join('\n');

test('wp-reuse-large-anon-folio: 7.3 reuses a previously shared PTE-mapped THP in place, 6.12 copies', () => {
  const row = (version: string) =>
    cowTable({
      kernel: { version },
      thpSizesKb: [64, 2048],
      filter: (t, m) => t === 'R/O GUP pin on R/O-mapped previously-shared page' && m === 'PTE-mapped THP (64 kB)',
    }).rows[0]!;
  const [old, now] = [row('6.12'), row('7.3')];
  assert.equal(old.result, 'ok');
  assert.equal(now.result, 'ok');
  assert.match(fns(old.trace), /large folio\): copy/);
  assert.doesNotMatch(fns(now.trace), /wp_page_copy\(\)/);
  assert.match(fns(now.trace), /ours is the only reference: marked exclusive/);
});

test('huge-zero-wp-pmd-thp: a R/O long-term pin of the huge zeropage pins a new 2 MiB THP on 7.3, a 4 kB copy on 6.12', () => {
  const pin = (version: string) => simulate({ kernel: { version }, memory: 'huge-zeropage', mapping: 'private', flags: ['FOLL_LONGTERM'] });
  const [old, now] = [pin('6.12'), pin('7.3')];
  assert.equal(old.verdict, 'coherent');
  assert.equal(now.verdict, 'coherent');
  assert.ok(now.trace.some((s) => s.fn === 'do_huge_zero_wp_pmd()'));
  assert.ok(!old.trace.some((s) => s.fn === 'do_huge_zero_wp_pmd()'));
  assert.ok(old.trace.some((s) => s.fn === 'wp_page_copy()'));
});

test('collapse-ro-anon: MADV_COLLAPSE of a fully COW-shared range works on 7.3 (SCAN_PAGE_RO before)', () => {
  const row = (version: string) =>
    cowTable({ kernel: { version }, trace: false, filter: (t) => t === 'Basic COW after fork() when collapsing after fork() (fully shared)' }).rows[0]!;
  assert.equal(row('6.12').result, 'skip');
  assert.equal(row('7.3').result, 'ok');
});

test('hugetlb-force-write-refused, hugetlb-wp-needs-vm-write: FOLL_FORCE|FOLL_WRITE on a R/O private hugetlb mapping', () => {
  // -EFAULT on 6.1 to 6.12; done on 5.10 (and the mapping left writable) and on 7.3 (left read-only)
  for (const [version, refused] of [['5.10', false], ['6.1', true], ['6.12', true], ['7.3', false]] as const) {
    const machine = new Machine(kernelFor({ version }), DEFAULT_MACHINE, new Tracer(true));
    const mm = machine.newMm('debugger target');
    const mem = mmap(mm, { pages: PMD_NR, prot: { read: true, write: false }, shared: false, file: null, hugeNr: PMD_NR });
    assert.equal(touch(mm, mem), 'ok');
    const out = gup({ api: 'get_user_pages', mm, start: mem, nrPages: 1, flags: ['FOLL_FORCE', 'FOLL_WRITE'], holder: 'ptrace' });
    if (refused) {
      assert.equal(out.errno, '-EFAULT', version);
      continue;
    }
    assert.equal(out.ret, 1, `${version}: ${fns(machine.trace.steps)}`);
    // the write went to a private copy; 5.10 maps it writable although the VMA has no VM_WRITE
    assert.equal(mm.pt.pmd.get(mem)?.writable, version === '5.10', version);
  }
});

test('longterm-migrate-movable: 5.10 pins a ZONE_MOVABLE page where it is, 6.1 migrates it first', () => {
  for (const path of ['slow', 'fast'] as const) {
    const pin = (version: string) => simulate({ kernel: { version }, memory: 'anon-movable', mapping: 'private', flags: ['FOLL_LONGTERM'], path });
    const [old, now] = [pin('5.10'), pin('6.1')];
    assert.ok(!fns(old.trace).includes('migrated'), `5.10 ${path}: ${fns(old.trace)}`);
    assert.ok(fns(now.trace).includes('migrated'), `6.1 ${path}`);
    if (path === 'slow') assert.ok(old.trace.some((s) => s.fn === 'check_and_migrate_cma_pages()'));
  }
});

test('io_uring pins fixed buffers with pin_user_pages() until 6.9 and pin_user_pages_fast() from 6.10 (1943f96b3816)', () => {
  const apiOf = (version: string) =>
    simulate({ kernel: { version }, memory: 'anon', mapping: 'private', api: 'io_uring_register_buffers', flags: [], then: ['write'] }).trace.find((s) => /^pin_user_pages(_fast)?\(\)$/.test(s.fn))?.fn;
  assert.equal(apiOf('6.1'), 'pin_user_pages()');
  assert.equal(apiOf('6.9'), 'pin_user_pages()');
  assert.equal(apiOf('6.10'), 'pin_user_pages_fast()');
  assert.equal(apiOf('6.12'), 'pin_user_pages_fast()');
});
