// Recall curves a reader can trust, in Chromium: the bundled models' shipped evaluations on screen
// before any sweep (checked against their eval.json), a Wilson 95 % interval on every point, the x
// axis in entries or tokens with the training length marked in both, what the wrong answers are
// beside their chance line, a default sample count that keeps intervals within ±10 points, and the
// opening 40 entries marked as beyond the training length. Skipped, saying so, without bundled models.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openReady, repo, shot, startHarness, type Harness } from './harness';
import { CHANCE_WRONG_DIGITS, DEFAULT_SAMPLES, wilson, worstHalfWidth } from '../src/charts/recallStats';

const models = resolve(repo, 'assets/models');
const have = existsSync(resolve(models, 'manifest.json')) && existsSync(resolve(models, 'hybrid/eval.json'));
if (!have) console.log(`recall.e2e: SKIPPED — ${models} has no manifest or no hybrid/eval.json (no bundled models in this checkout)`);
type Entry = { id: string; name?: string; weights?: boolean; ablation?: unknown; train_max_entries: number };
const manifest: Entry[] = have ? JSON.parse(readFileSync(resolve(models, 'manifest.json'), 'utf8')).models : [];
const mains = manifest.filter((m) => m.weights !== false && !m.ablation);
type EvalPoint = { format: string; variant: string; seed: number; entries: number; samples: number; accuracy: number; wrong: number; mean_tokens: number };
const evalOf = (id: string): EvalPoint[] => JSON.parse(readFileSync(resolve(models, id, 'eval.json'), 'utf8')).engine;

async function exportJson(page: Page, testId: string): Promise<Record<string, unknown>[]> {
  const frame = page.locator(`[data-testid=${testId}]`);
  await frame.locator('[data-testid=export-menu]').first().click();
  const [download] = await Promise.all([page.waitForEvent('download'), frame.getByRole('menuitem', { name: 'Data JSON' }).click()]);
  return JSON.parse(readFileSync(await download.path(), 'utf8')).data;
}

describe.skipIf(!have)('recall curves in Chromium', () => {
  let h: Harness;
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    h = await startHarness();
    ({ page, errors } = await openReady(h));
  });
  afterAll(async () => { await h?.close(); });

  it('marks the opening 40 entries as beyond the training length', async () => {
    const note = page.locator('[data-testid=entries-training]');
    expect(await note.getAttribute('data-beyond')).toBe('true');
    expect(await note.textContent()).toContain('up to 32 entries');
    await page.locator('input[aria-label=Entries]').fill('32');
    await expect.poll(() => note.getAttribute('data-beyond')).toBe('false');
    await page.locator('input[aria-label=Entries]').fill('40');
  });

  it('shows every bundled model\'s shipped evaluation on open, point for point as its eval.json says', async () => {
    await page.locator('[data-testid=tab-recall]').click();
    const refs = page.locator('[data-testid=recall-reference]');
    await expect.poll(() => refs.count(), { timeout: 30_000 }).toBe(mains.length);
    const rows = (await exportJson(page, 'recall-chart')).filter((r) => r.reference === true);
    for (const m of mains) {
      // the prompt panel opens on bare, standard prompts; cards.py's main seed is the one at every length
      const pts = evalOf(m.id).filter((p) => p.format === 'bare' && p.variant === 'standard' && p.seed === 1_000_000);
      const mine = rows.filter((r) => r.series === `${m.name ?? m.id} · shipped`);
      expect(mine.map((r) => r.entries)).toEqual(pts.map((p) => p.entries));
      for (const [i, p] of pts.entries()) {
        const ci = wilson(p.samples - p.wrong, p.samples);
        expect(mine[i]).toMatchObject({ samples: p.samples, mean_tokens: p.mean_tokens });
        expect(mine[i].accuracy as number).toBeCloseTo(p.accuracy, 12);
        expect(mine[i].accuracy_lo95 as number).toBeCloseTo(ci.lo, 12);
        expect(mine[i].accuracy_hi95 as number).toBeCloseTo(ci.hi, 12);
      }
    }
    await page.locator('[data-testid=recall-view]').screenshot({ path: shot('recall-references') });
  });

  it('draws an interval on every point, and marks the training length in entries and in tokens', async () => {
    const points = await page.locator('[data-testid=recall-point]').evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-lo')), Number(e.getAttribute('data-hi'))]));
    expect(points.length).toBeGreaterThanOrEqual(mains.length * 5);
    for (const [lo, hi] of points) expect(lo < hi).toBe(true);
    const mark = page.locator('[data-testid=recall-chart] [data-testid=training-mark]');
    expect(await mark.getAttribute('data-x')).toBe('32');
    expect(await mark.textContent()).toContain('trained to 32 entries');
    await page.locator('[data-testid=recall-chart]').getByRole('group', { name: 'x axis' }).getByRole('button', { name: 'Tokens' }).click();
    await expect.poll(() => page.locator('[data-testid=recall-svg]').getAttribute('data-axis')).toBe('tokens');
    // training/data.py's longest sequence: a 32-entry reversed question book with 11 look-ups
    expect(await mark.getAttribute('data-x')).toBe('1024');
    expect(await mark.textContent()).toContain('1,024 tokens');
    await page.locator('[data-testid=recall-view]').screenshot({ path: shot('recall-tokens') });
    await page.locator('[data-testid=recall-chart]').getByRole('group', { name: 'x axis' }).getByRole('button', { name: 'Entries' }).click();
  });

  it('shows the digits right in the wrong answers beside chance, and the copies of another entry', async () => {
    const chance = page.locator('[data-testid=wrong-answers-chart] [data-testid=chance-line]');
    expect(Number(await chance.getAttribute('data-value'))).toBeCloseTo(CHANCE_WRONG_DIGITS, 12);
    expect(await page.locator('[data-testid=wrong-caption]').textContent()).toContain('11.5 %');
    const copies = await page.locator('[data-testid=wrong-copies] [data-series]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-points'))));
    expect(Math.max(...copies)).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=recall-caption]').textContent()).toContain('trained on the phonebook task itself');
  });

  it('starts sweeps with enough prompts for ±10-point intervals, and sweeps beyond the training length', async () => {
    expect(Number(await page.locator('[data-testid=sweep-samples]').inputValue())).toBe(DEFAULT_SAMPLES);
    expect(await page.locator('[data-testid=sweep-note]').textContent()).toContain(`±${(100 * worstHalfWidth(DEFAULT_SAMPLES)).toFixed(1)} points`);
    await page.locator('[data-testid=sweep-lengths]').fill('8, 40');
    await page.locator('[data-testid=sweep-samples]').fill('3');
    expect(await page.locator('[data-testid=sweep-beyond]').textContent()).toContain('40 is beyond the training length (32 entries)');
    await page.locator('[data-testid=sweep-start]').click();
    await expect.poll(() => page.locator('[data-testid=sweep-progress]').getAttribute('data-status'), { timeout: 120_000 }).toBe('done');
    const series = page.locator('[data-testid=recall-series]');
    expect(await series.count()).toBe(1);
    expect(await series.getAttribute('data-points')).toBe('2');
    const mine = await series.locator('[data-testid=recall-point]').evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-lo')), Number(e.getAttribute('data-hi'))]));
    for (const [lo, hi] of mine) expect(hi - lo).toBeGreaterThan(0.3); // 3 prompts: wide, and drawn so
    await page.locator('[data-testid=recall-view]').screenshot({ path: shot('recall-sweep') });
    expect(errors).toEqual([]);
  }, 150_000);
});
