import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { entryPointAt, ENTRY_POINTS } from '../../server/engine/index.js';
import { describeSymbol, documentedSymbols, entryPointInterface, flagSetNotes, renderSymbolMarkdown, symbolDoc } from '../../server/knowledge/index.js';
import { compareKernelVersions, inVersionRange } from '../../server/knowledge/version.js';

test('gup_must_unshare on 6.1 names FOLL_LONGTERM, is_cow_mapping and 6.2, with the 6.1 file', () => {
  const md = renderSymbolMarkdown(describeSymbol('gup_must_unshare', '6.1')!);
  assert.match(md, /FOLL_LONGTERM/);
  assert.match(md, /is_cow_mapping/);
  assert.match(md, /6\.2/);
  assert.match(md, /`include\/linux\/mm\.h` `gup_must_unshare\(\)` \(6\.1 source\)/);
  assert.match(md, /Changes after 6\.1/);
});

test('gup_must_unshare on 6.12 describes the three-argument form in mm/internal.h', () => {
  const s = describeSymbol('gup_must_unshare', '6.12')!;
  assert.match(s.era!.text, /gup_must_unshare\(vma, flags, page\)/);
  assert.ok(s.era!.refs.some((r) => r.file === 'mm/internal.h' && r.readIn === '6.12'));
  assert.deepEqual(s.later, []);
  assert.ok(s.past.some((c) => c.version === '6.2'));
});

test('every era of every symbol has at most one era per kernel from 5.6 to 7.4, and one for 6.1 and 6.12', () => {
  const kernels = [...Array.from({ length: 14 }, (_, i) => `5.${i + 6}`), ...Array.from({ length: 20 }, (_, i) => `6.${i}`), '7.0', '7.1', '7.2', '7.3', '7.4'];
  for (const name of documentedSymbols()) {
    const doc = symbolDoc(name)!;
    for (const kernel of kernels) {
      const hits = doc.eras.filter((e) => inVersionRange(kernel, e.from, e.until));
      assert.ok(hits.length <= 1, `${name} has overlapping eras at ${kernel}`);
    }
    if (doc.eras.length === 0) continue; // an engine entry point with its summary only
    for (const kernel of ['6.1', '6.12']) {
      assert.ok(describeSymbol(name, kernel)!.era, `${name} has no era covering ${kernel}`);
    }
  }
});

test('the documented FOLL_* flags are exactly the ones defined in the 6.1 and 6.12 trees, plus removed ones', (t) => {
  const root = join(homedir(), '.cache/pinsight/kernels');
  const k61 = join(root, 'linux-source-6.1/include/linux/mm.h');
  const k612 = [join(root, 'linux-source-6.12/include/linux/mm_types.h'), join(root, 'linux-source-6.12/mm/internal.h')];
  if (!existsSync(k61) || !k612.every(existsSync)) {
    t.skip('kernel trees not fetched (bash scripts/fetch-kernel.sh)');
    return;
  }
  const in61 = [...readFileSync(k61, 'utf8').matchAll(/^#define (FOLL_[A-Z_0-9]+)\s/gm)].map((m) => m[1]!);
  const in612 = k612.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/^\s+(FOLL_[A-Z_0-9]+) = /gm)].map((m) => m[1]!));
  const documented = documentedSymbols().filter((n) => n.startsWith('FOLL_'));
  for (const flag of new Set([...in61, ...in612])) assert.ok(documented.includes(flag), `${flag} is not documented`);
  for (const flag of in61) assert.ok(!describeSymbol(flag, '6.1')!.era!.absent, `${flag} exists in 6.1`);
  for (const flag of in612) assert.ok(!describeSymbol(flag, '6.12')!.era!.absent, `${flag} exists in 6.12`);
  for (const flag of documented.filter((f) => !in61.includes(f))) assert.ok(describeSymbol(flag, '6.1')!.era!.absent, `${flag} is absent from 6.1`);
  for (const flag of documented.filter((f) => !in612.includes(f))) assert.ok(describeSymbol(flag, '6.12')!.era!.absent, `${flag} is absent from 6.12`);
});

