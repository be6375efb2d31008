// fast-check over random sequences of fault / pin / fork / write / mprotect / swap-out / KSM on
// every memory kind and several kernels: the bookkeeping always adds up, and the pins the kernel
// promises to keep coherent stay coherent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { kernelFor } from '../../sim-core/behaviours.js';
import { fork } from '../../sim-core/fork.js';
import { type FollFlag, gup, release } from '../../sim-core/gup.js';
import { checkInvariants } from '../../sim-core/invariants.js';
import { ksmMerge } from '../../sim-core/ksm.js';
import { MEMORY_KINDS, memoryKind } from '../../sim-core/memory-kinds.js';
import { DEFAULT_MACHINE, Machine, type Mm, type PinRecord } from '../../sim-core/mm.js';
import { pageAnonExclusive } from '../../sim-core/page.js';
import { clearSoftDirty, exitMm, madvise, memset, mprotect, readPages } from '../../sim-core/syscalls.js';
import { Tracer } from '../../sim-core/trace.js';
import { isCowMapping } from '../../sim-core/vma.js';

type Op =
  | { op: 'read' }
  | { op: 'write' }
  | { op: 'pin'; write: boolean; longterm: boolean; fast: boolean; get: boolean }
  | { op: 'unpin' }
  | { op: 'fork' }
  | { op: 'child-write' }
  | { op: 'child-exit' }
  | { op: 'mprotect'; write: boolean }
  | { op: 'swapout' }
  | { op: 'clear-soft-dirty' }
  | { op: 'ksm' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constant({ op: 'read' as const }),
  fc.constant({ op: 'write' as const }),
  fc.record({ op: fc.constant('pin' as const), write: fc.boolean(), longterm: fc.boolean(), fast: fc.boolean(), get: fc.boolean() }),
  fc.constant({ op: 'unpin' as const }),
  fc.constant({ op: 'fork' as const }),
  fc.constant({ op: 'child-write' as const }),
  fc.constant({ op: 'child-exit' as const }),
  fc.record({ op: fc.constant('mprotect' as const), write: fc.boolean() }),
  fc.constant({ op: 'swapout' as const }),
  fc.constant({ op: 'clear-soft-dirty' as const }),
  fc.constant({ op: 'ksm' as const }),
);

const KINDS = MEMORY_KINDS.filter((k) => k.name !== 'hugetlb-1G' && k.name !== 'memfd-hugetlb-1G');
interface Scenario {
  version: string;
  kind: string;
  shared: boolean;
  ops: Op[];
}
const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  version: fc.constantFrom('5.10', '6.1', '6.2', '6.5', '6.12', '7.3'),
  kind: fc.constantFrom(...KINDS.map((k) => k.name)),
  shared: fc.boolean(),
  ops: fc.array(opArb, { minLength: 1, maxLength: 14 }),
});

/** A pin the kernel promises to keep: FOLL_PIN of an exclusive anonymous page in a COW mapping, or any pin in a shared mapping. */
interface Promised {
  rec: PinRecord;
}

