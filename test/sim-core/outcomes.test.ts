// simulate() against the outcome table of /work/shared/reference/gup-semantics.md §7.2 (x86-64;
// R = the pin stays coherent after the process writes, U = it does not). The table checks the
// model; the model never reads it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ScenarioInput, simulate } from '../../sim-core/index.js';

type Want = 'R' | 'U' | `-E${string}`;
const P1 = ['FOLL_LONGTERM'];
const P2 = ['FOLL_LONGTERM', 'FOLL_WRITE'];
const P3 = ['FOLL_LONGTERM', 'FOLL_WRITE', 'FOLL_FORCE'];
const P4: string[] = [];
const P5 = ['FOLL_GET'];

const rows: Array<{ memory: string; mapping?: 'private' | 'shared'; flags: string[]; then?: string[]; v61: Want; v612: Want; note?: string }> = [
  { memory: 'anon', flags: P1, v61: 'R', v612: 'R' },
  { memory: 'anon', flags: P5, v61: 'R', v612: 'R', note: 'GET on an exclusive page: fine until fork' },
  { memory: 'anon', flags: P5, then: ['fork', 'write'], v61: 'U', v612: 'U', note: 'GET is not "maybe pinned": fork shares, the write copies' },
  { memory: 'anon', flags: P1, then: ['fork', 'write'], v61: 'R', v612: 'R', note: 'fork copies the pinned page for the child' },
  { memory: 'anon', flags: P1, then: ['fork', 'fork-child-write', 'write'], v61: 'R', v612: 'R' },
  { memory: 'anon', flags: P1, then: ['mprotect-ro', 'clear-soft-dirty', 'mprotect-rw', 'write'], v61: 'R', v612: 'R' },
  { memory: 'anon', flags: P1, then: ['swapout', 'write'], v61: 'R', v612: 'R', note: 'a pinned exclusive page is not swapped out' },
  { memory: 'anon-cow-shared', flags: P1, v61: 'R', v612: 'R', note: 'unshare -> copy' },
  { memory: 'anon-cow-shared', flags: P4, v61: 'R', v612: 'R', note: 'R/O FOLL_PIN unshares anonymous pages since 5.19' },
  { memory: 'anon-cow-shared', flags: P5, v61: 'U', v612: 'U' },
  { memory: 'anon-cow-shared', flags: P2, v61: 'R', v612: 'R' },
  { memory: 'anon-swapped', flags: P1, v61: 'R', v612: 'R' },
  { memory: 'ksm', flags: P1, v61: 'R', v612: 'R' },
  { memory: 'ksm', flags: P5, v61: 'U', v612: 'U' },
  { memory: 'anon-untouched', flags: P1, v61: 'U', v612: 'R', note: 'the read fault maps the zeropage; 6.2+ unshares it' },
  { memory: 'anon-untouched', flags: P4, v61: 'U', v612: 'U', note: 'short-term: zeropage pinned by design' },
  { memory: 'shared-zeropage', flags: P1, v61: 'U', v612: 'R' },
  { memory: 'shared-zeropage', flags: P2, v61: 'R', v612: 'R' },
  { memory: 'shared-zeropage', flags: P3, v61: 'R', v612: 'R' },
  { memory: 'shared-zeropage', flags: P4, v61: 'U', v612: 'U' },
  { memory: 'huge-zeropage', flags: P1, v61: 'U', v612: 'R' },
  { memory: 'huge-zeropage', flags: P2, v61: 'R', v612: 'R' },
  { memory: 'pagecache', flags: P1, v61: 'U', v612: 'R' },
  { memory: 'pagecache', flags: P2, v61: 'R', v612: 'R' },
  { memory: 'memfd', flags: P1, v61: 'U', v612: 'R' },
  { memory: 'tmpfile', flags: P1, v61: 'U', v612: 'R' },
  { memory: 'memfd', flags: P3, v61: 'R', v612: 'R' },
  { memory: 'memfd-hugetlb-2M', flags: P1, v61: 'U', v612: 'R' },
  { memory: 'memfd-hugetlb-1G', flags: P1, v61: 'U', v612: 'R' },
  { memory: 'memfd-hugetlb-2M', flags: P2, v61: 'R', v612: 'R' },
  { memory: 'hugetlb-2M', flags: P1, v61: 'R', v612: 'R' },
  { memory: 'hugetlb-2M', flags: P1, then: ['fork', 'write'], v61: 'R', v612: 'R' },
  { memory: 'thp', flags: P1, then: ['fork', 'write'], v61: 'R', v612: 'R' },
  { memory: 'pagecache', mapping: 'shared', flags: P1, v61: 'R', v612: 'R' },
  { memory: 'pagecache', mapping: 'shared', flags: P2, v61: 'R', v612: '-EFAULT', note: 'writable_file_mapping_allowed() (6.5+)' },
  { memory: 'tmpfile', mapping: 'shared', flags: P2, v61: 'R', v612: '-EFAULT' },
  { memory: 'memfd', mapping: 'shared', flags: P2, v61: 'R', v612: 'R', note: 'shmem needs no dirty tracking' },
  { memory: 'anon', mapping: 'shared', flags: P2, v61: 'R', v612: 'R' },
  { memory: 'hugetlb-2M', mapping: 'shared', flags: P2, v61: 'R', v612: 'R' },
  { memory: 'memfd-hugetlb-2M', mapping: 'shared', flags: P2, v61: 'R', v612: 'R' },
];

