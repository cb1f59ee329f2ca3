// The Ablations view in Chromium: one row per bundled model or trained variant (and per planned one, without
// numbers), its cells as the shipped eval.json says (exact match at 8–64 entries, 100 prompts each, with
// intervals), the study's 8B layout as a read-only row and layout-bar preset, a re-measure with the
// engine, recall against cache memory, the training loss, a row click opening its model, and the strip
// offering the model trained with the layout an edit arrives at. Skipped, saying so, without bundled models.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openReady, repo, shot, startHarness, type Harness } from './harness';

const models = resolve(repo, 'assets/models');
const have = existsSync(resolve(models, 'manifest.json')) && existsSync(resolve(models, 'hybrid/eval.json'));
if (!have) console.log(`ablations.e2e: SKIPPED — ${models} has no manifest or no hybrid/eval.json (no bundled models in this checkout)`);
type Entry = { id: string; name?: string; layout: string; weights?: boolean; ablation?: unknown };
const file = have ? JSON.parse(readFileSync(resolve(models, 'manifest.json'), 'utf8')) : { models: [] };
const manifest: Entry[] = file.models;
const planned: Entry[] = file.planned ?? [];
type EvalPoint = { format: string; variant: string; seed: number; entries: number; samples: number; accuracy: number };
const LENGTHS = [8, 16, 32, 48, 64];

/** The points of a model's eval.json the table shows: bare, standard, at the seed measured at the most lengths. */
function shipped(id: string): Map<number, EvalPoint> {
  const pts: EvalPoint[] = JSON.parse(readFileSync(resolve(models, id, 'eval.json'), 'utf8')).engine.filter((p: EvalPoint) => p.format === 'bare' && p.variant === 'standard');
  const seeds = [...new Set(pts.map((p) => p.seed))].sort((a, b) => pts.filter((p) => p.seed === b).length - pts.filter((p) => p.seed === a).length || a - b);
  return new Map(pts.filter((p) => p.seed === seeds[0]).map((p) => [p.entries, p]));
}

const rowCells = (page: Page, id: string) => page.locator(`[data-testid=ablation-row][data-id="${id}"] [data-testid=ablation-cell]`)
  .evaluateAll((els) => els.map((e) => ({ entries: Number(e.getAttribute('data-entries')), accuracy: e.getAttribute('data-accuracy'), samples: e.getAttribute('data-samples'), measured: e.getAttribute('data-measured') })));

