// The desktop app end to end, through playwright-core's Electron driver: the window's isolation,
// the preload API, the engine host's MessagePort, and a crash of the engine host mid-run (reported,
// restarted, the next run works). Runs where an Electron binary exists; the npm package here ships
// none, and then the suite says so and skips.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** The binary the electron package installed (its path.txt), without `require('electron')`, which
 *  would try to download one when it is missing. */
function electronBinary(): string | undefined {
  const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

const binary = electronBinary();
const hasBinary = binary !== undefined && existsSync(join(root, 'out', 'main', 'index.js'));
if (!hasBinary) console.log('Electron binary not present — Electron e2e skipped');

describe('desktop app (Electron)', () => {
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    if (!hasBinary) return;
    app = await electron.launch({
      executablePath: binary, args: [join(root, 'out', 'main', 'index.js'), '--no-sandbox'], cwd: root,
      env: { ...process.env, HYBRIDSCOPE_E2E: '1' },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });
  afterAll(async () => {
    await app?.close();
  });

  it.skipIf(!hasBinary)('keeps Node out of the page and exposes only window.hybridscope', async () => {
    const seen = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      api: Object.keys((window as unknown as { hybridscope?: object }).hybridscope ?? {}).sort(),
    }));
    expect(seen.require).toBe('undefined');
    expect(seen.process).toBe('undefined');
    expect(seen.api).toEqual(['exportFigure', 'listRecent', 'onEngineStatus', 'onMenuCommand', 'onOsOpensWaiting', 'openDropped', 'openExperiment',
      'openModelFolder', 'openRecent', 'saveExperiment', 'takeOsOpens'].sort());
    // the engine's port reached the page: the bundled model's layer strip is drawn from its reply
    await expect.poll(() => page.getByTestId('run').isEnabled(), { timeout: 60_000 }).toBe(true);
  });

  it.skipIf(!hasBinary)('blocks navigation and new windows', async () => {
    const url = page.url();
    await page.evaluate(() => { window.location.href = 'https://example.com/'; });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(url);
    await page.evaluate(() => window.open('https://example.com/'));
    await page.waitForTimeout(500);
    expect(app.windows().length).toBe(1);
  });

  it.skipIf(!hasBinary)('survives the engine host being killed mid-run', async () => {
    const pid = () => app.evaluate(() => (globalThis as { hybridscopeEngine?: { pid?: number } }).hybridscopeEngine?.pid);
    await expect.poll(pid, { timeout: 30_000 }).toBeGreaterThan(0);
    const before = await pid();
    const progress = page.getByTestId('run-progress');
    await page.getByTestId('run').click();
    process.kill(before!, 'SIGKILL');
    await expect.poll(() => page.getByText(/engine stopped/i).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(pid, { timeout: 30_000 }).not.toBe(before);
    // the restarted host serves the window again: the model reopens and a run completes
    await expect.poll(() => page.getByTestId('run').isEnabled(), { timeout: 60_000 }).toBe(true);
    await page.getByTestId('run').click();
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
  });
});
