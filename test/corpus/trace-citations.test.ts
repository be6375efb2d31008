// Every kernel function and file a sim-core trace cites exists in the tree it names: for each kernel
// pinsight is held to, the cow.c matrix and simulate() over every memory kind, mapping, common flag
// set and path, with the citations grepped in Debian's tree of that version (when cached).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KNOWN_TREES, MEMORY_KINDS, type SymbolName, behaviours, behavioursFor, cowTable, kernelFor, nameLedger, simulate, type TraceStep } from '../../sim-core/index.js';

const cache = process.env.PINSIGHT_CACHE ?? join(homedir(), '.cache/pinsight');
const treeOf = (v: string) => join(cache, 'kernels', `linux-source-${v}`);
const FLAG_SETS = [['FOLL_LONGTERM'], ['FOLL_LONGTERM', 'FOLL_WRITE'], ['FOLL_WRITE', 'FOLL_FORCE'], []];

function citations(kernel: string): Set<string> {
  const refs = new Set<string>();
  const add = (steps: readonly TraceStep[]) => {
    for (const s of steps) if (s.kernelRef) refs.add(s.kernelRef);
  };
  for (const row of cowTable({ kernel: { version: kernel }, trace: true }).rows) add(row.trace);
  for (const kind of MEMORY_KINDS) {
    for (const mapping of kind.mappings) {
      for (const flags of FLAG_SETS) {
        for (const path of ['slow', 'fast'] as const) {
          try {
            add(simulate({ kernel: { version: kernel }, memory: kind.name, mapping, flags, path, then: ['write', 'fork'] }).trace);
          } catch {
            // a combination sim-core refuses (a flag the path rejects): nothing cited
          }
        }
      }
    }
  }
  // io_uring fixed buffers (their own entry point, no caller flags)
  for (const kind of MEMORY_KINDS) {
    for (const mapping of kind.mappings) {
      try {
        add(simulate({ kernel: { version: kernel }, memory: kind.name, mapping, api: 'io_uring_register_buffers', flags: [], then: ['write'] }).trace);
      } catch {
        // refused set-up: nothing cited
      }
    }
  }
  // every symbol of the name ledger, as this tree has it, whether or not a trace above reached it
  for (const symbol of Object.keys(nameLedger()) as SymbolName[]) {
    if (!LEDGER_ONLY_FROM[symbol]?.includes(kernel)) refs.add(kernelFor({ version: kernel }).cite(symbol).ref);
  }
  return refs;
}

/** Ledger symbols cited only where a behaviour switch is on, and absent from older trees. */
const LEDGER_ONLY_FROM: Partial<Record<SymbolName, string[]>> = {
  gup_must_unshare: ['5.10'], // unshare-anon, 5.18
  gup_fast_folio_allowed: ['5.10', '6.1'], // longterm-write-file-fast-bail, 6.5
};

for (const kernel of ['5.10', '6.1', '6.12', '7.2', '7.3']) {
  test(`${kernel}: every function and file a trace cites exists in that tree`, { skip: existsSync(join(treeOf(kernel), 'Makefile')) ? false : `linux-source-${kernel} not cached` }, () => {
    const refs = citations(kernel);
    assert.ok(refs.size > 20, `only ${refs.size} citations`);
    const wrong: string[] = [];
    for (const ref of refs) {
      const m = /^(\S+) (\w+)\(\) \(([\d.]+)\)$/.exec(ref);
      if (!m) {
        wrong.push(`not a citation: ${ref}`);
        continue;
      }
      const [, file, fn, tree] = m;
      assert.equal(tree, kernel, ref);
      const path = join(treeOf(kernel), file!);
      if (!existsSync(path)) wrong.push(`no ${file}: ${ref}`);
      else if (!new RegExp(`\\b${fn}\\s*\\(`).test(readFileSync(path, 'latin1'))) wrong.push(`no ${fn}() in ${file}: ${ref}`);
    }
    assert.deepEqual(wrong, []);
  });
}

test('every behaviour switch names a function and file of the first tree we hold that has it', () => {
  const wrong: string[] = [];
  let checked = 0;
  for (const b of behaviours()) {
    const tree = KNOWN_TREES.find((t) => behavioursFor({ version: t }).has(b.name));
    assert.ok(tree, `${b.name}: on in none of the trees`);
    if (!existsSync(join(treeOf(tree), 'Makefile'))) continue;
    checked++;
    const path = join(treeOf(tree), b.kernelFile);
    if (!existsSync(path)) wrong.push(`${b.name}: no ${b.kernelFile} in ${tree}`);
    else if (!new RegExp(`\\b${b.kernelFunction}\\s*\\(`).test(readFileSync(path, 'latin1'))) wrong.push(`${b.name}: no ${b.kernelFunction}() in ${tree} ${b.kernelFile}`);
  }
  assert.deepEqual(wrong, []);
  if (checked === 0) console.log('# no kernel tree cached: nothing checked');
});
