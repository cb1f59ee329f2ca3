// Walking skeleton: the web build opens a checkpoint folder (the nemotron_h hybrid fixture) through
// the "Open model folder" input and shows its layer strip — the right blocks in the right order.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAR_KIND, type LayoutChar } from '../../engine/layout';
import { fixtures, openApp, shot, startHarness, type Harness } from './harness';

const dir = resolve(fixtures, 'nemotron_h_hybrid');

describe('layer strip in Chromium', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness(); });
  afterAll(async () => { await h?.close(); });

  it('shows the blocks of a checkpoint folder opened from disk', async () => {
    expect(existsSync(dir), `fixture ${dir}`).toBe(true);
    const layout: string = JSON.parse(readFileSync(resolve(dir, 'case.json'), 'utf8')).layout;
    const { page, errors } = await openApp(h);
    await page.locator('[data-testid=folder-input]').setInputFiles(dir);
    const blocks = page.locator('[data-testid=strip-block]');
    await expect.poll(() => blocks.count(), { timeout: 30_000 }).toBe(layout.length);
    const shown = await blocks.evaluateAll((els) => els.map((e) => [(e as HTMLElement).dataset.kind, Number((e as HTMLElement).dataset.index), e.querySelector('.glyph')?.textContent]));
    expect(shown).toEqual([...layout].map((c, i) => [CHAR_KIND[c as LayoutChar], i, c]));
    await expect.poll(() => page.locator('[data-testid=model-meta]').textContent()).toContain('nemotron_h');
    // the page is cross-origin isolated, so the engine's Worker runs its kernels on two threads (one core: one)
    const [isolated, cores] = await page.evaluate(() => [crossOriginIsolated, navigator.hardwareConcurrency]);
    expect(isolated).toBe(true);
    await expect.poll(() => page.locator('[data-testid=kernel-threads]').textContent(), { timeout: 30_000 }).toMatch(cores >= 2 ? /^wasm-\S+ · 2 threads$/ : /^wasm-\S+ · 1 thread$/);
    expect(await page.locator('[data-testid=layout-text]').inputValue()).toBe(layout);
    await page.screenshot({ path: shot('strip'), fullPage: false });
    expect(errors).toEqual([]);

    // a broken folder: one clear line naming the file, and the open model stays
    const bad = join(mkdtempSync(join(tmpdir(), 'hybridscope-e2e-')), 'broken');
    mkdirSync(bad);
    writeFileSync(join(bad, 'config.json'), '{"model_type": "nemotron_h",');
    await page.locator('[data-testid=folder-input]').setInputFiles(bad);
    await expect.poll(() => page.locator('[data-testid=model-error]').textContent(), { timeout: 30_000 }).toContain('config.json');
    expect(await blocks.count()).toBe(layout.length);
    await page.screenshot({ path: shot('strip-error') });
  });
});
