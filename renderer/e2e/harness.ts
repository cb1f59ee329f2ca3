// Shared e2e harness: serve dist-web/ with vite preview on a free port and drive Debian Chromium
// through playwright-core (never a downloaded browser). `npm test` builds dist-web first.
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';

export const repo = resolve(import.meta.dirname, '../..');
export const shots = resolve(repo, 'test-results');
export const fixtures = resolve(repo, 'engine/test/fixtures');
export const CHROMIUM = '/usr/bin/chromium';

export interface Harness { server: PreviewServer; browser: Browser; url: string; close(): Promise<void> }

export async function startHarness(): Promise<Harness> {
  if (!existsSync(resolve(repo, 'dist-web/index.html'))) throw new Error('dist-web/ is missing: run `npm run build:web` first');
  mkdirSync(shots, { recursive: true });
  const server = await preview({
    configFile: resolve(repo, 'renderer/vite.web.config.ts'),
    preview: { port: 0, host: '127.0.0.1', strictPort: false, open: false },
    logLevel: 'warn',
  });
  const address = server.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const browser = await launchChromium().catch(async (e: unknown) => {
    await new Promise<void>((done) => server.httpServer.close(() => done()));
    throw e;
  });
  return {
    server, browser, url: `http://127.0.0.1:${port}/`,
    async close() {
      await browser.close();
      await new Promise<void>((done) => server.httpServer.close(() => done()));
    },
  };
}

/** Debian Chromium, headless, with the flags every browser test and bench here uses. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian chromium (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

export interface OpenOptions {
  /** Let the app run its opening model by itself (the first screen); tests start from a quiet page
   *  (`?autorun=0`) unless they say so. */
  firstRun?: boolean;
  /** Runs before the page loads (e.g. desktop-sim.ts's simulateDesktop). */
  setup?: (page: Page) => Promise<void>;
}

/** A page at a researcher's window size, failing the test on page errors. `suffix`: a query and/or
 *  hash for the page URL, e.g. `?e2e` or `#bench-map`. */
export async function openApp(h: Harness, suffix = '', opts: OpenOptions = {}): Promise<{ page: Page; errors: string[] }> {
  const context = await h.browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // a 404 is how a build without bundled models answers for models/manifest.json: not an error
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text()); });
  await opts.setup?.(page);
  const url = new URL(suffix, h.url);
  if (!opts.firstRun) url.searchParams.set('autorun', '0');
  await page.goto(url.href);
  return { page, errors };
}

/** The app opened (on a model folder the test ships, or the bundled default) and ready to Run. */
export async function openReady(h: Harness, folder?: string): Promise<{ page: Page; errors: string[] }> {
  const app = await openApp(h);
  if (folder) await app.page.locator('[data-testid=folder-input]').setInputFiles(folder);
  await app.page.waitForSelector('[data-testid=run]:not([disabled])', { timeout: 60_000 });
  return app;
}

export function shot(name: string): string {
  return resolve(shots, `${name}.png`);
}
