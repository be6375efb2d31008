// The simulation view's HTML, rendered from a real simulation of a fixture call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderSimulation, contentSecurityPolicy } from '../../client/webview/render.js';
import { loadCParser } from '../../server/engine/parser.js';
import { Analyzer } from '../../server/lsp/analysis.js';
import { simulateAt } from '../../server/lsp/custom-requests.js';
import { DocumentStore } from '../../server/lsp/document-store.js';

const READ_ONLY_PIN = `static int demo_pin(unsigned long addr, struct page **pages, int a, int b)
{
\tunsigned int flags = FOLL_LONGTERM;

\tif (a < b)
\t\tflags |= FOLL_WRITE;
\treturn pin_user_pages_fast(addr, 1, flags, pages);
}
`;

async function simulate(kernel: string) {
  const store = new DocumentStore(await loadCParser());
  const analyzer = new Analyzer(() => []);
  analyzer.updateSettings({ kernel });
  const doc = store.open('untitled:demo.c', 'c', 1, READ_ONLY_PIN);
  const result = simulateAt(doc, { line: 6, character: 10 }, analyzer);
  store.dispose();
  assert.ok(result);
  return result;
}

test('6.1: the read-only long-term pin of the shared zeropage is drawn stale after the write', async () => {
  const result = await simulate('6.1');
  const html = renderSimulation(result, { nonce: 'n0nce' });
  assert.match(html, /<h1>pin_user_pages_fast\(\) on Linux 6\.1<\/h1>/);
  const zeropage = html.slice(html.indexOf('<span class="kind">shared zeropage</span>'));
  assert.match(zeropage, /^[^]*?slow path: incoherent/);
  assert.match(zeropage, /^[^]*?<svg class="state"/);
  assert.match(zeropage, /^[^]*?STALE: not mapped/);
  assert.match(zeropage, /^[^]*?gup_must_unshare\(\) -&gt; false/);
  // The condition of the second flag set is escaped, not markup.
  assert.match(html, /\(a &lt; b\)|a &lt; b/);
  assert.doesNotMatch(html, /<script/);
});

test('6.12: the same pin is coherent for every memory kind', async () => {
  const result = await simulate('6.12');
  const readOnly = result.flagSets.find((s) => !s.callerFlags.includes('FOLL_WRITE'))!;
  const kinds = readOnly.outcomes.map((o) => `${o.memory}:${o.slow.verdict}/${o.fast?.verdict}`);
  assert.ok(readOnly.outcomes.length > 5);
  assert.deepEqual(kinds.filter((k) => !k.endsWith(':coherent/coherent')), []);
  const html = renderSimulation(result, { nonce: 'n0nce' });
  assert.doesNotMatch(html, /STALE/);
});

test('the page allows no script, no remote content, and only its own nonce\'d styles', () => {
  const csp = contentSecurityPolicy('abc');
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'none'/);
  assert.match(csp, /style-src 'nonce-abc'/);
  assert.doesNotMatch(csp, /unsafe/);
});

test('the view offers sim-core\'s steps and simulates the ones asked for, drawing the page table after each', async () => {
  const store = new DocumentStore(await loadCParser());
  const analyzer = new Analyzer(() => []);
  analyzer.updateSettings({ kernel: '6.12' });
  const doc = store.open('untitled:demo.c', 'c', 1, READ_ONLY_PIN);
  const plain = simulateAt(doc, { line: 6, character: 10 }, analyzer)!;
  assert.deepEqual(plain.then, ['write']);
  const offered = plain.steps.map((s) => s.name);
  for (const step of ['madv-dontneed', 'munmap', 'mremap', 'mprotect-none', 'swapin', 'munmap-page', 'munmap-neighbour', 'numa-hint', 'numa-protnone', 'repin']) assert.ok(offered.includes(step), step);
  const then = ['numa-protnone', 'munmap-neighbour', 'write'];
  const result = simulateAt(doc, { line: 6, character: 10 }, analyzer, then)!;
  store.dispose();
  assert.deepEqual(result.then, then);
  const thp = result.flagSets[0]!.outcomes.find((o) => o.memory === 'thp')!;
  const afters = thp.slow.drawing!.snapshots.map((s) => s.after);
  assert.deepEqual(afters, ['setup', 'pin', ...then]);
  // the THP's PMD is PROT_NONE for NUMA hinting after the scan, and the drawing says so
  assert.equal(thp.slow.drawing!.snapshots[2]!.mappings[0]!.protnone, true);
  const html = renderSimulation(result, { nonce: 'n0nce' });
  assert.match(html, /the process does: numa-protnone → munmap-neighbour → write/);
  assert.match(html, /PROT_NONE \(NUMA hint\)/);
});
