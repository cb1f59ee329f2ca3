// The study's 8B hybrid layout in the app: a ~64 MB trace of a random-weight model with its 56-block
// pattern on a ~4,000-token phonebook (study-trace.ts) opened in the web build. Measures the time
// from choosing the file to the first view drawn (target ≤ 2 s for the real 8B trace of that size)
// and to the whole trace read; checks that the layer strip stays readable (one row, every label
// inside its block, no two blocks overlapping, every block clickable) and that every view renders,
// with screenshots in test-results/study-*.png and the timings in test-results/study-trace-timing.json.
// HYBRIDSCOPE_STUDY_TRACE=<file> opens that trace instead (a capture of the real 8B checkpoint made with
// the capture package on a GPU machine, which is too large to keep in the repository).
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, shot, shots, startHarness, type Harness } from './harness';
import { STUDY_8B_PATTERN, writeStudyTrace } from './study-trace';

const work = mkdtempSync(join(tmpdir(), 'hs-study-trace-'));
const given = process.env.HYBRIDSCOPE_STUDY_TRACE;
const tracePath = given ?? join(work, 'study-8b-pattern.hstrace');
const BLOCKS = STUDY_8B_PATTERN.length;
/** Generous against a loaded CI machine; the measured times are written out and printed. */
const FIRST_VIEW_LIMIT_MS = 4000;

interface Marks { strip?: number; view?: number; all?: number }

/** Marks, from the file input's change event: the strip's first lit block, the attention map
 *  painted (the inspector's default tab; one frame after its canvas exists), every block read. */
function watchOpen(page: Page) {
  return page.evaluate((blocks) => {
    const w = window as unknown as { __open: { t0: number; marks: Marks } };
    w.__open = { t0: 0, marks: {} };
    const input = document.getElementById('trace-file-input')!;
    let mapSeen = false;
    const tick = () => requestAnimationFrame(() => {
      const m = w.__open.marks;
      const now = performance.now() - w.__open.t0;
      const lit = document.querySelectorAll('[data-testid=strip-block].lit').length;
      if (m.strip === undefined && lit > 0 && document.querySelector('[data-testid=trace-badge]')) m.strip = now;
      if (m.view === undefined && mapSeen) m.view = now;
      mapSeen = !!document.querySelector('[data-testid=attention-map] canvas');
      if (m.all === undefined && lit === blocks && document.querySelector('[data-testid=run-progress][data-status=done]')) m.all = now;
      if (m.strip === undefined || m.view === undefined || m.all === undefined) tick();
    });
    input.addEventListener('change', () => { w.__open.t0 = performance.now(); tick(); }, { capture: true, once: true });
  }, BLOCKS);
}