function run(s: Scenario): void {
  const kernel = kernelFor({ version: s.version });
  const kind = KINDS.find((k) => k.name === s.kind)!;
  const mapping = s.shared && kind.mappings.includes('shared') ? 'shared' : 'private';
  const machine = new Machine(kernel, DEFAULT_MACHINE, new Tracer(false));
  const mm = machine.newMm('process');
  const vpn = memoryKind(kind.name, mapping).setup(mm, mapping);
  let child: Mm | null = machine.processes.find((p) => p !== mm && !p.exited) ?? null;
  const pins: PinRecord[] = [];
  const promised: Promised[] = [];
  const where = (i: number, op: Op) => `${s.version} ${kind.name}/${mapping} step ${i} ${JSON.stringify(op)}`;

  s.ops.forEach((op: Op, i: number) => {
    const before = mm.pt.lookup(vpn);
    const beforeExclusive = before?.entry.type === 'present' && before.entry.folio.anon && pageAnonExclusive(before.entry.folio, before.entry.index) ? before.entry.folio : null;
    switch (op.op) {
      case 'read':
        readPages(mm, vpn, 1);
        break;
      case 'write': {
        const r = memset(mm, vpn, 1, 0x40 + i);
        const after = mm.pt.lookup(vpn);
        // a write never replaces an exclusive anonymous page
        if (r === 'ok' && beforeExclusive && kernel.has('anon-exclusive')) assert.equal(after?.entry.type === 'present' ? after.entry.folio : null, beforeExclusive, `${where(i, op)}: a write replaced an exclusive anonymous page`);
        break;
      }
      case 'pin': {
        const flags: FollFlag[] = [];
        if (op.write) flags.push('FOLL_WRITE');
        if (op.longterm && !op.get) flags.push('FOLL_LONGTERM');
        const api = op.get ? (op.fast ? 'get_user_pages_fast' : 'get_user_pages') : op.fast ? 'pin_user_pages_fast' : 'pin_user_pages';
        const out = gup({ api, mm, start: vpn, nrPages: 1, flags, holder: 'test' });
        for (const p of out.pins) {
          pins.push(p);
          const vma = mm.findVma(vpn)!;
          const f = p.folio;
          // 5.10 has no PG_anon_exclusive: it pins what is mapped, and keeps no pin of a COW mapping coherent
          const exclusivity = kernel.has('anon-exclusive');
          if (exclusivity && p.kind === 'pin' && f.anon && isCowMapping(vma.flags)) {
            assert.ok(pageAnonExclusive(f, p.index), `${where(i, op)}: FOLL_PIN returned a non-exclusive anonymous page`);
          }
          const reliable =
            (exclusivity && p.kind === 'pin' && f.anon && pageAnonExclusive(f, p.index)) ||
            !isCowMapping(vma.flags) ||
            (p.kind === 'pin' && op.longterm && kernel.has('unshare-longterm-ro-cow'));
          if (reliable) promised.push({ rec: p });
          // 6.2+: every R/O FOLL_LONGTERM pin in a COW mapping is an exclusive anonymous page
          if (p.kind === 'pin' && op.longterm && kernel.has('unshare-longterm-ro-cow') && isCowMapping(vma.flags)) {
            assert.ok(f.anon && pageAnonExclusive(f, p.index), `${where(i, op)}: 6.2+ R/O long-term pin of a non-exclusive page in a COW mapping`);
          }
        }
        break;
      }
      case 'unpin': {
        const p = pins.pop();
        if (p) release(mm, p);
        break;
      }
      case 'fork':
        if (!child) child = fork(mm, 'child');
        break;
      case 'child-write':
        if (child) memset(child, vpn, 1, 0xc0 + i);
        break;
      case 'child-exit':
        if (child) exitMm(child);
        child = null;
        break;
      case 'mprotect': {
        const n = mm.findVma(vpn)!.hugeNr || 1; // hugetlb: whole huge pages only
        mprotect(mm, vpn - (vpn % n), n, { read: true, write: op.write });
        break;
      }
      case 'swapout':
        madvise(mm, vpn, 1, 'MADV_PAGEOUT');
        break;
      case 'clear-soft-dirty':
        clearSoftDirty(mm);
        break;
      case 'ksm':
        ksmMerge(mm, vpn);
        break;
    }
    assert.deepEqual(checkInvariants(machine), [], where(i, op));
    for (const { rec } of promised) {
      if (rec.released) continue;
      const leaf = mm.pt.lookup(rec.vpn);
      const still = leaf?.entry.type === 'present' && leaf.entry.folio === rec.folio;
      assert.ok(still, `${where(i, op)}: a pin the kernel keeps coherent (${rec.kind} of ${rec.folio.name}) is no longer mapped`);
      const seen = readPages(mm, rec.vpn, 1);
      if (Array.isArray(seen)) assert.equal(seen[0], rec.folio.zero ? 0 : rec.folio.content.at(rec.index), `${where(i, op)}: pin and process see different data`);
    }
  });
}

test('random sequences keep the bookkeeping consistent and promised pins coherent', () => {
  fc.assert(fc.property(scenarioArb, (s) => run(s)), { numRuns: 400, seed: 20221116 });
});

test('the same with fresh random seeds', () => {
  fc.assert(fc.property(scenarioArb, (s) => run(s)), { numRuns: 150 });
});