const verdictOf = (input: ScenarioInput): Want => {
  const r = simulate(input);
  if (r.verdict === 'refused') return r.errno as Want;
  assert.notEqual(r.verdict, 'error', r.summary);
  return r.verdict === 'coherent' ? 'R' : 'U';
};

for (const row of rows) {
  for (const path of ['slow', 'fast'] as const) {
    const name = `${row.memory} (${row.mapping ?? 'private'}) ${row.flags.join('|') || 'R/O short-term'}${row.then ? ` then ${row.then.join(',')}` : ''} [${path}]`;
    test(name, () => {
      for (const [version, want] of [['6.1', row.v61], ['6.12', row.v612]] as const) {
        const input: ScenarioInput = { kernel: { version }, memory: row.memory, mapping: row.mapping ?? 'private', flags: row.flags, path };
        if (row.then) input.then = row.then;
        assert.equal(verdictOf(input), want, `${version}${row.note ? ` (${row.note})` : ''}`);
      }
    });
  }
}

test('FOLL_LONGTERM migrates a page out of ZONE_MOVABLE/CMA before pinning it; a short-term pin takes it in place', () => {
  for (const path of ['slow', 'fast'] as const) {
    const r = simulate({ kernel: { version: '6.1' }, memory: 'anon-movable', mapping: 'private', flags: P1, path });
    assert.equal(r.verdict, 'coherent');
    assert.match(r.summary, /migrated the page out of ZONE_MOVABLE/);
    assert.notEqual(r.pinnedPage, r.snapshots[0]!.mappings[0]!.page, 'a different page is pinned');
  }
  const short = simulate({ kernel: { version: '6.12' }, memory: 'anon-movable', mapping: 'private', flags: P4 });
  assert.equal(short.pinnedPage, short.snapshots[0]!.mappings[0]!.page, 'pinned in place');
});

test('the 6.5 refusal of writable long-term pins of dirty-tracked shared files starts at 6.5 and is one switch', () => {
  const input = (version: string, without?: string[]): ScenarioInput => ({
    kernel: { version, ...(without ? { without } : {}) },
    memory: 'pagecache',
    mapping: 'shared',
    flags: P2,
  });
  assert.equal(simulate(input('6.4')).verdict, 'coherent');
  const r = simulate(input('6.5'));
  assert.equal(r.verdict, 'refused');
  assert.equal(r.errno, '-EFAULT');
  assert.match(r.summary, /writable_file_mapping_allowed/);
  assert.equal(simulate(input('6.12', ['longterm-write-file-refused'])).verdict, 'coherent');
  // GUP-fast bails on the file folio and the slow path refuses it
  assert.equal(simulate({ ...input('6.12'), path: 'fast' }).errno, '-EFAULT');
});

test('entry-point argument checks differ between 6.1 and 6.3+', () => {
  const call = (version: string, api: string, flags: string[]) => simulate({ kernel: { version }, memory: 'anon', mapping: 'private', flags, api });
  for (const v of ['6.1', '6.12']) {
    const r = call(v, 'get_user_pages', ['FOLL_LONGTERM']);
    assert.equal(r.verdict, 'refused', v);
    assert.equal(r.errno, '-EINVAL', v);
  }
  assert.equal(call('6.1', 'pin_user_pages_unlocked', ['FOLL_LONGTERM']).errno, '-EINVAL');
  assert.equal(call('6.12', 'pin_user_pages_unlocked', ['FOLL_LONGTERM']).verdict, 'coherent');
  const pinFlag = call('6.12', 'pin_user_pages', ['FOLL_PIN']);
  assert.equal(pinFlag.verdict, 'refused');
  assert.match(pinFlag.summary, /internal flag FOLL_PIN/);
  assert.equal(call('6.12', 'pin_user_pages_fast', ['FOLL_NOWAIT']).errno, '-EINVAL');
});

test('FOLL_NOFAULT cannot unshare: the pin fails instead', () => {
  const r = simulate({ kernel: { version: '6.12' }, memory: 'shared-zeropage', mapping: 'private', flags: ['FOLL_LONGTERM', 'FOLL_NOFAULT'] });
  assert.equal(r.verdict, 'refused');
  assert.equal(r.errno, '-EFAULT');
});