describe('a 56-block trace (the study 8B hybrid\'s layout) in the web build', () => {
  let h: Harness;
  let page: Page;
  let errors: string[];
  let bytes = 0;
  beforeAll(async () => {
    ({ bytes } = given ? { bytes: statSync(given).size } : await writeStudyTrace(tracePath));
    h = await startHarness();
    ({ page, errors } = await openApp(h));
    await page.waitForSelector('[data-testid=run]:not([disabled])', { timeout: 60_000 });
  }, 300_000);
  afterAll(async () => { await h?.close(); });

  it('opens it and draws the first view within the limit', async () => {
    expect(bytes).toBeGreaterThan(48 * 2 ** 20);
    await watchOpen(page);
    await page.locator('[data-testid=trace-input]').setInputFiles(tracePath);
    const marks = await page.waitForFunction(() => {
      const m = (window as unknown as { __open: { marks: Marks } }).__open.marks;
      return m.all !== undefined && m.view !== undefined && m.strip !== undefined ? m : null;
    }, undefined, { timeout: 60_000, polling: 100 }).then((r) => r.jsonValue() as Promise<Required<Marks>>);
    const timing = { bytes, blocks: BLOCKS, ms_to_strip: Math.round(marks.strip), ms_to_first_view: Math.round(marks.view), ms_to_whole_trace: Math.round(marks.all) };
    writeFileSync(join(shots, 'study-trace-timing.json'), JSON.stringify(timing, null, 1) + '\n');
    console.log(`study trace: ${JSON.stringify(timing)}`);
    expect(marks.view).toBeLessThan(FIRST_VIEW_LIMIT_MS);
    expect(errors).toEqual([]);
  }, 120_000);

  it('keeps the strip readable: one row, labels inside their blocks, none overlapping, every block clickable', async () => {
    const strip = page.locator('[data-testid=layer-strip]');
    expect(await strip.getAttribute('data-fit')).toBe('narrow');
    // layout boxes (offset*), not painted ones: a block that just lit is still settling (strip.css)
    const boxes = await strip.locator('[data-testid=strip-block]').evaluateAll((els) => els.map((el) => {
      const b = el as HTMLElement;
      const label = (sel: string) => {
        const e = el.querySelector(sel) as HTMLElement;
        const left = b.offsetLeft + b.clientLeft + e.offsetLeft;
        const top = b.offsetTop + b.clientTop + e.offsetTop;
        return { left, right: left + e.offsetWidth, top, bottom: top + e.offsetHeight, text: e.textContent, clipped: e.scrollWidth > e.offsetWidth };
      };
      return { left: b.offsetLeft, right: b.offsetLeft + b.offsetWidth, top: b.offsetTop, bottom: b.offsetTop + b.offsetHeight, kind: el.getAttribute('data-kind'), glyph: label('.glyph'), idx: label('.idx') };
    }));
    expect(boxes).toHaveLength(BLOCKS);
    const kinds = { M: 'mamba2', '*': 'attention', '-': 'mlp' } as const;
    expect(boxes.map((b) => b.kind)).toEqual([...STUDY_8B_PATTERN].map((c) => kinds[c as keyof typeof kinds]));
    const stripRight = await strip.evaluate((el) => (el as HTMLElement).offsetLeft + (el as HTMLElement).clientWidth);
    boxes.forEach((b, i) => {
      expect(b.top, `block ${i} in the one row`).toBe(boxes[0].top);
      if (i > 0) expect(b.left, `block ${i} clear of block ${i - 1}`).toBeGreaterThanOrEqual(boxes[i - 1].right);
      expect(b.right, `block ${i} inside the strip`).toBeLessThanOrEqual(stripRight);
      expect(b.idx.text).toBe(String(i));
      for (const l of [b.glyph, b.idx]) {
        expect(l.clipped).toBe(false);
        expect(l.left, `label of block ${i}`).toBeGreaterThanOrEqual(b.left);
        expect(l.right, `label of block ${i}`).toBeLessThanOrEqual(b.right);
        expect(l.bottom).toBeLessThanOrEqual(b.bottom);
      }
    });
    await page.locator('[data-testid=layer-strip]').screenshot({ path: shot('study-strip') });
    // every block can be clicked (Playwright checks that it, not a neighbour, receives the click)
    const blocks = strip.locator('[data-testid=strip-block]');
    for (let i = 0; i < BLOCKS; i++) {
      await blocks.nth(i).click();
      expect(await blocks.nth(i).getAttribute('aria-pressed'), `block ${i}`).toBe('true');
    }
    expect(await page.locator('[data-testid=slot-actions]').textContent()).toContain(`block ${BLOCKS - 1}, position ${BLOCKS}`);
    expect(errors).toEqual([]);
  }, 120_000);

  it('renders every view for it: answer, token ribbon, attention, SSM with its state snapshot, compare', async () => {
    expect(await page.locator('[data-testid=answer-digit]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=answer-verdict]').count()).toBe(1);
    await page.waitForSelector('[data-testid=ribbon-chart] svg');
    await page.locator('[data-testid=token-ribbon]').screenshot({ path: shot('study-ribbon') });
    await page.locator('aside.sidebar').screenshot({ path: shot('study-answer') });

    const strip = page.locator('[data-testid=layer-strip] [data-testid=strip-block]');
    await page.locator('[data-testid=tab-attention]').click();
    for (const block of [10, 22, 33, 45]) {
      await strip.nth(block).click();
      await expect.poll(() => page.locator('[data-testid=attention-map]').textContent()).toContain(`block ${block} `);
    }
    for (const id of ['attention-map', 'attention-curves', 'attention-mass']) await page.waitForSelector(`[data-testid=${id}] svg`);
    await page.locator('[data-testid=attention-view]').screenshot({ path: shot('study-attention') });

    await page.locator('[data-testid=tab-ssm]').click();
    await strip.nth(54).click();
    await expect.poll(() => page.locator('[data-testid=ssm-dt]').textContent()).toContain('block 54 ');
    expect(await page.locator('[data-testid=layer-picker] option').count()).toBe(24);
    // each panel draws its array, or (a real capture over its budget) says this block's was dropped
    for (const id of ['ssm-implicit', 'ssm-mass', 'ssm-state-norm', 'ssm-dt', 'ssm-state']) {
      await page.waitForSelector(`[data-testid=${id}] svg, [data-testid=${id}][data-dropped]`, { timeout: 10_000 });
    }
    for (const text of await page.locator('[data-dropped]').allTextContents()) expect(text).toMatch(/block 54 .*Dropped layers\.54\.mixer /);
    await page.locator('[data-testid=ssm-view]').screenshot({ path: shot('study-ssm') });
    await page.locator('[data-testid=ssm-state]').screenshot({ path: shot('study-state-snapshot') });

    // compare: the same trace opened again as the baseline, beside itself
    await page.locator('[data-testid=tab-compare]').click();
    await page.locator('[data-testid=baseline-trace-input]').setInputFiles(tracePath);
    await expect.poll(() => page.locator('[data-testid=compare-card-baseline]').textContent(), { timeout: 30_000 }).toContain(basename(tracePath));
    await page.waitForSelector('[data-testid=compare-card-baseline][data-status=done]', { timeout: 60_000 });
    // the same run on both sides: every block's bar twice, equal
    const bars = await page.locator('[data-testid=compare-layers] rect[data-series]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-series'), e.getAttribute('data-group'), e.getAttribute('data-value')]));
    const side = (name: string) => bars.filter(([s]) => s === name).map(([, g, v]) => `${g}=${v}`);
    expect(side('baseline').length).toBeGreaterThan(0);
    expect(side('current')).toEqual(side('baseline'));
    expect(await page.locator('[data-testid=compare-mismatch]').count()).toBe(0);
    await page.locator('[data-testid=compare-view]').screenshot({ path: shot('study-compare') });
    await page.screenshot({ path: shot('study-window'), fullPage: true });
    expect(errors).toEqual([]);
  }, 120_000);
});