describe.skipIf(!have)('the Ablations view in Chromium', () => {
  let h: Harness;
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    h = await startHarness();
    ({ page, errors } = await openReady(h));
    await page.locator('[data-testid=tab-ablations]').click();
  });
  afterAll(async () => { await h?.close(); });

  it('shows one row per bundled model and variant, each cell as its shipped evaluation says, and the study\'s 8B layout', async () => {
    const rows = page.locator('[data-testid=ablation-row]');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(manifest.length + planned.length + 1);
    await expect.poll(async () => (await rowCells(page, 'hybrid'))[0].accuracy, { timeout: 30_000 }).not.toBe('');
    for (const m of manifest) {
      const want = shipped(m.id);
      const cells = await rowCells(page, m.id);
      expect(cells.map((c) => c.entries)).toEqual(LENGTHS);
      for (const c of cells) {
        const p = want.get(c.entries);
        expect(c.accuracy === '' ? null : Number(c.accuracy), `${m.id} at ${c.entries}`).toBe(p ? p.accuracy : null);
        expect(c.samples === '' ? null : Number(c.samples)).toBe(p ? p.samples : null);
      }
      expect(await page.locator(`[data-testid=ablation-row][data-id="${m.id}"] .layout-cell`).textContent()).toBe(m.layout);
    }
    // the variants of training/ablations.json not trained yet: listed with their layout, no numbers, not clickable to open
    for (const p of planned) {
      const row = page.locator(`[data-testid=ablation-row][data-id="${p.id}"]`);
      expect(await row.getAttribute('data-planned')).toBe('true');
      expect(await row.locator('.layout-cell').textContent()).toBe(p.layout);
      expect(await row.locator('[data-testid=ablation-cell]').count()).toBe(0);
      expect(await row.textContent()).toContain('not trained yet');
    }
    const preset = page.locator('[data-testid=ablation-row][data-preset=true]');
    expect(await preset.locator('.layout-cell').textContent()).toBe('M-M-M--M-M*-M-M-M-M--M*-M-M-M-M-M*--M-M-M-M-M*-M--M-M-M-');
    // cache at 1k tokens: the Transformer's 8 KV caches outgrow the hybrid's one plus its SSM states
    const cache = async (id: string) => Number(await page.locator(`[data-testid=ablation-row][data-id="${id}"] [data-testid=ablation-cache]`).getAttribute('data-bytes'));
    if (manifest.some((m) => m.id === 'transformer')) expect(await cache('transformer')).toBeGreaterThan(await cache('hybrid'));
    expect(await cache('study-8b-hybrid')).toBeGreaterThan(1e8);
    expect(await page.locator('[data-testid=ablation-caption]').textContent()).toContain('trained on the phonebook task itself');
    expect(await page.locator('[data-testid=ablation-caption]').textContent()).not.toMatch(/target\s*>=|target ≥/);
  });

  it('plots recall at the training length against cache memory, and the open model\'s training loss', async () => {
    const pts = page.locator('[data-testid=memory-point]');
    expect(await pts.count()).toBe(manifest.filter((m) => shipped(m.id).has(32)).length);
    const train = JSON.parse(readFileSync(resolve(models, 'hybrid/train.json'), 'utf8'));
    const curve = (t: { curve: unknown[]; base?: unknown }): number => t.curve.length + (t.base ? curve(t.base as { curve: unknown[] }) : 0);
    expect(Number(await page.locator('[data-testid=loss-svg]').getAttribute('data-points'))).toBe(curve(train));
    await page.locator('[data-testid=ablations-view]').screenshot({ path: shot('ablations') });
  });

  it('re-measures a row with the engine on its evaluation\'s prompts', async () => {
    await page.locator('[data-testid=ablation-samples]').fill('2');
    await page.locator('[data-testid=ablation-measure-hybrid]').click();
    await expect.poll(async () => (await rowCells(page, 'hybrid')).every((c) => c.measured !== ''), { timeout: 120_000 }).toBe(true);
    for (const c of await rowCells(page, 'hybrid')) expect(Number(c.measured)).toBeGreaterThanOrEqual(0);
  }, 150_000);

  it('reads the study\'s layout from the layout bar, read-only', async () => {
    await page.locator('[data-testid=layout-presets]').selectOption('study-8b-hybrid');
    const view = page.locator('[data-testid=preset-view]');
    expect(await view.getAttribute('data-layout')).toBe('M-M-M--M-M*-M-M-M-M--M*-M-M-M-M-M*--M-M-M-M-M*-M--M-M-M-');
    expect(await view.textContent()).toContain('56 blocks: 24 Mamba-2, 4 attention (at 10, 22, 33, 45), 28 MLP');
    expect(await page.locator('[data-testid=layout-text]').inputValue()).toBe('M-M*M-M-');
  });

  it.skipIf(!manifest.some((m) => m.layout === 'M-M*M-*-'))('offers the variant trained with two attention blocks when the hybrid\'s one is used twice', async () => {
    const text = page.locator('[data-testid=layout-text]');
    await text.fill('M-M*M-*3-'); // the hybrid's attention block 3 again at block 6: the layout of hybrid-attn2
    await text.press('Enter');
    const offer = page.locator('[data-testid=trained-offer]');
    await expect.poll(() => offer.getAttribute('data-id'), { timeout: 30_000 }).toBe(manifest.find((m) => m.layout === 'M-M*M-*-')!.id);
    await page.locator('[data-testid=trained-offer-open]').click();
    await expect.poll(() => text.inputValue(), { timeout: 60_000 }).toBe('M-M*M-*-');
    await page.locator('[data-testid=tab-ablations]').click();
    await page.locator('[data-testid=ablation-row][data-id="hybrid"]').click(); // back to the hybrid for the next case
    await expect.poll(() => text.inputValue(), { timeout: 60_000 }).toBe('M-M*M-M-');
  }, 120_000);

  it.skipIf(!manifest.some((m) => m.layout === 'MMMMMMMM'))('offers the model trained with the layout an edit arrives at, and opens it', async () => {
    const text = page.locator('[data-testid=layout-text]');
    await text.fill('M0M2M4M6M0M2M4M6');
    await text.press('Enter');
    const offer = page.locator('[data-testid=trained-offer]');
    await expect.poll(() => offer.getAttribute('data-id')).toBe(manifest.find((m) => m.layout === 'MMMMMMMM')!.id);
    await page.screenshot({ path: shot('ablations-trained-offer') });
    await page.locator('[data-testid=trained-offer-sweep]').click();
    await expect.poll(() => page.locator('[data-testid=sweep-progress]').getAttribute('data-status')).toBe('running');
    await page.locator('[data-testid=sweep-cancel]').click();
    await expect.poll(() => page.locator('[data-testid=sweep-progress]').getAttribute('data-status'), { timeout: 60_000 }).toBe('cancelled');
    await page.locator('[data-testid=trained-offer-open]').click();
    await expect.poll(() => text.inputValue(), { timeout: 60_000 }).toBe('MMMMMMMM');
  }, 120_000);

  it('opens a model from its row', async () => {
    await page.locator('[data-testid=tab-ablations]').click();
    await page.locator('[data-testid=ablation-row][data-id="hybrid"]').click();
    await expect.poll(() => page.locator('[data-testid=layout-text]').inputValue(), { timeout: 60_000 }).toBe('M-M*M-M-');
    expect(errors).toEqual([]);
  }, 90_000);
});
