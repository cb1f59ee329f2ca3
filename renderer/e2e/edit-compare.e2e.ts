// Layout what-if in the web build: drop the attention block of a hybrid, rerun against the kept
// baseline and read the compare view; then sweep three book lengths for the checkpoint and the
// edited layout and see two curves. (On the tiny random model the numbers are meaningless; the
// bundled-model tests in bundled.e2e.ts check that accuracy falls.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openReady, shot, startHarness, type Harness } from './harness';
import { tinyModelDir } from './checkpoints';

const status = (page: Page) => page.locator('[data-testid=run-progress]').getAttribute('data-status');

describe('layout edits, compare and recall sweeps in Chromium', () => {
  let h: Harness;
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    h = await startHarness();
    ({ page, errors } = await openReady(h, tinyModelDir('tiny-hybrid')));
    await page.locator('[data-testid=pb-entries]').fill('8');
  });
  afterAll(async () => { await h?.close(); });

  it('edits the layout with drop, undo and typed text, and rejects a bad layout', async () => {
    const text = page.locator('[data-testid=layout-text]');
    expect(await text.inputValue()).toBe('M-M*-');
    await page.locator('[data-testid=strip-block][data-kind=attention]').click();
    await page.getByRole('button', { name: 'Drop' }).click();
    expect(await text.inputValue()).toBe('M-M-');
    expect(await page.locator('[data-testid=strip-block][data-dropped=true]').count()).toBe(1);
    await page.keyboard.press('Control+z');
    expect(await text.inputValue()).toBe('M-M*-');
    // drag the attention block to the front, then undo
    await page.locator('[data-testid=strip-block][data-kind=attention]').dragTo(page.locator('[data-testid=strip-block]').first());
    await expect.poll(() => text.inputValue()).toBe('*M-M-');
    await page.keyboard.press('Control+z');
    expect(await text.inputValue()).toBe('M-M*-');
    // keyboard: focus the attention block, move it left twice, drop it, undo all three
    await page.locator('[data-testid=strip-block][data-kind=attention]').focus();
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('Shift+ArrowLeft');
    expect(await text.inputValue()).toBe('M*-M-');
    await page.keyboard.press('Delete');
    expect(await text.inputValue()).toBe('M-M-');
    expect(await page.locator('[data-testid=strip-block]').nth(1).getAttribute('data-dropped')).toBe('true');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Control+z');
    expect(await text.inputValue()).toBe('M-M*-');
    await text.fill('M-Mx');
    await text.press('Enter');
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('"x" at character 4');
    await text.fill('M-M-');
    await text.press('Enter');
    expect(await page.locator('[data-testid=strip-block][data-dropped=true]').count()).toBe(1);
    await page.keyboard.press('Control+z');
    expect(await text.inputValue()).toBe('M-M*-');
  });

  it('compares the baseline run with a rerun without attention', async () => {
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => status(page), { timeout: 60_000 }).toBe('done');
    await page.locator('[data-testid=strip-block][data-kind=attention]').click();
    await page.getByRole('button', { name: 'Drop' }).click();
    await page.locator('[data-testid=run]').click();
    await expect.poll(() => status(page), { timeout: 60_000 }).toBe('done');
    await page.locator('[data-testid=tab-compare]').click();
    await expect.poll(() => page.locator('[data-testid=compare-card-baseline]').textContent()).toContain('M-M*-');
    expect(await page.locator('[data-testid=compare-card-edited]').textContent()).toContain('M-M-');
    await page.locator('[data-testid=compare-score]').click();
    const bars = page.locator('[data-testid=compare-accuracy-bars] rect[data-series]');
    await expect.poll(() => bars.count(), { timeout: 120_000 }).toBe(4);
    const values = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
    for (const v of values) expect(v).toBeGreaterThanOrEqual(0);
    await page.locator('[data-testid=compare-view]').screenshot({ path: shot('view-compare') });
    expect(errors).toEqual([]);
  });

  it('offers to run the baseline on a new prompt, then compares on the same prompt', async () => {
    await page.locator('[data-testid=pb-seed]').fill('5');
    await page.locator('[data-testid=run]').click();
    await expect.poll(() => status(page), { timeout: 60_000 }).toBe('done');
    await page.locator('[data-testid=compare-run-baseline]').click();
    await expect.poll(() => page.locator('[data-testid=compare-mismatch]').count(), { timeout: 60_000 }).toBe(0);
    const expected = async (who: string) => (await page.locator(`[data-testid=compare-card-${who}]`).textContent())?.match(/expected (\d+)/)?.[1];
    expect(await expected('baseline')).toBe(await expected('edited'));
    expect(await page.locator('[data-testid=compare-card-edited]').textContent()).toContain('M-M-');
    expect(await page.locator('[data-testid=layout-text]').inputValue()).toBe('M-M-');
  });

  it('sweeps three lengths for two layouts and draws two curves', async () => {
    await page.locator('[data-testid=tab-recall]').click();
    await page.locator('[data-testid=sweep-lengths]').fill('4, 8, 16');
    await page.getByLabel('Samples').fill('8');
    // at the prompt's depth: the depth grid below shows this sweep's one depth beside its five
    await page.locator('[data-testid=sweep-target]').selectOption('prompt');
    await page.locator('[data-testid=sweep-start]').click();
    await expect.poll(() => page.locator('[data-testid=sweep-progress]').getAttribute('data-status'), { timeout: 120_000 }).toBe('done');
    const series = page.locator('[data-testid=recall-series]');
    // the compare view's scoring sweep (8 entries) fed the same two series; its points are replaced
    const shown = await series.evaluateAll((els) => els.map((e) => [e.getAttribute('data-series'), Number(e.getAttribute('data-points'))]));
    const layouts = shown.filter(([k]) => /M-M\*?-$/.test(String(k)));
    expect(layouts.map(([k]) => String(k).split(' · ')[1]).sort()).toEqual(['M-M*-', 'M-M-']);
    for (const [, n] of layouts) expect(n).toBe(3);
    await page.locator('[data-testid=recall-view]').screenshot({ path: shot('view-recall') });
    expect(errors).toEqual([]);
  });

  it('sweeps a depth × length grid', async () => {
    await page.locator('[data-testid=sweep-lengths]').fill('4, 8');
    await page.getByLabel('Samples').fill('1');
    await page.getByLabel('depth grid').check();
    await page.locator('[data-testid=sweep-start]').click();
    await expect.poll(() => page.locator('[data-testid=sweep-progress]').getAttribute('data-status'), { timeout: 120_000 }).toBe('done');
    const grids = page.locator('[data-testid=depth-grid]');
    await expect.poll(() => grids.count()).toBeGreaterThanOrEqual(1);
    // 5 depths × lengths 4, 8 (swept) and 16 (the earlier sweep's single depth, the rest empty)
    const cells = await grids.first().locator('rect[data-cell]').evaluateAll((els) => els.map((e) => e.getAttribute('data-cell')));
    expect(cells).toHaveLength(15);
    expect(cells.filter((c) => c === 'none')).toHaveLength(4);
    await page.locator('[data-testid=recall-view]').screenshot({ path: shot('view-recall-depth') });
    expect(errors).toEqual([]);
  });
});
