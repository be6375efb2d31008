// PageBytes (sim-core/page.ts) stands for a byte per page: it must answer as a Uint8Array would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PageBytes } from '../../sim-core/page.js';

type Op = { put: [number, number] } | { fill: [number, number, number] } | { fillAll: number } | { copy: true };

test('answers as a Uint8Array under any mix of put, fill and copy', () => {
  const length = 40;
  const index = fc.integer({ min: 0, max: length - 1 });
  const byte = fc.integer({ min: 0, max: 3 });
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ put: fc.tuple(index, byte) }),
    fc.record({ fill: fc.tuple(byte, fc.integer({ min: -5, max: length + 5 }), fc.integer({ min: -5, max: length + 5 })) }),
    fc.record({ fillAll: byte }),
    fc.record({ copy: fc.constant(true as const) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
      let bytes = new PageBytes(length);
      let model = new Uint8Array(length);
      for (const o of ops) {
        if ('put' in o) {
          bytes.put(o.put[0], o.put[1]);
          model[o.put[0]] = o.put[1];
        } else if ('fill' in o) {
          // Uint8Array.fill counts a negative bound from the end; the model's bounds never are.
          const [v, from, to] = o.fill;
          bytes.fill(v, Math.max(0, from), Math.max(0, to));
          model.fill(v, Math.max(0, from), Math.max(0, to));
        } else if ('fillAll' in o) {
          bytes.fill(o.fillAll);
          model.fill(o.fillAll);
        } else {
          // A copy is independent of its source from then on.
          const copy = new PageBytes(length);
          copy.copyFrom(bytes);
          bytes.put(0, 9);
          bytes = copy;
          model = new Uint8Array(model);
        }
      }
      for (let i = 0; i < length; i++) assert.equal(bytes.at(i), model[i], `page ${i}`);
    }),
  );
});

test('a 1 GiB folio holds one value for all its pages until one is set apart', () => {
  const bytes = new PageBytes(262144);
  bytes.fill(0xff);
  bytes.put(70000, 0xee);
  assert.equal(bytes.at(0), 0xff);
  assert.equal(bytes.at(262143), 0xff);
  assert.equal(bytes.at(70000), 0xee);
});

test('a page outside the folio is a model bug, not a silent undefined', () => {
  const bytes = new PageBytes(512);
  assert.throws(() => bytes.at(512), /model bug/);
  assert.throws(() => bytes.put(-1, 1), /model bug/);
  assert.throws(() => new PageBytes(1).copyFrom(bytes), /model bug/);
});