test('every kernel reference names a file and function that exist in the tree it was read in', (t) => {
  const root = join(homedir(), '.cache/pinsight/kernels');
  if (!existsSync(join(root, 'linux-source-6.1')) || !existsSync(join(root, 'linux-source-6.12'))) {
    t.skip('kernel trees not fetched');
    return;
  }
  const cache = new Map<string, string>();
  for (const name of documentedSymbols()) {
    for (const era of symbolDoc(name)!.eras) {
      for (const ref of era.refs) {
        const path = join(root, `linux-source-${ref.readIn}`, ref.file);
        assert.ok(existsSync(path), `${name}: ${ref.file} not in ${ref.readIn}`);
        if (!cache.has(path)) cache.set(path, readFileSync(path, 'utf8'));
        const bare = ref.symbol.replace(/\(\)$/, '').replace(/^enum /, '');
        assert.ok(cache.get(path)!.includes(bare), `${name}: ${bare} not in ${ref.readIn} ${ref.file}`);
      }
    }
  }
});

test('the FOLL_FORCE|FOLL_WRITE workaround note depends on the kernel version', () => {
  const flags = ['FOLL_FORCE', 'FOLL_LONGTERM', 'FOLL_PIN', 'FOLL_WRITE'];
  assert.deepEqual(flagSetNotes(flags, '6.1').map((n) => n.id), ['force-write-workaround']);
  assert.match(flagSetNotes(flags, '6.1')[0]!.text, /shared zeropage/);
  assert.deepEqual(flagSetNotes(flags, '6.2').map((n) => n.id), ['force-write-obsolete']);
  assert.deepEqual(flagSetNotes(['FOLL_LONGTERM', 'FOLL_PIN'], '6.1').map((n) => n.id), ['ro-longterm-before-6.2']);
  assert.deepEqual(flagSetNotes(['FOLL_LONGTERM', 'FOLL_PIN'], '6.12').map((n) => n.id), ['ro-longterm-memlock']);
  assert.deepEqual(flagSetNotes(['FOLL_FORCE', 'FOLL_GET'], '6.1').map((n) => n.id), ['force-read']);
  assert.deepEqual(flagSetNotes(['FOLL_WRITE', 'FOLL_GET'], '6.1'), []);
});

test('kernel versions compare numerically and reject non-versions', () => {
  assert.ok(compareKernelVersions('6.12', '6.2') > 0);
  assert.ok(compareKernelVersions('6.1.176', '6.1') === 0);
  assert.ok(compareKernelVersions('5.19', '6.0') < 0);
  assert.throws(() => compareKernelVersions('six', '6.1'), /bad kernel version 'six'/);
  assert.equal(describeSymbol('not_a_symbol', '6.1'), undefined);
});

test('every entry point of the engine\'s table is documented, with its interface from that table', () => {
  for (const e of ENTRY_POINTS) {
    for (const kernel of ['6.1', '6.12']) {
      const s = describeSymbol(e.name, kernel);
      assert.ok(s, `${e.name} has no documentation`);
      const md = renderSymbolMarkdown(s);
      const resolved = entryPointAt(e.name, kernel)!;
      if (resolved.exists) assert.ok(md.includes(`${e.name}(${resolved.params.join(', ')})`), `${e.name} on ${kernel}: no signature in\n${md}`);
    }
  }
  // The vmas argument went away in 6.5: the hover follows the table.
  assert.match(entryPointInterface('pin_user_pages', '6.1')!, /pin_user_pages\(start, nr_pages, gup_flags, pages, vmas\)/);
  assert.match(entryPointInterface('pin_user_pages', '6.12')!, /pin_user_pages\(start, nr_pages, gup_flags, pages\)/);
  assert.equal(entryPointInterface('pin_user_pages_fast_only', '6.12'), undefined);
});
