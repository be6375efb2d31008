// pinsight in a real VS Code (code-server 4.100.3 = VS Code 1.100.3) in headless Chromium: the
// .vsix is installed into a fresh profile, a kernel-style fixture is opened, and the test checks
// what a person sees. Run by `npm run test:e2e` (scripts/e2e/run.mjs), which installs code-server,
// Chromium and Neovim if missing and builds the .vsix first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEditor } from './code-server.js';
import { goTo, hoverText, openFile, runCommand, screenshot, webview } from './workbench.js';

const ROOT = join(__dirname, '../..');
const VSIX = process.env.PINSIGHT_VSIX ?? join(ROOT, `pinsight-${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}.vsix`);
const FIXTURE = join(ROOT, 'test/lsp/fixtures/kernel-6.1');
const FILE = 'drivers/demo/demo_umem.c';
const LINES = readFileSync(join(FIXTURE, FILE), 'utf8').split('\n');
/** 1-based line and column of `needle` on the first line that holds it. */
function where(needle: string, offset = 0): [number, number] {
  const i = LINES.findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, needle);
  return [i + 1, LINES[i]!.indexOf(needle) + 1 + offset];
}

test('pinsight in VS Code: problem, hover, quick fix and simulation view', { timeout: 300_000 }, async (t) => {
  assert.ok(existsSync(VSIX), `${VSIX} is missing: run npm run package (npm run test:e2e does)`);
  const editor = await openEditor(VSIX, FIXTURE);
  const { page } = editor;
  /** A subtest that leaves a screenshot of what was on screen when it failed. */
  const step = (name: string, body: () => Promise<void>) =>
    t.test(name, async () => {
      try {
        await body();
      } catch (e) {
        await screenshot(page, `failed-${name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
        throw e;
      }
    });
  try {
    await openFile(page, 'demo_umem.c');

    await step('the status bar shows the target kernel read from the tree\'s Makefile', async () => {
      await page.locator('.statusbar-item', { hasText: 'Linux 6.1' }).waitFor({ timeout: 60_000 });
    });

    await step('the Problems panel lists foll-force-misuse at the FOLL_FORCE line: on 6.1 a note that the idiom keeps the pin coherent', async () => {
      await page.keyboard.press('Control+Shift+M');
      const [line, column] = where('FOLL_FORCE;');
      const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'keeps this read-only long-term pin coherent on Linux 6.1' }).first();
      await row.waitFor({ timeout: 60_000 });
      const text = await row.innerText();
      assert.match(text, /foll-force-misuse/);
      assert.match(text, new RegExp(`Ln ${line}, Col ${column}`));
      await page.locator('.markers-panel .monaco-list-row', { hasText: 'FOLL_FORCE set here' }).first().waitFor();
      await screenshot(page, '1-problems');
    });

    await step('the hover on the call names FOLL_FORCE, the shared zeropage and kernel 6.1', async () => {
      await goTo(page, ...where('pin_user_pages_fast(', 3));
      const text = await hoverText(page, 'pin_user_pages_fast()');
      assert.match(text, /target kernel 6\.1/);
      assert.match(text, /FOLL_FORCE/);
      assert.match(text, /shared zeropage/);
      assert.match(text, /gup_must_unshare/);
      await screenshot(page, '2-hover');
      await page.keyboard.press('Escape');
    });

    await step('on 6.1 the lightbulb offers no fix that removes the idiom, only a suppression', async () => {
      await goTo(page, ...where('FOLL_FORCE;', 2));
      await page.keyboard.press('Control+.');
      const rows = page.locator('.action-widget .monaco-list-row.action');
      await rows.first().waitFor();
      const titles = await rows.allInnerTexts();
      assert.ok(!titles.some((t) => /Drop FOLL_FORCE/.test(t)), titles.join(' | '));
      assert.ok(titles.some((t) => /pinsight: ignore\[foll-force-misuse\]|Suppress/i.test(t)), titles.join(' | '));
      await screenshot(page, '3-quick-fix');
      await page.keyboard.press('Escape');
    });

    await step('a read-only long-term pin through the driver\'s compat helper (another file) is a problem at the caller; the one with a pinsight: ignore comment is not', async () => {
      await openFile(page, 'demo_ring.c');
      await runCommand(page, 'Problems: Focus on Problems View');
      const ring = readFileSync(join(FIXTURE, 'drivers/demo/demo_ring.c'), 'utf8').split('\n');
      const line = (needle: string) => ring.findIndex((l) => l.includes(needle)) + 1;
      const message = 'Read-only long-term pin is not reliable on Linux 6.1';
      const row = page.locator('.markers-panel .monaco-list-row', { hasText: message }).filter({ hasText: `Ln ${line('demo_pin_longterm(addr, nr, 0, pages)')},` });
      await row.first().waitFor({ timeout: 60_000 });
      assert.match(await row.first().innerText(), /longterm-readonly/);
      const suppressed = page.locator('.markers-panel .monaco-list-row', { hasText: message }).filter({ hasText: `Ln ${line('demo_pin_longterm(addr, 1, 0, pages)')},` });
      assert.equal(await suppressed.count(), 0);
      await screenshot(page, '4-through-wrapper');
      await openFile(page, 'demo_umem.c');
    });

    await step('"pinsight: Simulate pin at cursor" draws the page table, the pin and the write', async () => {
      await goTo(page, ...where('pin_user_pages_fast(', 3));
      await runCommand(page, 'pinsight: Simulate pin at cursor');
      const view = webview(page);
      await view.locator('h1', { hasText: 'pin_user_pages_fast() on Linux 6.1' }).waitFor({ timeout: 60_000 });
      // After the fix, the read-only flag set on 6.1 leaves the shared zeropage pin stale.
      // The read-only buffer's path: FOLL_FORCE|FOLL_WRITE makes GUP break COW at pin time, so on 6.1
      // the pin stays coherent with what the process sees; that is why the idiom stays there.
      const readOnly = view.locator('section.flagset', { hasText: '!umem->writable' });
      const zeropage = readOnly.locator('details.memory[open]', { hasText: 'shared zeropage' }).first();
      await zeropage.waitFor();
      assert.match(await zeropage.locator('summary').innerText(), /coherent/);
      assert.doesNotMatch(await zeropage.locator('summary').innerText(), /incoherent/);
      assert.ok((await zeropage.locator('svg.state .panel').count()) >= 3, 'setup, pin and write are drawn');
      const fill = await zeropage.locator('svg.state rect').first().evaluate((r) => (globalThis as unknown as { getComputedStyle(e: unknown): { fill: string } }).getComputedStyle(r).fill);
      assert.notEqual(fill, 'rgb(0, 0, 0)');
      await page.keyboard.press('Control+J'); // hide the panel: more room for the view
      await zeropage.locator('svg.state').first().scrollIntoViewIfNeeded();
      await screenshot(page, '5-simulation');
    });
  } catch (e) {
    await screenshot(page, 'failure').catch(() => undefined);
    console.error(editor.log.join('').split('\n').filter((l) => /pinsight|ERR|rror/.test(l)).slice(-40).join('\n'));
    throw e;
  } finally {
    await editor.close();
  }
});
