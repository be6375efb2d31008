// The steps after a pin that users ask about (issue 15): what the pin holds afterwards, computed by
// the model, with the page table after each step and a trace that says whether a real kernel run
// checked the step (scripts/kernel-truth/scenarios.c on 6.1 and 6.12).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../sim-core/index.js';
import { DEFAULT_MACHINE, Machine } from '../../sim-core/mm.js';
import { kernelFor } from '../../sim-core/behaviours.js';
import { gup } from '../../sim-core/gup.js';
import { memoryKind } from '../../sim-core/memory-kinds.js';
import { changeProtNuma } from '../../sim-core/numa.js';
import { Tracer } from '../../sim-core/trace.js';

const RW = ['FOLL_LONGTERM', 'FOLL_WRITE'];
const run = (memory: string, mapping: 'private' | 'shared', then: string[], version = '6.12') =>
  simulate({ kernel: { version }, memory, mapping, flags: RW, then });

test('MADV_DONTNEED: the pin keeps the old page, the process faults in a new one (anonymous memory)', () => {
  const r = run('anon', 'private', ['madv-dontneed']);
  assert.equal(r.verdict, 'incoherent');
  assert.match(r.summary, /after "madv-dontneed" the process maps a new shared zeropage in place of the pinned anonymous page/);
  assert.equal(r.snapshots.at(-1)!.after, 'madv-dontneed');
  // checked against the recorded real 6.1 and 6.12 runs (test/kernel-truth/scenarios-*.tap): no note there, one elsewhere
  assert.ok(!r.trace.some((s) => s.fn === 'note' && /"madv-dontneed"/.test(s.detail)));
  const between = run('anon', 'private', ['madv-dontneed'], '6.5');
  assert.ok(between.trace.some((s) => s.fn === 'note' && /"madv-dontneed" is modelled .*: checked against real runs of Linux 6\.1, 6\.12 and 7\.3, not of 6\.5/.test(s.detail)));
});

test('MADV_DONTNEED on a shared file mapping: the refault maps the same pagecache page, the pin stays coherent', () => {
  assert.equal(run('memfd', 'shared', ['madv-dontneed']).verdict, 'coherent');
});

test('mremap moves the pinned page with the range: still the page the process sees, at the new address', () => {
  const r = run('anon', 'private', ['mremap', 'write']);
  assert.equal(r.verdict, 'coherent');
  const moved = r.snapshots.at(-1)!.mappings.find((m) => m.process === 'process')!;
  assert.equal(moved.page, r.pinnedPage);
  assert.notEqual(moved.va, r.snapshots[0]!.mappings.find((m) => m.process === 'process')!.va);
});

test('mprotect(PROT_NONE): the page table still maps the pinned page; nothing is stale', () => {
  const r = run('anon', 'private', ['mprotect-none']);
  assert.equal(r.verdict, 'coherent');
  // and once access comes back, the process sees the pinned page again
  assert.equal(run('anon', 'private', ['mprotect-none', 'mprotect-rw', 'write']).verdict, 'coherent');
});

test('munmap of the whole range: the process no longer maps anything there; the pin still holds its page', () => {
  const r = run('thp', 'private', ['munmap']);
  assert.equal(r.verdict, 'incoherent');
  assert.match(r.summary, /the process no longer maps anything there/);
  assert.equal(r.snapshots.at(-1)!.mappings.find((m) => m.process === 'process')?.state ?? 'none', 'none');
  // the whole mapping goes, so the THP is not split first: the pin holds the whole 2 MiB folio, unmapped
  const pinned = r.pages!.find((p) => p.id === r.pinnedPage)!;
  assert.equal(pinned.kind, 'anon THP 2048 kB');
  assert.equal(pinned.mapcount, 0);
  assert.ok(!r.trace.some((s) => /split/i.test(`${s.fn} ${s.detail}`)), 'no PMD split');
});

test('io_uring_register_buffers refuses flags it would ignore: it pins with FOLL_WRITE|FOLL_LONGTERM itself', () => {
  assert.throws(
    () => simulate({ kernel: { version: '6.12' }, memory: 'anon', mapping: 'private', api: 'io_uring_register_buffers', flags: ['FOLL_FORCE'] }),
    /io_uring_register_buffers takes no flags: .* drop FOLL_FORCE/,
  );
  const r = simulate({ kernel: { version: '6.12' }, memory: 'anon', mapping: 'private', api: 'io_uring_register_buffers', flags: [] });
  assert.deepEqual(r.flags, ['FOLL_WRITE', 'FOLL_LONGTERM']);
});

