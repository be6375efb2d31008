// The 6.12 -> 7.3 switches that the cow.c rows do not all show (every row is `ok` either way on
// the real kernels): each is observed here in what the model did, per kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelFor } from '../../sim-core/behaviours.js';
import { fork } from '../../sim-core/fork.js';
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

// 6.1 mm/memory.c do_swap_page(): maybe_mkwrite() only under FAULT_FLAG_WRITE; 6.12 (c18160dba5ff,
// 6.11): pte_mkwrite() with VM_WRITE on any fault. A R/O pin read-faults the swap entry.
test('swap-in on a read fault: 6.1 maps the exclusive page read-only, 6.11+ writable (swapin-map-writable-on-read)', () => {
  const swapIn = (version: string, extra: { with?: string[]; without?: string[] } = {}) => {
    const r = simulate({ kernel: { version, ...extra }, memory: 'anon-swapped', mapping: 'private', flags: ['FOLL_LONGTERM'], path: 'slow', then: ['write'] });
    assert.equal(r.verdict, 'coherent', version);
    return r.trace;
  };
  for (const v of ['6.1', '6.10']) {
    const t = swapIn(v);
    assert.match(t.find((s) => s.fn === 'do_swap_page()')!.detail, /exclusive .*, read-only$/, v);
    assert.ok(t.some((s) => s.fn === 'wp_page_reuse()'), `${v}: the process's write reuses the page in do_wp_page()`);
  }
  for (const v of ['6.11', '6.12', '7.3']) {
    const t = swapIn(v);
    assert.match(t.find((s) => s.fn === 'do_swap_page()')!.detail, /exclusive .*, writable$/, v);
    assert.ok(!t.some((s) => s.fn === 'wp_page_reuse()'), `${v}: no write fault left to take`);
  }
  assert.match(swapIn('6.12', { without: ['swapin-map-writable-on-read'] }).find((s) => s.fn === 'do_swap_page()')!.detail, /read-only$/);
});

// 5.10 mm/memory.c copy_page_range() copies every VM_HUGETLB VMA; 6.1/6.12 vma_needs_copy() and
// 7.3 (VM_COPY_ON_FORK) only VMAs with an anon_vma (bcd51a3c679d, 6.0).
test('hugetlb-fork-needs-anon-vma: fork() leaves a shared hugetlb mapping to the child\'s faults from 6.0', () => {
  for (const [version, copied] of [['5.10', true], ['6.1', false], ['6.12', false], ['7.3', false]] as const) {
    const machine = new Machine(kernelFor({ version }), DEFAULT_MACHINE, new Tracer(true));
    const mm = machine.newMm('process');
    const mem = mmap(mm, { pages: PMD_NR, prot: { read: true, write: true }, shared: true, file: null, hugeNr: PMD_NR });
    assert.equal(touch(mm, mem), 'ok');
    const child = fork(mm, 'child');
    assert.equal(child.pt.pmd.get(mem) !== undefined, copied, version);
    // either way the child then sees the same pagecache page
    assert.equal(touch(child, mem), 'ok');
    assert.equal(child.pt.pmd.get(mem)?.type === 'present' && child.pt.pmd.get(mem)!.folio, mm.pt.pmd.get(mem)?.type === 'present' && mm.pt.pmd.get(mem)!.folio, version);
  }
  // a private hugetlb mapping with faulted-in pages has an anon_vma: copied on every version
  const machine = new Machine(kernelFor({ version: '6.12' }), DEFAULT_MACHINE, new Tracer(true));
  const mm = machine.newMm('process');
  const mem = mmap(mm, { pages: PMD_NR, prot: { read: true, write: true }, shared: false, file: null, hugeNr: PMD_NR });
  assert.equal(touch(mm, mem), 'ok');
  assert.ok(fork(mm, 'child').pt.pmd.get(mem));
});
