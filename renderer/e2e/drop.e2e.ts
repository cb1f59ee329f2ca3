// Drag-and-drop onto the web build's window: a model folder from disk (dropped through Chromium's own
// drag input, so the page reads it as a real directory entry) opens as the folder picker would open
// it; an experiment file saved from it reopens and replays; anything else gets a one-line hint.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, shot, startHarness, type Harness } from './harness';
import { tinyModelDir } from './checkpoints';

/** Drags paths from disk onto the page and drops them, as a file manager would. */
async function dropFromDisk(page: Page, paths: string[]) {
  const cdp = await page.context().newCDPSession(page);
  const data = { items: [], files: paths, dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, x: 700, y: 500, data });
  await cdp.detach();
}

/** Drops files made in the page (their bytes from here). */
function dropFiles(page: Page, files: { name: string; text: string }[]) {
  return page.evaluate((fs) => {
    const data = new DataTransfer();
    for (const f of fs) data.items.add(new File([f.text], f.name));
    for (const type of ['dragenter', 'dragover', 'drop']) document.body.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
  }, files);
}

describe('dropping onto the web build', () => {
  let h: Harness;
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    h = await startHarness();
    ({ page, errors } = await openApp(h));
  });
  afterAll(async () => { await h?.close(); });

  it('opens a dropped model folder', async () => {
    await dropFromDisk(page, [tinyModelDir('dropped-hybrid')]);
    await expect.poll(() => page.locator('[data-testid=model-meta]').textContent(), { timeout: 60_000 }).toContain('dropped-hybrid');
    expect(await page.locator('[data-testid=layout-text]').inputValue()).toBe('M-M*-');
    expect(await page.locator('[data-testid=model-select]').inputValue()).toBe('folder:dropped-hybrid');
    expect(errors).toEqual([]);
  });

  it('reopens a dropped experiment file and replays it', async () => {
    await page.locator('[data-testid=pb-entries]').fill('6');
    await page.waitForSelector('[data-testid=run]:not([disabled])', { timeout: 60_000 });
    await page.locator('[data-testid=run]').click();
    await page.waitForSelector('[data-testid=run-progress][data-status=done]', { timeout: 60_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=save-experiment]').click()]);
    const text = readFileSync(await download.path(), 'utf8');
    await page.locator('[data-testid=pb-seed]').fill('9');
    await dropFiles(page, [{ name: download.suggestedFilename(), text }]);
    await expect.poll(() => page.locator('.toast').textContent(), { timeout: 60_000 }).toContain(`Reproduced ${download.suggestedFilename()}`);
    expect(await page.locator('[data-testid=pb-seed]').inputValue()).toBe('1');
    expect(errors).toEqual([]);
  });

  it('says what it takes when the drop is something else', async () => {
    await dropFiles(page, [{ name: 'notes.txt', text: 'hello' }]);
    await expect.poll(() => page.locator('.toast').textContent()).toContain('Drop a model folder');
    await page.screenshot({ path: shot('drop-hint') });
    expect(errors).toEqual([]);
  });
});
