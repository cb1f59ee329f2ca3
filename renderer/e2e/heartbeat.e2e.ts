// The web build's watchdog heartbeat in Chromium: a ping the worker host answers itself, so an idle
// page fetches nothing (the heartbeat used to be a model/list request that fetched
// models/manifest.json every interval). `?e2e` shortens the heartbeat to 250 ms and the deadline to
// 2 s; the page idles past the deadline, so only the pongs keep the engine from being taken for hung.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, startHarness, type Harness } from './harness';

describe('engine heartbeat in Chromium', () => {
  let h: Harness;
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    h = await startHarness();
    ({ page, errors } = await openApp(h, '?e2e'));
    await page.waitForSelector('[data-testid=run]:not([disabled])', { timeout: 60_000 });
  });
  afterAll(async () => { await h?.close(); });

  it('pings an idle engine without fetching manifest.json, and the pongs keep it alive', async () => {
    const manifest: string[] = [];
    page.on('request', (r) => { if (new URL(r.url()).pathname.endsWith('/manifest.json')) manifest.push(r.method()); });
    const workers: unknown[] = [];
    page.on('worker', (w) => workers.push(w));
    await page.waitForTimeout(3000); // 12 heartbeat intervals, past the 2 s deadline
    expect(manifest).toEqual([]);
    expect(workers).toEqual([]); // not restarted
    expect(await page.locator('.toast').allTextContents()).not.toContainEqual(expect.stringMatching(/stopped answering/));
    // The count does see the worker's fetches: a reload reads the catalog again.
    await page.reload();
    await page.waitForSelector('[data-testid=run]:not([disabled])', { timeout: 60_000 });
    expect(manifest.length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });
});
