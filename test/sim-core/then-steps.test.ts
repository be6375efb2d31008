// The steps after a pin that users ask about (issue 15): what the pin holds afterwards, computed by
// the model, with the page table after each step and a trace that says the step is not checked
// against a real kernel run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../sim-core/index.js';

const RW = ['FOLL_LONGTERM', 'FOLL_WRITE'];
const run = (memory: string, mapping: 'private' | 'shared', then: string[], version = '6.12') =>
  simulate({ kernel: { version }, memory, mapping, flags: RW, then });

test('MADV_DONTNEED: the pin keeps the old page, the process faults in a new one (anonymous memory)', () => {
  const r = run('anon', 'private', ['madv-dontneed']);
  assert.equal(r.verdict, 'incoherent');
  assert.match(r.summary, /after "madv-dontneed" the process maps a new shared zeropage in place of the pinned anonymous page/);
  assert.equal(r.snapshots.at(-1)!.after, 'madv-dontneed');
  assert.ok(r.trace.some((s) => s.fn === 'note' && /"madv-dontneed" is modelled .* not checked against a run on a real kernel/.test(s.detail)));
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
