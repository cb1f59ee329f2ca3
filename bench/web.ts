// Part (e): what a person sees in the web build, in Debian Chromium through playwright-core —
// the first layer record after Run (the bundled hybrid on its 40-entry phonebook, median of runs;
// the page times it from Run to the first record reaching its store) and the pan/zoom frame rate of a
// 4,000 × 4,000 map. Builds dist-web/ first so the figures are of the current code.
import { existsSync } from 'node:fs';
import { build } from 'vite';
import { openApp, repo, startHarness } from '../renderer/e2e/harness';
import { measurePanZoomFps } from '../renderer/e2e/panZoomBench';
import type { Row } from './table';

const RUNS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchWeb(): Promise<Row[]> {
  if (!existsSync('/usr/bin/chromium')) {
    return [{ part: 'e', name: 'web build in Chromium', engine: '—', reference: '—', ratio: '—', target: '—', status: 'skipped', note: 'skipped: /usr/bin/chromium is missing' }];
  }
  await build({ configFile: `${repo}/renderer/vite.web.config.ts`, logLevel: 'warn' });
  const h = await startHarness();
  try {
    const rows: Row[] = [];
    if (existsSync(`${repo}/assets/models/hybrid/config.json`)) {
      const { page } = await openApp(h);
      await page.waitForSelector('[data-testid=run]:not([disabled])', { timeout: 120_000 });
      const firsts: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        await page.locator('[data-testid=run]').click();
        await page.waitForSelector('[data-testid=run-progress][data-status=done]', { timeout: 300_000 });
        const text = (await page.locator('[data-testid=run-timings]').textContent()) ?? '';
        const ms = Number(text.match(/first layer (\d+) ms/)?.[1]);
        if (Number.isFinite(ms)) firsts.push(ms);
      }
      const ms = median(firsts);
      rows.push({
        part: 'e', name: `first layer record visible after Run (hybrid, 40 entries, median of ${firsts.length})`,
        engine: `${ms} ms`, reference: '—', ratio: '—', target: '≤ 150 ms', status: ms <= 150 ? 'ok' : 'below target', values: { ms, runs: firsts.length },
      });
    }
    const pz = await measurePanZoomFps({ harness: h, frames: 300 });
    rows.push({
      part: 'e', name: `pan/zoom of a ${pz.side} × ${pz.side} map (${pz.frames} frames)`, engine: `${pz.fps.toFixed(1)} fps`,
      reference: `p95 frame ${pz.p95FrameMs.toFixed(1)} ms`, ratio: '—', target: '≥ 50 fps (goal 60)', status: pz.fps >= 50 ? 'ok' : 'below target',
      values: { fps: pz.fps, p95FrameMs: pz.p95FrameMs, frames: pz.frames },
    });
    return rows;
  } finally {
    await h.close();
  }
}
