// Prints how far sim-core agrees with the recorded real-kernel runs (test/kernel-truth/*.tap):
// per file, rows equal, rows different (listed), rows the model lacks, SKIP rows (not scored).
// The last step of `npm run test:kernel`; also: node --import tsx scripts/kernel-truth/compare.ts
// Exit status: 0 when every scored row agrees, 1 otherwise (or when sim-core is missing).
import { breakdown } from './tap.js';
import { compare, loadRecordings, loadSimCore, type Agreement } from './agreement.js';

const MAX_LISTED = 40;

function show(a: Agreement): void {
  const name = (r: { number: number; test: string; memory: string }): string =>
    `#${r.number} ${r.test}${r.memory ? ` ... with ${r.memory}` : ''}`;
  console.log(`${a.file} (Linux ${a.kernel}): ${a.equal.length}/${a.scored} scored rows agree, ` +
    `${a.different.length} different, ${a.lacking.length} lacking in the model, ${a.unscored.length} SKIP (not scored)`);
  for (const d of a.different.slice(0, MAX_LISTED)) {
    console.log(`  different: ${name(d.row)}: kernel '${d.row.result}' (${d.row.message}), model '${d.model}'${d.note ? ` - ${d.note}` : ''}`);
  }
  if (a.different.length > MAX_LISTED) console.log(`  ... and ${a.different.length - MAX_LISTED} more different`);
  for (const r of a.lacking.slice(0, MAX_LISTED)) console.log(`  lacking: ${name(r)}: kernel '${r.result}'`);
  if (a.lacking.length > MAX_LISTED) console.log(`  ... and ${a.lacking.length - MAX_LISTED} more lacking`);
  for (const u of a.unscored) {
    console.log(`  skip (not scored): ${name(u.row)}: ${u.row.message}; model '${u.model ?? 'no row'}'`);
  }
}

// (an async main, not top-level await: the project's .ts files run as CommonJS under tsx)
async function main(): Promise<number> {
  const recordings = loadRecordings();
  if (recordings.length === 0) {
    console.error('compare: no recordings in test/kernel-truth/ (run npm run test:kernel)');
    return 1;
  }
  for (const rec of recordings) {
    const b = breakdown(rec.run.rows);
    console.log(`${rec.file}: ${rec.run.rows.length} rows (ok ${b.ok}, not ok ${b['not ok']}, xfail ${b.xfail}, skip ${b.skip}); ` +
      `THP sizes ${rec.run.thpSizesKb.join(' ') || '-'} kB; hugetlb sizes ${rec.run.hugetlbSizesKb.join(' ') || '-'} kB`);
  }
  const sim = await loadSimCore();
  if (!sim) {
    console.error('compare: sim-core/index.ts is not there yet: nothing to compare with');
    return 1;
  }
  let allAgree = true;
  for (const rec of recordings) {
    const a = compare(rec, sim);
    show(a);
    if (a.different.length > 0 || a.lacking.length > 0) allAgree = false;
  }
  return allAgree ? 0 : 1;
}

main().then((code) => process.exit(code), (err: unknown) => {
  console.error(`compare: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
