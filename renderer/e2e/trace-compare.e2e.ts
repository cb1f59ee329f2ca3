// Comparing traces in the web build: the CLI records the bundled hybrid and the bundled Transformer
// on the same phonebook; the page opens the hybrid's trace, then the Transformer's as the compare
// view's baseline (the page keeps its run), and the compare view shows the two models side by side
// and exports its figures. Then the bundled hybrid runs live beside the kept baseline trace, on the
// trace's own prompt (the controls show it), and after another seed the compare view offers to run
// the trace's prompt again.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { openApp, repo, shot, startHarness, type Harness } from './harness';

const work = mkdtempSync(join(tmpdir(), 'hs-trace-compare-'));
const hybridTrace = join(work, 'hybrid.hstrace');
const transformerTrace = join(work, 'transformer.hstrace');
const cli = (...args: string[]) => execFileSync(process.execPath, [resolve(repo, 'bin/hybridscope.mjs'), ...args], { encoding: 'utf8' });

async function exportFrom(page: Page, frame: Locator, item: string): Promise<{ name: string; text: string }> {
  await frame.locator('[data-testid=export-menu]').first().click();
  const [download] = await Promise.all([page.waitForEvent('download'), frame.getByRole('menuitem', { name: item }).click()]);
  return { name: download.suggestedFilename(), text: readFileSync(await download.path(), 'utf8') };
}

const card = (page: Page, who: string) => page.locator(`[data-testid=compare-card-${who}]`);
const expectedIn = async (page: Page, who: string) => (await card(page, who).textContent())?.match(/expected ([\d-]+)/)?.[1];

describe('comparing traces in the web build', () => {
  let h: Harness;
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    for (const [model, out] of [['hybrid', hybridTrace], ['transformer', transformerTrace]]) {
      cli('trace', resolve(repo, 'assets/models', model), '--entries', '12', '--format', 'question', '--seed', '3', '--out', out);
    }
    h = await startHarness();
    ({ page, errors } = await openApp(h));
    await page.waitForSelector('[data-testid=run]:not([disabled])', { timeout: 60_000 });
  }, 120_000);
  afterAll(async () => { await h?.close(); });

  it('opens a trace, shows its prompt in the controls, and opens a second trace as the baseline', async () => {
    await page.locator('[data-testid=trace-input]').setInputFiles(hybridTrace);
    await expect.poll(() => page.locator('[data-testid=run-progress]').getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    await expect.poll(() => page.locator('[data-testid=strip-block].lit').count()).toBe(8);
    // the controls show the trace's prompt, and stay still while it is shown
    expect(await page.locator('input[type=number][aria-label=Entries]').inputValue()).toBe('12');
    expect(await page.locator('[data-testid=pb-seed]').inputValue()).toBe('3');
    expect(await page.getByRole('group', { name: 'Format' }).locator('[aria-pressed=true]').textContent()).toBe('Question');
    expect(await page.locator('[data-testid=pb-seed]').isDisabled()).toBe(true);

    await page.locator('[data-testid=tab-compare]').click();
    await page.waitForSelector('[data-testid=compare-empty]');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('[data-testid=compare-open-trace]').click()]);
    await chooser.setFiles(transformerTrace);
    await expect.poll(() => card(page, 'baseline').textContent(), { timeout: 30_000 }).toContain('transformer.hstrace');
    await expect.poll(() => expectedIn(page, 'baseline'), { timeout: 30_000 }).toMatch(/^\d{3}-\d{3}-\d{4}$/);
    // the page kept its run and model: the hybrid's trace is current, its strip unchanged
    expect(await card(page, 'current').textContent()).toContain('hybrid.hstrace');
    expect(await page.locator('[data-testid=layout-text]').inputValue()).toBe('M-M*M-M-');
    expect(await page.locator('[data-testid=trace-badge]').count()).toBe(1);
    // the same phonebook: the same expected number, no mismatch; scoring on many prompts needs the models
    expect(await expectedIn(page, 'current')).toBe(await expectedIn(page, 'baseline'));
    expect(await page.locator('[data-testid=compare-mismatch]').count()).toBe(0);
    expect(await page.locator('[data-testid=compare-score]').isDisabled()).toBe(true);
    const info = [JSON.parse(cli('info', transformerTrace, '--json')), JSON.parse(cli('info', hybridTrace, '--json'))];
    for (const [who, i] of [['baseline', info[0]], ['current', info[1]]] as const) {
      expect(await card(page, who).locator('[data-exact]').getAttribute('data-exact')).toBe(String(i.exact));
    }
    await page.locator('[data-testid=compare-view]').screenshot({ path: shot('trace-compare') });
    expect(errors).toEqual([]);
  });

  it('exports the compare figures as for live runs: per-layer mass of both models, and SVG', async () => {
    const layers = page.locator('[data-testid=compare-layers]');
    const csv = (await exportFrom(page, layers, 'Data CSV')).text.trim().split('\n');
    expect(csv[0]).toBe('block,baseline,current');
    // the Transformer's 16 blocks and the hybrid's 8 share indices 0–7: both columns filled there
    const rows = csv.slice(1).map((r) => r.split(','));
    expect(rows.length).toBeGreaterThanOrEqual(8);
    const both = rows.filter(([, a, b]) => a !== '' && b !== '');
    expect(both.length).toBeGreaterThan(0);
    for (const [, a, b] of both) for (const v of [a, b]) expect(Number(v)).toBeGreaterThanOrEqual(0);
    const svg = await exportFrom(page, page.locator('[data-testid=compare-logprobs]'), 'SVG');
    expect(svg.name).toMatch(/\.svg$/);
    expect(svg.text).toContain('<svg');
    expect(svg.text).toContain('current');
    expect(errors).toEqual([]);
  });

  it('compares the baseline trace with a live run on the trace\'s prompt, and reruns that prompt on request', async () => {
    await page.locator('[data-testid=model-select]').selectOption('bundled:hybrid');
    await expect.poll(() => page.locator('[data-testid=trace-badge]').count(), { timeout: 60_000 }).toBe(0);
    await page.waitForSelector('[data-testid=run]:not([disabled])', { timeout: 60_000 });
    // the controls still hold the trace's prompt: a live run asks the same phonebook
    await page.locator('[data-testid=run]').click();
    await expect.poll(() => page.locator('[data-testid=run-progress]').getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    await expect.poll(() => card(page, 'current').textContent()).toContain('run ');
    expect(await card(page, 'baseline').textContent()).toContain('transformer.hstrace');
    expect(await expectedIn(page, 'current')).toBe(await expectedIn(page, 'baseline'));
    expect(await page.locator('[data-testid=compare-mismatch]').count()).toBe(0);
    // another seed: a different prompt, and the button runs the trace's own again
    await page.locator('[data-testid=pb-seed]').fill('4');
    await page.locator('[data-testid=run]').click();
    await expect.poll(() => page.locator('[data-testid=compare-mismatch]').count(), { timeout: 60_000 }).toBe(1);
    await page.locator('[data-testid=compare-run-trace-prompt]').click();
    await expect.poll(() => page.locator('[data-testid=compare-mismatch]').count(), { timeout: 60_000 }).toBe(0);
    expect(await page.locator('[data-testid=pb-seed]').inputValue()).toBe('3');
    expect(await expectedIn(page, 'current')).toBe(await expectedIn(page, 'baseline'));
    await page.locator('[data-testid=compare-view]').screenshot({ path: shot('trace-compare-live') });
    expect(errors).toEqual([]);
  });
});
