// The web build's client in Node, with a stand-in Worker and fake timers: its watchdog heartbeat is
// HOST_PING (never a service request, which would fetch models/manifest.json), the pong is not passed
// on as an engine event, any message counts as a sign of life, and a silent worker is replaced.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '../app/protocol';
import { PROTOCOL_VERSION } from '../app/protocol';
import { HOST_PING, HOST_PONG } from '../app/watchdog';

class FakeWorker {
  static all: FakeWorker[] = [];
  posted: unknown[] = [];
  terminated = false;
  /** Answer heartbeats, as a healthy host does between blocks. */
  answers = true;
  listeners: ((e: { data: unknown }) => void)[] = [];
  onerror: ((e: unknown) => void) | null = null;
  constructor(readonly url: URL) {
    FakeWorker.all.push(this);
  }
  postMessage(m: unknown) {
    this.posted.push(m);
    if (this.answers && (m as { type?: string }).type === HOST_PING.type) queueMicrotask(() => this.reply(HOST_PONG));
  }
  addEventListener(type: string, listener: (e: { data: unknown }) => void) {
    if (type === 'message') this.listeners.push(listener);
  }
  reply(data: unknown) {
    for (const l of this.listeners) l({ data });
  }
  terminate() {
    this.terminated = true;
  }
}

let createWebClient: typeof import('./web-client').createWebClient;
beforeAll(async () => {
  // the page globals the client reads, the first (whether the URL has ?e2e) when it is imported
  vi.stubGlobal('location', { search: '' });
  vi.stubGlobal('document', { baseURI: 'http://127.0.0.1:1/' });
  vi.stubGlobal('Worker', FakeWorker);
  ({ createWebClient } = await import('./web-client'));
});
afterAll(() => vi.unstubAllGlobals());
beforeEach(() => {
  vi.useFakeTimers();
  FakeWorker.all = [];
});
afterEach(() => vi.useRealTimers());

function client() {
  const c = createWebClient();
  const events: EngineEvent[] = [];
  c.subscribe((e) => events.push(e));
  return { c, events, worker: () => FakeWorker.all.at(-1)! };
}

describe('web client', () => {
  it('starts the worker host next to it and tells it where the models are', () => {
    const { c, worker } = client();
    expect(worker().url.pathname).toMatch(/\/hosts\/worker\.ts$/);
    expect(worker().posted).toEqual([{ type: 'host/init', modelsUrl: 'http://127.0.0.1:1/models/' }]);
    c.dispose();
  });

  it('heartbeats are pings, answered by pongs that never reach the page as events', async () => {
    const { c, events, worker } = client();
    await vi.advanceTimersByTimeAsync(60_000);
    const sent = worker().posted.slice(1);
    expect(sent.length).toBeGreaterThanOrEqual(25);
    expect(sent.every((m) => m === HOST_PING)).toBe(true);
    expect(events).toEqual([]);
    expect(FakeWorker.all).toHaveLength(1);
    // a real event passes through, and (being a sign of life) holds off the next ping
    const ready = { type: 'service/ready', v: PROTOCOL_VERSION, protocol: PROTOCOL_VERSION } as const;
    await vi.advanceTimersByTimeAsync(1500);
    worker().reply(ready);
    const before = worker().posted.length;
    await vi.advanceTimersByTimeAsync(1000);
    expect(worker().posted.length).toBe(before);
    expect(events).toEqual([ready]);
    c.dispose();
  });

  it('replaces a worker that stops answering, saying so', async () => {
    const { c, events, worker } = client();
    const first = worker();
    first.answers = false;
    await vi.advanceTimersByTimeAsync(21_000);
    expect(first.terminated).toBe(true);
    expect(events.map((e) => e.type === 'host/status' && e.status)).toEqual(['crashed', 'restarted']);
    expect(FakeWorker.all).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeWorker.all).toHaveLength(2);
    c.dispose();
  });
});
