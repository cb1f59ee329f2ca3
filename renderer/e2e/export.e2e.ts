// Figure export from the web build: SVG (valid XML, canvas layers embedded as PNG images) and
// PNG at 2× (twice the SVG's size) and 300 dpi (pHYs chunk), plus the data as CSV and JSON; under a
// dark system scheme the screen turns dark and the exported figure keeps the light figure style.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { openReady, shot, startHarness, type Harness } from './harness';
import { tinyModelDir } from './checkpoints';
import { pngSize, readDpi } from '../src/export/png';

async function exportFrom(page: Page, frame: Locator, item: string): Promise<{ name: string; bytes: Buffer }> {
  await frame.locator('[data-testid=export-menu]').first().click();
  const [download] = await Promise.all([page.waitForEvent('download'), frame.getByRole('menuitem', { name: item }).click()]);
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
}

describe('figure export in Chromium', () => {
  let h: Harness;
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    h = await startHarness();
    ({ page, errors } = await openReady(h, tinyModelDir('tiny-hybrid')));
    await page.locator('[data-testid=pb-entries]').fill('10');
    await page.locator('[data-testid=run]').click();
    await page.waitForSelector('[data-testid=run-progress][data-status=done]', { timeout: 60_000 });
    await page.locator('[data-testid=tab-ssm]').click();
    await page.waitForSelector('[data-testid=ssm-dt] canvas');
  });
  afterAll(async () => { await h?.close(); });

  it('exports a heatmap as standalone SVG with its canvas layer embedded', async () => {
    const { name, bytes } = await exportFrom(page, page.locator('[data-testid=ssm-dt]'), 'SVG');
    expect(name).toMatch(/\.svg$/);
    const text = bytes.toString('utf8');
    const check = await page.evaluate((svg) => {
      const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
      const root = doc.documentElement;
      return { error: doc.querySelector('parsererror')?.textContent ?? null, tag: root.tagName, width: root.getAttribute('width'), images: [...doc.querySelectorAll('image')].map((i) => i.getAttribute('href')?.slice(0, 22)), texts: [...doc.querySelectorAll('text')].map((t) => t.textContent) };
    }, text);
    expect(check.error).toBeNull();
    expect(check.tag).toBe('svg');
    expect(Number(check.width)).toBeGreaterThan(300);
    expect(check.images).toEqual(['data:image/png;base64,']);
    expect(check.texts).toContain('token');
    expect(check.texts).toContain('head');
  });

  it('exports PNG at 2× and at 300 dpi with the right size and metadata', async () => {
    const frame = page.locator('[data-testid=ssm-dt]');
    const svg = frame.locator('svg[data-figure]');
    const w = Number(await svg.getAttribute('width'));
    const hgt = Number(await svg.getAttribute('height'));
    const two = await exportFrom(page, frame, 'PNG 2×');
    expect(pngSize(two.bytes)).toEqual({ width: 2 * w, height: 2 * hgt });
    expect(readDpi(two.bytes)).toBe(192);
    writeFileSync(shot('export-ssm-dt-2x'), two.bytes);
    const print = await exportFrom(page, frame, 'PNG 300 dpi');
    expect(pngSize(print.bytes)).toEqual({ width: Math.round(w * 300 / 96), height: Math.round(hgt * 300 / 96) });
    expect(readDpi(print.bytes)).toBe(300);
  });

  it('exports figures in the light figure style while the screen is dark', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      const frame = page.locator('[data-testid=ssm-dt]');
      const screen = await frame.evaluate((el) => ({
        page: getComputedStyle(document.documentElement).backgroundColor,
        ticks: getComputedStyle(el.querySelector('svg[data-figure] text')!).fill,
      }));
      expect(screen).toEqual({ page: 'rgb(21, 24, 27)', ticks: 'rgb(169, 175, 181)' }); // dark --bg, --fig-label
      await page.screenshot({ path: shot('dark-mode') });
      const svg = (await exportFrom(page, frame, 'SVG')).bytes.toString('utf8');
      expect(svg).not.toContain('var(');
      const inks = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
        const colours = [...doc.querySelectorAll('[fill], [stroke]')].flatMap((e) => [e.getAttribute('fill'), e.getAttribute('stroke')]).filter((c) => c && c !== 'none');
        return { background: doc.querySelector('svg > rect')?.getAttribute('fill'), colours: [...new Set(colours)] };
      }, svg);
      expect(inks.background).toBe('#ffffff');
      // the light figure inks (ui/palette.ts FIGURE_INK), none of the dark screen's
      expect(inks.colours).toEqual(expect.arrayContaining(['#585c60', '#1e2226', '#b9b9b3']));
      expect(inks.colours).not.toEqual(expect.arrayContaining(['#a9afb5']));
      const png = (await exportFrom(page, frame, 'PNG 1×')).bytes.toString('base64');
      const corner = await page.evaluate(async (b64) => {
        const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))]));
        const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
        ctx.drawImage(bitmap, 0, 0);
        return [...ctx.getImageData(2, 2, 1, 1).data];
      }, png);
      expect(corner).toEqual([255, 255, 255, 255]);
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
    expect(errors).toEqual([]);
  });

  it('exports the chart data as CSV and JSON', async () => {
    const frame = page.locator('[data-testid=ssm-dt]');
    const csv = (await exportFrom(page, frame, 'Data CSV')).bytes.toString('utf8').trim().split('\n');
    expect(csv[0]).toBe('head,token,dt');
    const json = JSON.parse((await exportFrom(page, frame, 'Data JSON')).bytes.toString('utf8'));
    expect(json.data.length).toBe(csv.length - 1);
    expect(json.data[0]).toHaveProperty('dt');
    expect(errors).toEqual([]);
  });
});
