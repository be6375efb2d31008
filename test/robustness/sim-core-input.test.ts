// sim-core's public entry, simulate(), on hostile input (it runs for every hover, every
// `pinsight simulate` and every simulation view, with flags the engine read from the user's code):
// any input either simulates or is refused with a one-line SimError, never another exception and
// never a hang; the same input gives the same result; the input is not changed. The model's own
// invariants over random operation sequences are test/sim-core/properties.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FOLL_FLAGS, GUP_APIS, MEMORY_KINDS, SimError, simulate, THEN_STEPS, type ScenarioInput } from '../../sim-core/index.js';

const memoryNames = MEMORY_KINDS.map((k) => k.name);
const almost = (valid: string[]) => fc.oneof(fc.constantFrom(...valid), fc.string({ maxLength: 12 }), fc.constantFrom('', ' ', '__proto__', 'constructor', 'toString'), fc.anything());

const validScenario = fc.record({
  kernel: fc.record({ version: fc.constantFrom('6.1', '6.2', '6.5', '6.12', '5.15', '7.0', '6.1.999', 'v6.2') }),
  memory: fc.constantFrom(...memoryNames),
  mapping: fc.constantFrom('private', 'shared'),
  prot: fc.constantFrom('read-write', 'read-only'),
  flags: fc.subarray([...(FOLL_FLAGS as readonly string[])], { maxLength: 4 }),
  path: fc.constantFrom('slow', 'fast'),
  api: fc.constantFrom(...(GUP_APIS as readonly string[]), 'io_uring_register_buffers'),
  then: fc.array(fc.constantFrom(...Object.keys(THEN_STEPS)), { maxLength: 6 }),
});

/** What a field can be replaced with: near misses, wrong types, huge lists. */
const junk: Record<string, fc.Arbitrary<unknown>> = {
  kernel: fc.oneof(fc.record({ version: fc.oneof(fc.constantFrom('6', '6.x', '', '99999999999999999999.1'), fc.string(), fc.anything()), with: fc.anything(), without: fc.anything() }, { requiredKeys: [] }), fc.anything()),
  memory: almost(memoryNames),
  mapping: almost(['private', 'shared']),
  prot: fc.anything(),
  flags: fc.oneof(fc.array(almost([...(FOLL_FLAGS as readonly string[])]), { maxLength: 6 }), fc.anything()),
  path: fc.anything(),
  api: fc.oneof(fc.string(), fc.anything()),
  then: fc.oneof(fc.array(almost(Object.keys(THEN_STEPS)), { maxLength: 8 }), fc.array(fc.constant('write'), { minLength: 50, maxLength: 200 }), fc.anything()),
  trace: fc.anything(),
};

/** A valid scenario with none, one or a few of its fields replaced by junk. */
const scenario = fc
  .tuple(validScenario, fc.subarray(Object.keys(junk), { maxLength: 3 }))
  .chain(([valid, keys]) => fc.tuple(fc.constant(valid), ...keys.map((k) => junk[k]!.map((v) => [k, v] as const))))
  .map(([valid, ...replaced]) => ({ ...valid, ...Object.fromEntries(replaced as (readonly [string, unknown])[]) }));

test('property: any scenario simulates or is refused with a one-line SimError', () => {
  let simulated = 0;
  let refused = 0;
  fc.assert(
    fc.property(scenario, (input) => {
      const before = JSON.stringify(input);
      try {
        const result = simulate(input as unknown as ScenarioInput);
        simulated++;
        assert.ok(['coherent', 'incoherent', 'refused', 'error'].includes(result.verdict) || typeof result.verdict === 'string');
        assert.equal(typeof result.summary, 'string');
        JSON.stringify(result); // plain data: it crosses LSP and the CLI's --json
      } catch (error) {
        assert.ok(error instanceof SimError, `not a SimError: ${error instanceof Error ? error.stack : String(error)}\ninput: ${before}`);
        assert.ok(!error.message.includes('\n'), `a multi-line message: ${error.message}`);
        refused++;
      }
      assert.equal(JSON.stringify(input), before, 'simulate changed its input');
    }),
    { numRuns: 1500, seed: 17 },
  );
  assert.ok(simulated > 50 && refused > 50, `simulated ${simulated}, refused ${refused}: the generator should reach both`);
});

test('property: a valid scenario gives the same result twice', () => {
  const valid = fc.record({
    kernel: fc.record({ version: fc.constantFrom('6.1', '6.2', '6.5', '6.12') }),
    memory: fc.constantFrom(...memoryNames),
    mapping: fc.constantFrom('private' as const, 'shared' as const),
    flags: fc.subarray(['FOLL_WRITE', 'FOLL_LONGTERM', 'FOLL_FORCE']),
    path: fc.constantFrom('slow' as const, 'fast' as const),
    then: fc.array(fc.constantFrom(...Object.keys(THEN_STEPS)), { maxLength: 4 }),
  });
  fc.assert(
    fc.property(valid, (input) => {
      let first: string;
      try {
        first = JSON.stringify(simulate(input));
      } catch (error) {
        assert.ok(error instanceof SimError);
        assert.throws(() => simulate(input), SimError);
        return;
      }
      assert.equal(JSON.stringify(simulate(input)), first);
    }),
    { numRuns: 300, seed: 18 },
  );
});

// Regressions the properties above found, each with its minimal input.

test('regression: mprotect after the pin on hugetlb works in whole huge pages (threw "hugetlb VMAs split only at huge page boundaries")', () => {
  for (const step of ['mprotect-ro', 'mprotect-rw']) {
    const r = simulate({ kernel: { version: '6.1' }, memory: 'hugetlb-2M', mapping: 'private', flags: [], path: 'slow', then: [step] });
    assert.equal(typeof r.verdict, 'string');
  }
});

test('regression: a second fork with no free huge page for the pinned hugetlb copy fails with -ENOMEM and leaves no child (threw)', () => {
  const r = simulate({ kernel: { version: '6.1' }, memory: 'hugetlb-1G', mapping: 'private', flags: [], path: 'slow', then: ['fork-child-write', 'fork'] });
  assert.ok(r.trace.some((s) => s.fn === 'fork()' && /-ENOMEM/.test(s.detail)), 'the trace says fork failed');
  assert.equal(r.verdict, simulate({ kernel: { version: '6.1' }, memory: 'hugetlb-1G', mapping: 'private', flags: [], path: 'slow', then: ['fork-child-write'] }).verdict);
});

test('regression: kernel.without that is not a list, and names String() cannot print, are SimErrors (were TypeErrors)', () => {
  assert.throws(() => simulate({ kernel: { version: '6.1', without: {} as unknown as string[] }, memory: 'anon', mapping: 'private', flags: [] }), SimError);
  assert.throws(() => simulate({ kernel: { version: '6.1' }, memory: 'anon', mapping: 'private', flags: [], path: { toString: null } as unknown as 'slow' }), SimError);
  assert.throws(() => simulate({ kernel: { version: '6.1' }, memory: 'anon', mapping: 'private', flags: [], then: ['toString'] }), /unknown step 'toString'/);
});
