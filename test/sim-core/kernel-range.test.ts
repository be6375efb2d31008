// The kernels sim-core answers for, and what it says about those outside the trees it is held to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KNOWN_TREES, cowTable, kernelFor, outsideKnownRange, simulate } from '../../sim-core/index.js';

test('a version between known trees stands for itself; traces cite its own release', () => {
  assert.equal(kernelFor({ version: '6.1' }).release, '6.1');
  assert.equal(kernelFor({ version: '6.5' }).release, '6.5');
  assert.equal(kernelFor({ version: '6.12.117' }).release, '6.12');
  assert.equal(kernelFor({ version: '7.4' }).release, '7.3');
  assert.equal(kernelFor({ version: '5.8' }).release, '5.10');
  assert.equal(outsideKnownRange('6.5'), undefined);
  assert.equal(outsideKnownRange(KNOWN_TREES[0]), undefined);
  assert.equal(outsideKnownRange(KNOWN_TREES[KNOWN_TREES.length - 1]), undefined);
});

test('outside the known trees a version is answered as the nearest one, and every output says so', () => {
  assert.equal(outsideKnownRange('5.8')?.answeredAs, '5.10');
  assert.equal(outsideKnownRange('7.4')?.answeredAs, '7.3');
  const note = /Linux 7\.4 is newer than the kernels pinsight is checked against \(5\.10 to 7\.3\): answered as 7\.3/;
  assert.match(kernelFor({ version: '7.4' }).notes().join('\n'), note);
  const run = simulate({ kernel: { version: '7.4' }, memory: 'shared-zeropage', mapping: 'private', flags: ['FOLL_LONGTERM'], then: ['write'] });
  assert.match(run.summary, note);
  assert.ok(run.trace.some((s) => s.fn === 'note' && note.test(s.detail)));
  const table = cowTable({ kernel: { version: '7.4' }, trace: false, filter: (t) => t === 'Basic COW' });
  assert.match(table.notes.join('\n'), note);
  // 7.4 has the switches of 7.3, its stand-in
  assert.deepEqual([...kernelFor({ version: '7.4' }).on].sort(), [...kernelFor({ version: '7.3' }).on].sort());
});

test('versions pinsight does not answer for are refused with the range, by sim-core itself', () => {
  assert.throws(() => kernelFor({ version: '4.4' }), /answers for Linux 5\.6 to 7\.4/);
  assert.throws(() => kernelFor({ version: '8.0' }), /no Linux 8\.0 release is known/);
});
