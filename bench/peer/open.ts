// The Node side's handle on the peer page: server.ts serving it, Debian Chromium (the e2e harness's
// launcher and flags) showing it, and `call` to run an op in one of its workers.
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../renderer/e2e/harness';
import type { Peer } from './page';
import type { Ops, Ready } from './rpc';
import { startPeerServer } from './server';

export interface PeerPage {
  page: Page;
  browser: Browser;
  /** Page errors and console errors, for the caller to fail on. */
  errors: string[];
  open(name: string, side: Ready['side'], model: string, threads: number): Promise<Ready>;
  call<K extends keyof Ops>(name: string, op: K, args: Parameters<Ops[K]>[0]): Promise<Awaited<ReturnType<Ops[K]>>>;
  closeWorker(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openPeer(): Promise<PeerPage> {
  const server = await startPeerServer();
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (e) {
    await server.close();
    throw e;
  }
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(server.url);
  await page.waitForFunction(() => 'peer' in globalThis);
  return {
    page, browser, errors,
    // page.evaluate serialises each function: it can only name what the page has (`peer`)
    open: (name, side, model, threads) => page.evaluate(([n, s, m, t]) => (globalThis as unknown as { peer: Peer }).peer.open(n, s, m, t), [name, side, model, threads] as const),
    call: (name, op, args) => page.evaluate(([n, o, a]) => (globalThis as unknown as { peer: Peer }).peer.call(n, o as keyof Ops, a as never) as Promise<unknown>, [name, op as string, args as unknown] as const) as never,
    closeWorker: (name) => page.evaluate((n) => (globalThis as unknown as { peer: Peer }).peer.close(n), name),
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
