// The desktop app's behaviour in Chromium, with the preload's API simulated (desktop-sim.ts): every
// menu command (app/desktop-api.ts MENU_COMMANDS) sent as the menu sends it, each with what it must
// do on the page; files dropped on the window; what the OS asks to open, at launch and later. A menu
// command without a handler in the page fails here. Skipped, saying so, without bundled models.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { MENU_COMMANDS, type MenuCommand, type MenuCommandName } from '../../app/desktop-api';
import { fileStem } from '../src/export/figure';
import { SHORTCUTS } from '../src/ui/shortcuts';
import { simulateDesktop, type SimConfig, type SimControls, type SimItem } from './desktop-sim';
import { openApp, repo, shot, startHarness, type Harness } from './harness';

const have = ['hybrid', 'mamba2', 'mamba'].every((m) => existsSync(resolve(repo, `assets/models/${m}/model.safetensors`)));
if (!have) console.log('desktop.e2e: SKIPPED — the bundled models are missing from assets/models/');

type Call = SimControls['calls'][number];
const engineRequests = (page: Page) => page.evaluate(() => (window as unknown as { __desktopSim: SimControls }).__desktopSim.engineRequests);
const calls = (page: Page, fn: string) => page.evaluate((f) => (window as unknown as { __desktopSim: SimControls }).__desktopSim.calls.filter((c) => c.fn === f), fn) as Promise<Call[]>;
const menu = (page: Page, command: MenuCommand) => page.evaluate((c) => (window as unknown as { __desktopSim: SimControls }).__desktopSim.menu(c), command);
const setSim = (page: Page, patch: Partial<Pick<SimControls, 'nextFolder' | 'nextExperiment' | 'recent'>>) =>
  page.evaluate((p) => Object.assign((window as unknown as { __desktopSim: SimControls }).__desktopSim, p), patch);
const osOpen = (page: Page, item: SimItem) => page.evaluate((i) => (window as unknown as { __desktopSim: SimControls }).__desktopSim.osOpen(i), item);
const meta = (page: Page) => page.locator('[data-testid=model-meta]').textContent();
const toast = (page: Page) => page.locator('.toast').textContent();

async function openDesktop(h: Harness, config: SimConfig = {}, firstRun = false) {
  return openApp(h, '?desktop-sim', { firstRun, setup: (page) => simulateDesktop(page, config) });
}

/** Runs the open model's prompt and waits for it to finish. */
async function runOnce(page: Page) {
  await page.waitForSelector('[data-testid=run]:not([disabled])', { timeout: 60_000 });
  await page.locator('[data-testid=run]').click();
  await page.waitForSelector('[data-testid=run-progress][data-status=done]', { timeout: 60_000 });
}

/** Drops files made in the page on the window, as a drag from the desktop would. */
function drop(page: Page, files: { name: string; text: string }[]) {
  return page.evaluate((fs) => {
    const data = new DataTransfer();
    for (const f of fs) data.items.add(new File([f.text], f.name, { type: 'application/json' }));
    for (const type of ['dragenter', 'dragover', 'drop']) document.body.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
  }, files);
}

