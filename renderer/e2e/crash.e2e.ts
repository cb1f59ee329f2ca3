// The engine killed mid-run in the web build (issue 8 acceptance 3, issue 5 acceptance 3): the page
// reports it, the watchdog restarts the worker, the model is reopened and the next run works; after
// a reload (the tab was never closed cleanly) the autosaved session — prompt seed included — is back.
// `?e2e` exposes `window.__hybridscopeEngine.kill()` (terminates the worker without any error event,
// as a wedged or killed host looks) and shortens the watchdog deadline to 2 s. A corrupted checkpoint
// folder is refused with a one-line message naming the file, and the open model keeps working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApp, shot, startHarness, type Harness } from './harness';
import { tinyModelDir } from './checkpoints';

const toasts = (page: Page) => page.evaluate(() => (window as unknown as { __toasts: string[] }).__toasts);

describe('engine crash and session recovery in Chromium', () => {
  let h: Harness;
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    h = await startHarness();
    ({ page, errors } = await openApp(h, '?e2e'));
    // Record every toast the page shows, however briefly.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __toasts: string[] }).__toasts = seen;
      new MutationObserver(() => {
        for (const t of document.querySelectorAll('.toast')) {
          const text = t.firstChild?.textContent ?? '';
          if (seen[seen.length - 1] !== text) seen.push(text);
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.waitForSelector('[data-testid=run]:not([disabled])', { timeout: 60_000 });
  });
  afterAll(async () => { await h?.close(); });

  it('reports a killed engine, restarts it, reopens the model and runs again', async () => {
    await page.locator('[data-testid=pb-entries]').fill('400');
    await page.locator('[data-testid=run]').click();
    await expect.poll(() => page.locator('[data-testid=run-progress]').getAttribute('data-status'), { timeout: 30_000 }).toBe('running');
    const killedAt = Date.now();
    await page.evaluate(() => (window as unknown as { __hybridscopeEngine: { kill(): void } }).__hybridscopeEngine.kill());
    await expect.poll(() => toasts(page), { timeout: 15_000 }).toContainEqual(expect.stringMatching(/^the engine stopped answering/));
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    await expect.poll(() => page.locator('[data-testid=run-progress]').getAttribute('data-status')).toBe('error');
    await expect.poll(() => toasts(page), { timeout: 30_000 }).toContainEqual(expect.stringMatching(/^the engine was restarted and .* reopened/));
    await page.screenshot({ path: shot('crash-restarted') });
    // The next run works on the restarted engine.
    await page.locator('[data-testid=pb-entries]').fill('20');
    await page.locator('[data-testid=pb-seed]').fill('4242');
    await page.waitForSelector('[data-testid=run]:not([disabled])', { timeout: 30_000 });
    await page.locator('[data-testid=run]').click();
    await expect.poll(() => page.locator('[data-testid=run-progress]').getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    expect(errors).toEqual([]);
  });

  it('offers the autosaved session back after a reload', async () => {
    await page.waitForTimeout(1500); // the autosave debounce (1 s)
    await page.reload();
    await expect.poll(() => page.locator('.toast').textContent(), { timeout: 60_000 }).toMatch(/^Restored your last session .*not closed cleanly/);
    expect(await page.locator('[data-testid=pb-seed]').inputValue()).toBe('4242');
    expect(await page.locator('[data-testid=pb-entries]').inputValue()).toBe('20');
    await page.screenshot({ path: shot('crash-session-restored') });
    expect(errors).toEqual([]);
  });

  it('refuses a corrupted checkpoint with a clear message and keeps the open model usable', async () => {
    const dir = tinyModelDir('corrupt-hybrid');
    const weights = readFileSync(join(dir, 'model.safetensors'));
    writeFileSync(join(dir, 'model.safetensors'), weights.subarray(0, Math.floor(weights.length / 2)));
    await page.locator('[data-testid=folder-input]').setInputFiles(dir);
    const banner = page.locator('[data-testid=model-error]');
    await expect.poll(() => banner.count(), { timeout: 30_000 }).toBe(1);
    const text = (await banner.textContent())!;
    expect(text).toMatch(/corrupt-hybrid\/model\.safetensors: .*(past the end|bytes)/);
    expect(text).not.toMatch(/\n|TypeError|RangeError|undefined/);
    await page.screenshot({ path: shot('corrupt-checkpoint') });
    // The model that was open before still runs.
    await page.waitForSelector('[data-testid=run]:not([disabled])', { timeout: 30_000 });
    await page.locator('[data-testid=run]').click();
    await expect.poll(() => page.locator('[data-testid=run-progress]').getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    expect(errors).toEqual([]);
  });
});
