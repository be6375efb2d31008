// dist/cli.js starts ripgrep before it loads the rest of the CLI (server/cli/early-start.ts), and
// scanTree takes that run over only when it would make the same one (server/scan/ripgrep.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startScanEarly } from '../../server/cli/early-start.js';
import { planRipgrep } from '../../server/scan/prefilter.js';
import { offerRipgrepRun, ripgrepCandidates, startRipgrep, type RipgrepPlan } from '../../server/scan/ripgrep.js';
import { classifyRoots } from '../../server/scan/walk.js';

const fixtures = join(__dirname, '../scan/fixtures');
const cwd = process.cwd();
const rg = planRipgrep(classifyRoots([fixtures], cwd), 'auto');
const noRg = rg ? false : 'no rg on PATH';

const listed = async (run: { attach(onFile: (path: string) => void): Promise<unknown> }) => {
  const paths: string[] = [];
  await run.attach((p) => paths.push(p));
  return paths.sort();
};

test('a fast scan starts the run scanTree plans, and scanTree takes it over', { skip: noRg }, async () => {
  const early = startScanEarly(['scan', '--format', 'json', '--kernel', '6.12', fixtures], cwd)?.ripgrep;
  assert.ok(early, 'started');
  assert.deepEqual(early.plan, rg);
  offerRipgrepRun(early);
  assert.equal(startRipgrep(rg!), early, 'the same plan takes the offered run');
  // The paths rg printed before anyone attached are handed over, then the rest.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const fresh: string[] = [];
  await ripgrepCandidates(rg!.rg, rg!.dirs, rg!.needles, (p) => fresh.push(p));
  assert.ok(fresh.length > 0);
  assert.deepEqual(await listed(early), fresh.sort());
});

test('an offered run with another plan is stopped, and a new one started', { skip: noRg }, async () => {
  const early = startScanEarly(['scan', fixtures], cwd)!.ripgrep!;
  offerRipgrepRun(early);
  const other: RipgrepPlan = { ...rg!, dirs: [join(fixtures, '..')] };
  const run = startRipgrep(other);
  assert.notEqual(run, early);
  await assert.rejects(early.attach(() => undefined), /rg exited/);
  assert.ok((await listed(run)).length > 0);
  assert.equal(startRipgrep(rg!) === early, false, 'an offer is taken once');
});

test('nothing starts early unless it is a scan on the fast path with good arguments', { skip: noRg }, () => {
  const none = (argv: string[]) => assert.equal(startScanEarly(argv, cwd), undefined, argv.join(' '));
  none([]);
  none(['simulate', '--kernel', '6.1']);
  none(['scan', '--fix', fixtures]);
  none(['scan', '--help', fixtures]);
  none(['scan', '--format', 'yaml', fixtures]);
  none(['scan', '--kernel', 'six', fixtures]);
  none(['scan', '--bogus', fixtures]);
  none(['scan']);
  const plain = process.env.PINSIGHT_SCAN;
  process.env.PINSIGHT_SCAN = 'plain';
  try {
    none(['scan', fixtures]);
  } finally {
    if (plain === undefined) delete process.env.PINSIGHT_SCAN;
    else process.env.PINSIGHT_SCAN = plain;
  }
  // A fast scan without a ripgrep run: a missing path (the command reports it), a file alone.
  assert.deepEqual(startScanEarly(['scan', join(fixtures, 'no-such-dir')], cwd), {});
  assert.deepEqual(startScanEarly(['scan', join(fixtures, 'callers.c')], cwd), { ripgrep: undefined });
});
