// A phonebook run in the web build on a tiny random hybrid with the real tokenizer: layers stream
// into the strip, the answer shows the expected number digit by digit, and the attention and SSM
// views draw their charts. Screenshots of each view go to test-results/.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openReady, shot, startHarness, type Harness } from './harness';
import { tinyModelDir } from './checkpoints';

describe('a phonebook run in Chromium', () => {
  let h: Harness;
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    h = await startHarness();
    ({ page, errors } = await openReady(h, tinyModelDir('tiny-hybrid')));
  });
  afterAll(async () => { await h?.close(); });

  it('streams every layer and shows the answer digit by digit', async () => {
    await page.locator('[data-testid=pb-entries]').fill('12');
    await page.locator('[data-testid=run]').click();
    await expect.poll(() => page.locator('[data-testid=run-progress]').getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    expect(await page.locator('[data-testid=strip-block].lit').count()).toBe(5);
    const expected = await page.locator('[data-testid=answer-digits] .cell.expected').allTextContents();
    expect(expected.join('')).toMatch(/^[6-9]\d{9}$/);
    expect(await page.locator('[data-testid=answer-digit]').count()).toBe(10);
    expect(await page.locator('[data-testid=answer-verdict]').getAttribute('data-exact')).toMatch(/true|false/);
    expect(await page.locator('[data-testid=ribbon-target]').count()).toBe(1);
    await page.screenshot({ path: shot('run-attention') });
    expect(errors).toEqual([]);
  });

  it('draws the attention map, focus row and entry mass of the attention block', async () => {
    await page.locator('[data-testid=tab-attention]').click();
    const mass = page.locator('[data-testid=entry-mass]');
    await expect.poll(() => mass.count()).toBe(1);
    expect(await mass.locator('rect').count()).toBeGreaterThanOrEqual(12);
    expect(await page.locator('[data-testid=zoom-map]').count()).toBe(1);
    // zoom into one head: the overview scales and a full-resolution tile is fetched for the window
    await page.locator('[data-testid=head-picker]').first().selectOption('0');
    const map = page.locator('[data-testid=zoom-map]');
    await map.scrollIntoViewIfNeeded();
    const box = (await map.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.8);
    for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -240);
    await expect.poll(() => page.locator('[data-testid=attention-map] svg text').allTextContents()).toContainEqual(expect.stringMatching(/^\d+\.\d×$/));
    await page.waitForTimeout(600);
    await page.locator('[data-testid=attention-view]').screenshot({ path: shot('view-attention') });
    expect(errors).toEqual([]);
  });

  it('draws state norm, dt, implicit attention and a state snapshot for a Mamba block', async () => {
    await page.locator('[data-testid=tab-ssm]').click();
    for (const id of ['ssm-implicit', 'ssm-mass', 'ssm-state-norm', 'ssm-dt', 'ssm-state']) {
      await expect.poll(() => page.locator(`[data-testid=${id}]`).count(), { timeout: 10_000 }).toBe(1);
    }
    await expect.poll(() => page.locator('[data-testid=ssm-state] canvas').count(), { timeout: 10_000 }).toBe(1);
    await page.screenshot({ path: shot('view-ssm'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('saves the run as an experiment and reproduces it from the file', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=save-experiment]').click()]);
    const file = await download.path();
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.format).toBe('hybridscope-experiment');
    expect(saved.run.prompt).toMatchObject({ kind: 'phonebook', seed: 1 });
    await page.locator('[data-testid=pb-seed]').fill('7');
    await page.locator('[data-testid=experiment-input]').setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/json', buffer: readFileSync(file) });
    await expect.poll(() => page.locator('.toast').textContent(), { timeout: 60_000 }).toContain('Reproduced');
    expect(await page.locator('[data-testid=pb-seed]').inputValue()).toBe('1');
  });

  it('measures generation speed at two lengths and plots one point per length', async () => {
    await page.locator('[data-testid=tab-cost]').click();
    await page.locator('[data-testid=cost-view] input.mono').fill('4, 16');
    await page.locator('[data-testid=cost-start]').click();
    const dots = page.locator('[data-testid=cost-msPerToken] circle');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=cost-msPerToken] circle').length === 2, null, { timeout: 60_000 });
    expect(await dots.count()).toBe(2);
    // the tiny hybrid has attention: its memory chart shows a growing KV cache beside the constant state
    await expect.poll(() => page.locator('[data-testid=cost-memory]').count()).toBe(1);
    await page.locator('[data-testid=cost-view]').screenshot({ path: shot('view-cost') });
  });

  it('runs free text and shows the generated text', async () => {
    await page.getByRole('button', { name: 'Free text' }).click();
    await page.getByLabel('Prompt text').fill('Ann Lee: 6123456789');
    await page.locator('[data-testid=run]').click();
    await page.waitForSelector('[data-testid=run-progress][data-status=done]', { timeout: 60_000 });
    expect(await page.locator('[data-testid=answer] .free-answer').textContent()).not.toBe('');
    expect(await page.locator('[data-testid=answer-alternatives] tbody tr').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });
});
