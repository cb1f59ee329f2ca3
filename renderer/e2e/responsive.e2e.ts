// Issue 5 acceptance 2: during a ~4,000-token run of the bundled hybrid in the web build, the page
// keeps answering the person using it. The test interacts while the run streams (switches views,
// types a seed), checks the light interactions show before the run ends, times the heavy attention
// view, and reports the first-record latency and the longest main-thread task the browser saw.
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openReady, repo, shot, startHarness, type Harness } from './harness';

const haveHybrid = existsSync(resolve(repo, 'assets/models/hybrid/config.json'));
if (!haveHybrid) console.log('responsive.e2e: SKIPPED — no bundled hybrid in assets/models/');

// Bare entries are ~16.5 tokens each with the bundled tokenizer: 248 entries ≈ 4,000 tokens.
const ENTRIES = 248;
// A page that has stopped answering, not a slow one: on this shared 2-core machine a view switch
// took 0.1–1.3 s, twice 2.6–2.7 s under the full suite's load. The run itself lasts a few seconds
// (prefill dominates, its time is in the log line; then 12 new tokens), so the guard against a
// frozen page is that the two light interactions (a view switch, typing) land while the run still
// streams; the heavy attention view, which draws the 4k map, is only held to the hung threshold (it
// may land after the run's end). How fast the page
// reacts is the log line below and `npm run bench` (part e), not a pass/fail threshold.
const HUNG_AFTER_MS = 5_000;
// DESIGN.md section 6: no main-thread task over 100 ms while a 4k run streams. A long task is wall
// time, which other work on a shared 2-core machine stretches (at load 12 a 35 ms task took 200–370
// ms), so it is held to the target only when the machine was quiet before and after the run.
const LONGEST_TASK_MS = 100;
const QUIET_LOAD = 1;

const status = (page: Page) => page.locator('[data-testid=run-progress]').getAttribute('data-status');

async function timed(action: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await action();
  return performance.now() - t0;
}

describe.skipIf(!haveHybrid)('the page stays responsive during a 4,000-token run', () => {
  let h: Harness;
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    h = await startHarness();
    ({ page, errors } = await openReady(h));
  });
  afterAll(async () => { await h?.close(); });

  it('switches views and takes typing while the run streams', async () => {
    const loadBefore = loadavg()[0];
    await page.locator('input[aria-label=Entries]').fill(String(ENTRIES));
    await page.evaluate(() => {
      const w = window as unknown as { longestTaskMs: number };
      w.longestTaskMs = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longestTaskMs = Math.max(w.longestTaskMs, e.duration);
      }).observe({ type: 'longtask', buffered: false });
    });
    await page.locator('[data-testid=run]').click();
    await page.waitForSelector('[data-testid=run-progress][data-status=running]', { timeout: 30_000 });

    const latencies: Record<string, number> = {};
    latencies.ssmTab = await timed(async () => {
      await page.locator('[data-testid=tab-ssm]').click();
      await page.waitForSelector('[data-testid=tab-ssm][aria-selected=true]', { timeout: 30_000 });
    });
    latencies.typeSeed = await timed(async () => {
      await page.locator('[data-testid=pb-seed]').fill('1234');
      await expect.poll(() => page.locator('[data-testid=pb-seed]').inputValue(), { timeout: 30_000 }).toBe('1234');
    });
    const stillRunning = (await status(page)) === 'running';
    latencies.attentionTab = await timed(async () => {
      await page.locator('[data-testid=tab-attention]').click();
      await page.waitForSelector('[data-testid=tab-attention][aria-selected=true]', { timeout: 30_000 });
    });

    await page.waitForSelector('[data-testid=run-progress][data-status=done]', { timeout: 300_000 });
    const tokens = Number((await page.locator('[data-testid=run-progress]').textContent())?.match(/(\d+) prompt tokens/)?.[1]);
    const timings = await page.locator('[data-testid=run-timings]').textContent();
    const longestTaskMs = await page.evaluate(() => (window as unknown as { longestTaskMs: number }).longestTaskMs);
    const loadAfter = loadavg()[0];
    const quiet = loadBefore < QUIET_LOAD && loadAfter < QUIET_LOAD;
    await page.screenshot({ path: shot('responsive-4k-run') });
    console.log(`responsive.e2e: ${tokens}-token run; interactions ${JSON.stringify(Object.fromEntries(Object.entries(latencies).map(([k, v]) => [k, Math.round(v)])))} ms; `
      + `longest main-thread task ${longestTaskMs ? `${Math.round(longestTaskMs)} ms` : 'none over 50 ms (the observer\'s floor)'} (load ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}: `
      + `${quiet ? `held to ≤ ${LONGEST_TASK_MS} ms` : 'not held to the target, the machine was busy'}); ${timings}`);
    if (quiet) expect(longestTaskMs).toBeLessThanOrEqual(LONGEST_TASK_MS);

    expect(tokens).toBeGreaterThanOrEqual(4_000);
    expect(stillRunning).toBe(true);
    for (const ms of Object.values(latencies)) expect(ms).toBeLessThan(HUNG_AFTER_MS);
    expect(errors).toEqual([]);
  });
});
