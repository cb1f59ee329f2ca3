// The first screen in the web build: the app opens on the bundled hybrid with a phonebook ready and
// runs it by itself — layer records stream without a click — after showing both steps of opening the
// model; the newcomer's paragraph dismisses and stays dismissed after a reload, and a reload that
// offers the autosaved session back runs nothing by itself. Skipped, saying so, without the hybrid.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, repo, shot, startHarness, type Harness } from './harness';

const have = existsSync(resolve(repo, 'assets/models/hybrid/model.safetensors'));
if (!have) console.log('first-screen.e2e: SKIPPED — no bundled hybrid in assets/models/');

/** Before the app's scripts: keep every opening step the top bar shows, and every status the run
 *  progress goes through, however briefly. */
async function watchFirstScreen(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen = { steps: [] as string[], runs: [] as string[] };
    (window as unknown as { __seen: typeof seen }).__seen = seen;
    const last = (a: string[]) => a[a.length - 1];
    new MutationObserver(() => {
      const step = document.querySelector('[data-testid=model-progress]')?.getAttribute('data-step');
      if (step && last(seen.steps) !== step) seen.steps.push(step);
      const run = document.querySelector('[data-testid=run-progress]')?.getAttribute('data-status');
      if (run && last(seen.runs) !== run) seen.runs.push(run);
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
}
const seen = (page: Page) => page.evaluate(() => (window as unknown as { __seen: { steps: string[]; runs: string[] } }).__seen);

describe.skipIf(!have)('the first screen in Chromium', () => {
  let h: Harness;
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    h = await startHarness();
    ({ page, errors } = await openApp(h, '', { firstRun: true, setup: watchFirstScreen }));
  });
  afterAll(async () => { await h?.close(); });

  it('opens the hybrid in two shown steps and streams its phonebook run without a click', async () => {
    await expect.poll(() => page.locator('[data-testid=run-progress]').getAttribute('data-status'), { timeout: 120_000 }).toBe('done');
    const layout = await page.locator('[data-testid=layout-text]').inputValue();
    expect(layout).toBe('M-M*M-M-');
    expect(await page.locator('input[aria-label=Entries]').inputValue()).toBe('40');
    expect(await page.locator('[data-testid=strip-block].lit').count()).toBe(layout.length);
    expect(await page.locator('[data-testid=answer-digits] .cell.expected').count()).toBe(10);
    const { steps, runs } = await seen(page);
    expect(steps).toEqual(['1', '2']);
    expect(runs).toEqual(['running', 'done']);
    expect(await page.locator('[data-testid=intro]').textContent()).toContain('What am I looking at?');
    await page.screenshot({ path: shot('first-screen') });
    expect(errors).toEqual([]);
  });

  it('dismisses the paragraph for good, and a reload offering the session back runs nothing', async () => {
    await page.locator('[data-testid=intro-dismiss]').click();
    expect(await page.locator('[data-testid=intro]').count()).toBe(0);
    await page.waitForTimeout(1500); // the autosave debounce (1 s)
    await page.reload();
    await expect.poll(() => page.locator('.toast').textContent(), { timeout: 60_000 }).toMatch(/^Restored your last session/);
    await page.waitForSelector('[data-testid=run]:not([disabled])', { timeout: 60_000 });
    expect(await page.locator('[data-testid=intro]').count()).toBe(0);
    // the first run would start right after the restore: give it the time it would take to show
    await page.waitForTimeout(500);
    expect((await seen(page)).runs).toEqual([]);
    expect(errors).toEqual([]);
  });
});