const holder = (r: ReturnType<typeof run>) => r.pages!.find((p) => p.id === r.pinnedPage)!;
const processMapping = (r: ReturnType<typeof run>) => r.snapshots.at(-1)!.mappings.find((m) => m.process === 'process');

test('swap-in after the pin: a pinned anonymous page is not swapped out; the pin and the process keep sharing it', () => {
  for (const version of ['6.1', '6.12']) {
    const r = run('anon', 'private', ['swapin', 'write'], version);
    assert.equal(r.verdict, 'coherent', r.summary);
    const afterSwapin = r.snapshots.find((s) => s.after === 'swapin')!.mappings.find((m) => m.process === 'process')!;
    assert.equal(afterSwapin.state, 'present');
    assert.equal(afterSwapin.page, r.pinnedPage);
    assert.ok(r.trace.some((s) => s.fn === 'swapin' && /maybe DMA-pinned, so reclaim kept it/.test(s.detail)));
    assert.match(r.summary, /The pin holds PA:0x[0-9a-f]+ \(anon\), still the page the process maps/);
  }
});

test('munmap of the pinned 4 KiB page of a THP: the PMD is split, the rest stays mapped, the pin keeps the whole folio', () => {
  const r = run('thp', 'private', ['munmap-page']);
  assert.equal(r.verdict, 'incoherent');
  assert.ok(r.trace.some((s) => s.fn === '__split_huge_pmd()'));
  assert.equal(processMapping(r)?.state, 'none');
  const pinned = holder(r);
  assert.equal(pinned.kind, 'anon THP 2048 kB');
  assert.equal(pinned.mapcount, 511, 'the other 511 pages are still mapped, by PTEs');
  assert.match(r.summary, /The pin holds page 0 of PA:0x[0-9a-f]+ \(anon THP 2048 kB\), no longer mapped .* the whole folio stays/);
});

test('munmap of the page next to the pinned one in a THP: the PMD is split, the pinned page stays mapped by a PTE', () => {
  const r = run('thp', 'private', ['munmap-neighbour', 'write']);
  assert.equal(r.verdict, 'coherent', r.summary);
  const m = processMapping(r)!;
  assert.equal(m.level, 'pte');
  assert.equal(m.page, r.pinnedPage);
  assert.equal(holder(r).mapcount, 511);
  // on a one-page mapping there is no neighbour: nothing happens
  assert.equal(run('anon', 'private', ['munmap-neighbour', 'write']).verdict, 'coherent');
});

test('munmap-page on hugetlb is refused like the kernel refuses it (-EINVAL), not a model crash', () => {
  const r = run('hugetlb-2M', 'private', ['munmap-page', 'write']);
  assert.ok(r.trace.some((s) => s.fn === 'munmap()' && /-EINVAL/.test(s.detail)));
  assert.equal(r.verdict, 'coherent');
});

test('NUMA hinting: a pinned page of a COW mapping is left alone by the scan (6.1: page_count() != 1; 6.12: folio_maybe_dma_pinned())', () => {
  const old = run('anon', 'private', ['numa-protnone'], '6.1');
  assert.ok(old.trace.some((s) => s.fn === 'change_pte_range()' && /page_count\(\) is 1025, not 1/.test(s.detail)));
  const cur = run('anon', 'private', ['numa-protnone'], '6.12');
  assert.ok(cur.trace.some((s) => s.fn === 'change_pte_range()' && /folio_maybe_dma_pinned/.test(s.detail)));
  for (const r of [old, cur]) {
    assert.equal(r.verdict, 'coherent');
    assert.equal(processMapping(r)?.protnone, undefined);
    assert.ok(r.trace.some((s) => s.fn === 'note' && /"numa-protnone" is modelled .* not checked .*one node|more than one node/.test(s.detail)));
  }
  // A FOLL_GET reference (not a pin) kept 6.1's scan away too, but not 6.12's.
  const get = (version: string) => simulate({ kernel: { version }, memory: 'anon', mapping: 'private', flags: ['FOLL_GET'], then: ['numa-protnone'] });
  assert.equal(get('6.1').snapshots.at(-1)!.mappings[0]!.protnone, undefined);
  assert.equal(get('6.12').snapshots.at(-1)!.mappings[0]!.protnone, true);
});

