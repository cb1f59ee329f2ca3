// Opening a trace file in the web build: the CLI records a run of the bundled hybrid, the page opens
// it through "Open trace…" and by a drop, and shows it as a finished run (every block lit, the
// answer, the attention and SSM views); Run and layout edits say they need the model; a truncated
// trace is one error toast and the page goes on working.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, repo, shot, startHarness, type Harness } from './harness';

const work = mkdtempSync(join(tmpdir(), 'hs-trace-e2e-'));
const tracePath = join(work, 'run.hstrace');

/** Drops a file made in the page from these bytes (base64 keeps them binary through evaluate). */
function dropBytes(page: Page, name: string, bytes: Buffer) {
  return page.evaluate(({ name, b64 }) => {
    const data = new DataTransfer();
    data.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name));
    for (const type of ['dragenter', 'dragover', 'drop']) document.body.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
  }, { name, b64: bytes.toString('base64') });
}

describe('opening a trace in the web build', () => {
  let h: Harness;
  let page: Page;
  let errors: string[];
  let answer: string;
  beforeAll(async () => {
    execFileSync(process.execPath, [resolve(repo, 'bin/hybridscope.mjs'), 'trace', resolve(repo, 'assets/models/hybrid'), '--entries', '12', '--seed', '3', '--out', tracePath], { stdio: 'ignore' });
    h = await startHarness();
    ({ page, errors } = await openApp(h));
    await page.waitForSelector('[data-testid=run]:not([disabled])', { timeout: 60_000 });
  }, 120_000);
  afterAll(async () => { await h?.close(); });

  async function expectShown(blocks: number) {
    // the run shown before may be done already on the same layout: the badge comes back with the new
    // trace's run (made current at once), and then its blocks and its end are this run's
    await expect.poll(() => page.locator('[data-testid=trace-badge]').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => page.locator('[data-testid=strip-block].lit').count(), { timeout: 30_000 }).toBe(blocks);
    await expect.poll(() => page.locator('[data-testid=run-progress]').getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    expect(await page.locator('[data-testid=trace-badge]').textContent()).toBe('trace (read-only)');
    expect(await page.locator('[data-testid=strip-block]:not(.lit)').count()).toBe(0);
    expect(await page.locator('[data-testid=answer-verdict]').count()).toBe(1);
  }

  it('opens a trace from the file input and shows every block, the answer and the views', async () => {
    await page.locator('[data-testid=trace-input]').setInputFiles(tracePath);
    await expectShown(8);
    const digits = await page.locator('[data-testid=answer-digit]').allTextContents();
    answer = digits.join('');
    // the CLI's summary of the same file: its generated text holds the digits the panel shows
    const info = JSON.parse(execFileSync(process.execPath, [resolve(repo, 'bin/hybridscope.mjs'), 'info', tracePath, '--json'], { encoding: 'utf8' }));
    expect(info.status).toBe('complete');
    expect(answer.replace(/\D/g, '')).toBe((info.answer as string).replace(/\D/g, ''));
    expect(answer.length).toBeGreaterThan(0);

    await page.locator('[data-testid=tab-attention]').click();
    await expect.poll(() => page.locator('[data-testid=zoom-map]').count()).toBe(1);
    expect(await page.locator('[data-testid=entry-mass] rect').count()).toBeGreaterThanOrEqual(12);
    await page.locator('[data-testid=tab-ssm]').click();
    for (const id of ['ssm-implicit', 'ssm-state-norm', 'ssm-dt']) {
      await expect.poll(() => page.locator(`[data-testid=${id}]`).count(), { timeout: 10_000 }).toBe(1);
    }
    await page.screenshot({ path: shot('trace-opened'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('says Run and layout edits need the model itself', async () => {
    expect(await page.locator('[data-testid=trace-note]').textContent()).toContain('running needs the model itself');
    await page.locator('[data-testid=run]').click();
    await expect.poll(() => page.locator('.toast').textContent()).toContain('needs the model itself');
    await page.locator('[data-testid=strip-block]').first().dblclick();
    await expect.poll(() => page.locator('[role=alert]').textContent()).toContain('A trace is read-only');
    expect(await page.locator('[data-testid=strip-block][data-dropped]').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('opens a dropped trace the same way', async () => {
    await page.locator('[data-testid=model-select]').selectOption('bundled:hybrid');
    await expect.poll(() => page.locator('[data-testid=trace-badge]').count(), { timeout: 60_000 }).toBe(0);
    await page.waitForSelector('[data-testid=run]:not([disabled])', { timeout: 60_000 });
    await dropBytes(page, 'dropped.hstrace', readFileSync(tracePath));
    await expectShown(8);
    expect((await page.locator('[data-testid=answer-digit]').allTextContents()).join('')).toBe(answer);
    expect(errors).toEqual([]);
  });

  it('shows a truncated trace as one error toast and keeps working', async () => {
    const bytes = readFileSync(tracePath);
    const cut = join(work, 'cut.hstrace');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await page.locator('[data-testid=trace-input]').setInputFiles(cut);
    await expect.poll(() => page.locator('.toast.error').textContent(), { timeout: 30_000 }).toMatch(/cut\.hstrace.*truncated/);
    expect(await page.locator('.toast').count()).toBe(1);
    // a header cut short opens nothing at all
    writeFileSync(cut, bytes.subarray(0, 40));
    await page.locator('[data-testid=trace-input]').setInputFiles(cut);
    await expect.poll(() => page.locator('.toast.error').textContent()).toMatch(/Could not open the trace cut\.hstrace/);
    // the page still opens a good trace and its views
    await page.locator('[data-testid=trace-input]').setInputFiles(tracePath);
    await expectShown(8);
    expect(errors).toEqual([]);
  });
});
