// A short seeded fuzz run, as CI runs it: 300 mutated real files (the cached kernel trees, else the
// project's fixtures) through the engine, a third of them through the language server and a few
// through the CLI. Nothing may crash or hang; the full run is `npm run fuzz` (RELIABILITY.md).
// No timing is asserted: a hang is an input the watchdog (30 s) had to stop. Needs `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFuzz, summarize } from '../../scripts/fuzz/fuzz.js';

test('fuzz smoke: 300 seeded inputs, 0 crashes, 0 hangs', { timeout: 600_000 }, async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'pinsight-fuzz-smoke-'));
  try {
    const report = await runFuzz({
      seed: 20_221_116,
      count: 300,
      targets: { engine: true, server: true, cli: true },
      serverEvery: 3,
      cliEvery: 50,
      giants: false,
      corpus: 'kernel',
      out,
      dist: process.env.PINSIGHT_DIST ?? join(__dirname, '../../dist'),
      budgetMs: 1000,
      hangMs: 30_000,
      giantHangMs: 600_000,
      minimize: false,
    });
    for (const line of summarize(report)) t.diagnostic(line);
    assert.deepEqual(report.failures.map((f) => `#${f.index} ${f.target} ${f.source} ${f.ops.join('+')}: ${f.problem}`), []);
    assert.equal(report.engine.inputs, 300);
    assert.equal(report.server.inputs, 100);
    assert.equal(report.cli.runs, 6);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