describe.skipIf(!have)('desktop behaviour with the preload API simulated', () => {
  let h: Harness;
  let page: Page;
  let errors: string[];
  let saved: string;
  beforeAll(async () => {
    h = await startHarness();
    ({ page, errors } = await openDesktop(h));
    await page.waitForSelector('[data-testid=run]:not([disabled])', { timeout: 60_000 });
    await page.locator('[data-testid=pb-entries]').fill('8');
    await runOnce(page);
    await page.locator('[data-testid=save-experiment]').click();
    await page.waitForFunction(() => (window as unknown as { __desktopSim: SimControls }).__desktopSim.calls.some((c) => c.fn === 'saveExperiment'));
    saved = (await calls(page, 'saveExperiment'))[0].args[0] as string;
  });
  afterAll(async () => { await h?.close(); });

  it('acts on every menu command', async () => {
    const scenarios: Record<MenuCommandName, () => Promise<void>> = {
      'open-model-folder': async () => {
        await setSim(page, { nextFolder: 'mamba2' });
        await menu(page, 'open-model-folder');
        await expect.poll(() => page.locator('[data-testid=model-select]').inputValue(), { timeout: 60_000 }).toBe('folder:mamba2');
        expect(await meta(page)).toContain('mamba2');
      },
      'open-experiment': async () => {
        await setSim(page, { nextExperiment: { name: 'menu.hybridscope.json', text: saved } });
        await menu(page, 'open-experiment');
        await expect.poll(() => toast(page), { timeout: 60_000 }).toContain('Reproduced menu.hybridscope.json');
        expect(await page.locator('[data-testid=model-select]').inputValue()).toBe('bundled:hybrid');
      },
      'open-trace': async () => {
        // a run recorded by the CLI, chosen in the page's own file chooser (the page reads traces itself)
        const trace = join(mkdtempSync(join(tmpdir(), 'hs-desktop-trace-')), 'menu.hstrace');
        execFileSync(process.execPath, [resolve(repo, 'bin/hybridscope.mjs'), 'trace', resolve(repo, 'assets/models/hybrid'), '--entries', '8', '--seed', '5', '--out', trace], { stdio: 'ignore' });
        const chooser = page.waitForEvent('filechooser');
        await menu(page, 'open-trace');
        await (await chooser).setFiles(trace);
        await expect.poll(() => page.locator('[data-testid=trace-badge]').count(), { timeout: 60_000 }).toBe(1);
      },
      'open-recent': async () => {
        await setSim(page, { recent: { 'model-folder:1': { folder: 'mamba' }, 'experiment:2': { experiment: { name: 'recent.hybridscope.json', text: saved } } } });
        await menu(page, 'open-recent:model-folder:1');
        await expect.poll(() => page.locator('[data-testid=model-select]').inputValue(), { timeout: 60_000 }).toBe('folder:mamba');
        await menu(page, 'open-recent:experiment:2');
        await expect.poll(() => toast(page), { timeout: 60_000 }).toContain('Reproduced recent.hybridscope.json');
        await menu(page, 'open-recent:gone');
        await expect.poll(() => toast(page)).toContain('no longer in the recent list');
        expect((await calls(page, 'openRecent')).map((c) => c.args[0])).toEqual(['model-folder:1', 'experiment:2', 'gone']);
      },
      'save-experiment': async () => {
        await runOnce(page);
        await menu(page, 'save-experiment');
        await expect.poll(async () => (await calls(page, 'saveExperiment')).length).toBe(2);
        const [, second] = await calls(page, 'saveExperiment');
        expect(JSON.parse(second.args[0] as string).model.ref).toEqual({ kind: 'bundled', id: 'hybrid' });
        expect(second.args[1]).toMatch(/\.hybridscope\.json$/);
      },
      'export-figure': async () => {
        // no chart clicked: the main chart of the open tab
        await page.locator('[data-testid=tab-ssm]').click();
        await page.waitForSelector('[data-figures=main] .chart-frame svg[data-figure]');
        const main = await page.locator('[data-figures=main] .chart-frame h3').first().textContent();
        await menu(page, 'export-figure');
        await expect.poll(async () => (await calls(page, 'exportFigure')).length).toBe(1);
        // a chart clicked: that one
        await page.locator('[data-testid=ssm-dt] canvas').click();
        await menu(page, 'export-figure');
        await expect.poll(async () => (await calls(page, 'exportFigure')).length).toBe(2);
        const [first, second] = await calls(page, 'exportFigure');
        expect(first.args.slice(1)).toEqual(['svg', `${fileStem(main!)}.svg`]);
        expect(second.args.slice(1)).toEqual(['svg', 'step-size-dt.svg']);
        expect(second.args[0]).toMatch(/^<\?xml[\s\S]*<svg/);
      },
      'show-shortcuts': async () => {
        await menu(page, 'show-shortcuts');
        const help = page.locator('[data-testid=shortcuts-help]');
        await expect.poll(() => help.count()).toBe(1);
        expect(await help.locator('tr[data-shortcut]').count()).toBe(SHORTCUTS.length);
        expect(await help.textContent()).toContain('arXiv 2406.07887');
        await page.screenshot({ path: shot('desktop-shortcuts') });
        await page.keyboard.press('Escape');
        await expect.poll(() => help.count()).toBe(0);
      },
    };
    for (const name of MENU_COMMANDS) {
      const scenario = scenarios[name];
      if (!scenario) throw new Error(`menu command "${name}" has no scenario here`);
      await scenario();
    }
    expect(errors).toEqual([]);
  }, 300_000);

  it('opens a dropped experiment or model folder through main', async () => {
    await drop(page, [{ name: 'dropped.hybridscope.json', text: saved }]);
    await expect.poll(() => toast(page), { timeout: 60_000 }).toContain('Reproduced dropped.hybridscope.json');
    // main stats the path: a folder is granted, and the page opens the token
    await drop(page, [{ name: 'mamba2', text: '' }]);
    await expect.poll(() => page.locator('[data-testid=model-select]').inputValue(), { timeout: 60_000 }).toBe('folder:mamba2');
    expect((await calls(page, 'openDropped')).map((c) => c.args[0])).toEqual(['dropped.hybridscope.json', 'mamba2']);
    expect(errors).toEqual([]);
  });

  it('shows the drop veil while files are dragged over the window', async () => {
    const veil = page.locator('[data-testid=drop-veil]');
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(['{}'], 'x.json'));
      document.body.dispatchEvent(new DragEvent('dragenter', { dataTransfer: data, bubbles: true }));
    });
    await expect.poll(() => veil.count()).toBe(1);
    await page.screenshot({ path: shot('desktop-drop-veil') });
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(['{}'], 'x.json'));
      document.body.dispatchEvent(new DragEvent('dragleave', { dataTransfer: data, bubbles: true }));
    });
    await expect.poll(() => veil.count()).toBe(0);
  });

  it('opens what the OS asks for at launch instead of the first run, and later on request', async () => {
    const os = await openDesktop(h, { osOpens: [{ experiment: { name: 'os.hybridscope.json', text: saved } }] }, true);
    await expect.poll(() => toast(os.page), { timeout: 90_000 }).toContain('Reproduced os.hybridscope.json');
    expect(await os.page.locator('[data-testid=pb-entries]').inputValue()).toBe('8');
    await osOpen(os.page, { folder: 'mamba2' });
    await expect.poll(() => os.page.locator('[data-testid=model-select]').inputValue(), { timeout: 60_000 }).toBe('folder:mamba2');
    // the replay was the only run: the first screen's own run stayed away
    expect((await engineRequests(os.page)).filter((t) => t === 'run/start')).toEqual(['run/start']);
    await osOpen(os.page, { error: 'notes.txt: not a model folder, an experiment file (.hybridscope.json) or a trace (.hstrace)' });
    await expect.poll(() => toast(os.page)).toContain('notes.txt: not a model folder');
    expect(os.errors).toEqual([]);
    await os.page.context().close();
  }, 200_000);

  it('opens a trace the OS hands over (file association, command line, open-file) through main, in ranges', async () => {
    const trace = join(mkdtempSync(join(tmpdir(), 'hs-os-trace-')), 'os.hstrace');
    execFileSync(process.execPath, [resolve(repo, 'bin/hybridscope.mjs'), 'trace', resolve(repo, 'assets/models/hybrid'), '--entries', '10', '--seed', '2', '--out', trace], { stdio: 'ignore' });
    const bytes = readFileSync(trace);
    const item: SimItem = { trace: { name: 'os.hstrace', base64: bytes.toString('base64') } };
    // at launch: the trace takes the page instead of the first run
    const os = await openDesktop(h, { osOpens: [item] }, true);
    await expect.poll(() => os.page.locator('[data-testid=trace-badge]').count(), { timeout: 90_000 }).toBe(1);
    await expect.poll(() => os.page.locator('[data-testid=run-progress]').getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    expect(await os.page.locator('[data-testid=strip-block].lit').count()).toBe(8);
    expect(await os.page.locator('[data-testid=pb-seed]').inputValue()).toBe('2');
    expect((await engineRequests(os.page)).filter((t) => t === 'run/start')).toEqual([]);
    // read through main in ranges, never whole, and every byte of the file read
    const reads = (await calls(os.page, 'readTrace')).map((c) => c.args as [string, number, number]);
    expect(reads.length).toBeGreaterThan(8);
    expect(Math.max(...reads.map(([, a, b]) => b - a))).toBeLessThan(bytes.length / 2);
    expect(Math.max(...reads.map(([, , b]) => b))).toBe(bytes.length);
    // later, while the app runs (a second launch): a damaged trace is one error, a good one opens
    await osOpen(os.page, { trace: { name: 'cut.hstrace', base64: bytes.subarray(0, bytes.length >> 1).toString('base64') } });
    await expect.poll(() => toast(os.page), { timeout: 30_000 }).toMatch(/cut\.hstrace.*truncated/);
    await os.page.locator('[data-testid=model-select]').selectOption('bundled:hybrid');
    await expect.poll(() => os.page.locator('[data-testid=trace-badge]').count(), { timeout: 60_000 }).toBe(0);
    await osOpen(os.page, item);
    await expect.poll(() => os.page.locator('[data-testid=trace-badge]').count(), { timeout: 30_000 }).toBe(1);
    await os.page.screenshot({ path: shot('desktop-os-trace') });
    expect(os.errors).toEqual([]);
    await os.page.context().close();
  }, 200_000);
});
