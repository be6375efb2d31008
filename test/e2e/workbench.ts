// What a person does in VS Code, as keystrokes, and what they see, as locators: the steps of the
// end-to-end test, each waiting for the UI it needs instead of sleeping a fixed time.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';

export const SCREENSHOTS = join(__dirname, 'screenshots/tmp');

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Opens a workspace file with Quick Open (Ctrl+P) and waits for its editor. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  // Quick Open from the editor group: with the Problems panel focused, Ctrl+P goes to the panel.
  await page.keyboard.press('Control+1');
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').waitFor();
  await page.keyboard.type(name);
  // The row Enter picks is the focused one: wait until the list, filtered by all that was typed,
  // has the file there (a partly filtered list may still lead with the file open now).
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor();
  await page.locator('.monaco-editor .view-lines').first().waitFor();
}

/** Moves the cursor with Go to Line (Ctrl+G), 1-based line and column as VS Code shows them. */
export async function goTo(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+1'); // focus the editor (the Problems panel may have it)
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').waitFor();
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
  // The status bar counts a tab as several columns, so only the line is checked.
  await page.locator('.statusbar-item', { hasText: `Ln ${line},` }).waitFor();
}

/** Runs a command from the command palette (F1) by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').waitFor();
  await page.keyboard.type(title);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** Shows the hover at the cursor (editor.action.showHover, Ctrl+K Ctrl+I) and returns its text. */
export async function hoverText(page: Page, mustContain: string): Promise<string> {
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  const hover = page.locator('.monaco-hover-content', { hasText: mustContain }).first();
  await hover.waitFor({ timeout: 30_000 });
  return hover.innerText();
}

/** The simulation webview's document: VS Code nests it in two iframes. */
export function webview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview').frameLocator('iframe');
}