test('FOLL_FORCE|FOLL_WRITE into a read-only private mapping goes through COW (ptrace\'s poke); hugetlb and shared mappings refuse it', () => {
  const ro = (memory: string, flags: string[], mapping: 'private' | 'shared' = 'private') =>
    simulate({ kernel: { version: '6.12' }, memory, mapping, prot: 'read-only', flags, then: ['read'] });
  assert.equal(ro('memfd', ['FOLL_WRITE']).errno, '-EFAULT', 'no VM_WRITE and no FOLL_FORCE');
  const poke = ro('memfd', ['FOLL_WRITE', 'FOLL_FORCE']);
  assert.equal(poke.verdict, 'coherent');
  assert.ok(poke.trace.some((s) => s.fn === 'do_cow_fault()' || s.fn === 'wp_page_copy()'), 'COW broke first');
  const pinned = poke.pages!.find((p) => p.id === poke.pinnedPage)!;
  assert.equal(pinned.anon, true);
  assert.equal(ro('memfd-hugetlb-2M', ['FOLL_WRITE', 'FOLL_FORCE']).errno, '-EFAULT');
  assert.equal(ro('memfd', ['FOLL_WRITE', 'FOLL_FORCE'], 'shared').errno, '-EFAULT');
});

test('kernels older than the 6.1 baseline are modelled as 6.1, and say so', () => {
  const r = simulate({ kernel: { version: '5.10' }, memory: 'memfd', mapping: 'private', flags: P1 });
  assert.equal(r.verdict, 'incoherent');
  assert.match(r.summary, /modelled with 6\.1's behaviour/);
  assert.equal(r.trace[0]!.fn, 'note');
});

test('a scenario exposes structured state for drawing: snapshots with mappings, pages and pins', () => {
  const r = simulate({ kernel: { version: '6.1' }, memory: 'memfd', mapping: 'private', flags: P1, then: ['write'] });
  assert.equal(r.verdict, 'incoherent');
  assert.deepEqual(r.snapshots.map((s) => s.after), ['setup', 'pin', 'write']);
  const pin = r.snapshots[1]!;
  assert.equal(pin.pins.length, 1);
  assert.equal(pin.pins[0]!.stillMapped, true);
  assert.equal(pin.mappings[0]!.page, r.pinnedPage);
  const after = r.snapshots[2]!;
  assert.equal(after.pins[0]!.stillMapped, false);
  assert.notEqual(after.mappings[0]!.page, r.pinnedPage);
  assert.equal(after.pages.find((p) => p.id === after.mappings[0]!.page)!.exclusive, true);
  assert.ok(!/\n/.test(r.summary), 'the summary is one line');
});

test('bad input is a SimError listing the valid names', () => {
  const base: ScenarioInput = { kernel: { version: '6.12' }, memory: 'anon', mapping: 'private', flags: [] };
  assert.throws(() => simulate({ ...base, memory: 'nope' }), /unknown memory kind 'nope' \(valid: anon, /);
  assert.throws(() => simulate({ ...base, flags: ['FOLL_NOPE'] }), /unknown flag 'FOLL_NOPE' \(valid: FOLL_WRITE/);
  assert.throws(() => simulate({ ...base, kernel: { version: 'six' } }), /bad kernel version 'six'/);
  assert.throws(() => simulate({ ...base, kernel: { version: '6.12', with: ['x'] } }), /unknown behaviour 'x'/);
  assert.throws(() => simulate({ ...base, then: ['dance'] }), /unknown step 'dance' \(valid: write/);
  assert.throws(() => simulate({ ...base, memory: 'shared-zeropage', mapping: 'shared' }), /only in private/);
  assert.throws(() => simulate({ ...base, api: 'gup_everything' }), /unknown entry point 'gup_everything' \(valid: pin_user_pages, /);
});

test("cow.c's memory names are accepted as aliases", () => {
  const r = simulate({ kernel: { version: '6.12' }, memory: 'memfd hugetlb (2048 kB)', mapping: 'private', flags: P1 });
  assert.equal(r.verdict, 'coherent');
});

test('io_uring fixed buffers: 6.1 refuses file-backed memory but shmem/hugetlb itself; 6.5+ leaves it to GUP', () => {
  const reg = (version: string, memory: string, mapping: 'private' | 'shared') =>
    simulate({ kernel: { version }, memory, mapping, flags: [], api: 'io_uring_register_buffers' });
  assert.equal(reg('6.1', 'tmpfile', 'private').errno, '-EOPNOTSUPP');
  assert.equal(reg('6.1', 'memfd', 'shared').verdict, 'coherent');
  assert.equal(reg('6.12', 'tmpfile', 'private').verdict, 'coherent');
  assert.equal(reg('6.12', 'tmpfile', 'shared').errno, '-EFAULT');
  assert.equal(reg('6.12', 'memfd-hugetlb-2M', 'shared').verdict, 'coherent');
});