test('NUMA hinting on a pinned THP and a pinned shared page: PROT_NONE, then the hinting fault maps the same page again', () => {
  for (const [memory, mapping] of [['thp', 'private'], ['memfd', 'shared']] as const) {
    const r = run(memory, mapping, ['numa-protnone']);
    assert.equal(processMapping(r)?.protnone, true, `${memory}: change_prot_numa() makes it PROT_NONE`);
    assert.equal(r.verdict, 'coherent');
    const hinted = run(memory, mapping, ['numa-hint', 'write']);
    assert.equal(hinted.verdict, 'coherent', hinted.summary);
    assert.ok(hinted.trace.some((s) => /do_(huge_pmd_)?numa_page\(\)/.test(s.fn) && /pinned, so migrate_misplaced_folio\(\) could not move it/.test(s.detail)));
    assert.equal(processMapping(hinted)?.protnone, undefined);
    assert.equal(processMapping(hinted)?.writable, true);
  }
});

test('GUP on a NUMA-hinting PROT_NONE entry: 6.1 faults first, 6.12 takes the page as it is, GUP-fast always falls back', () => {
  const pinAfterHint = (version: string, api: 'pin_user_pages' | 'pin_user_pages_fast', flags: string[] = ['FOLL_LONGTERM']) => {
    const machine = new Machine(kernelFor({ version }), { ...DEFAULT_MACHINE, thpSizesKb: [2048] }, new Tracer(true));
    const mm = machine.newMm('process');
    const vpn = memoryKind('memfd', 'shared').setup(mm, 'shared');
    assert.equal(changeProtNuma(mm, vpn, 1), 1);
    const before = machine.trace.steps.length;
    const out = gup({ api, mm, start: vpn, nrPages: 1, flags: flags as never, holder: 'driver' });
    assert.equal(out.ret, 1);
    return { steps: machine.trace.steps.slice(before), protnone: mm.pt.lookup(vpn)!.entry.type === 'present' && (mm.pt.lookup(vpn)!.entry as { protnone?: boolean }).protnone === true };
  };
  const old = pinAfterHint('6.1', 'pin_user_pages');
  assert.ok(old.steps.some((s) => s.fn === 'do_numa_page()'), '6.1: the slow path takes the hinting fault');
  assert.equal(old.protnone, false);
  const oldForce = pinAfterHint('6.1', 'pin_user_pages', ['FOLL_LONGTERM', 'FOLL_FORCE']);
  assert.ok(!oldForce.steps.some((s) => s.fn === 'do_numa_page()'), '6.1: FOLL_FORCE follows it');
  const cur = pinAfterHint('6.12', 'pin_user_pages');
  assert.ok(!cur.steps.some((s) => s.fn === 'do_numa_page()'), '6.12: no FOLL_HONOR_NUMA_FAULT, no fault');
  assert.equal(cur.protnone, true);
  for (const version of ['6.1', '6.12']) {
    const fast = pinAfterHint(version, 'pin_user_pages_fast');
    assert.ok(fast.steps.some((s) => /bail: pte_protnone\(\)/.test(s.detail)), `${version}: GUP-fast leaves it to the slow path`);
  }
  // and through simulate(): pinning again after the scan
  const r = run('memfd', 'shared', ['numa-protnone', 'repin'], '6.1');
  assert.equal(r.verdict, 'coherent');
  assert.ok(r.trace.some((s) => s.fn === 'do_numa_page()'));
});

test('repin: the pin is released and taken again; after MADV_DONTNEED it holds the page the process has now', () => {
  const r = run('anon', 'private', ['madv-dontneed', 'write', 'repin']);
  assert.equal(r.verdict, 'incoherent', 'the first pin was stale after the write');
  const last = r.snapshots.at(-1)!;
  assert.equal(last.pins.length, 1);
  assert.equal(last.pins[0]!.stillMapped, true, 'the new pin is the page the process maps');
  assert.match(r.summary, /The pin holds PA:0x[0-9a-f]+ \(anon\), still the page the process maps/);
});
