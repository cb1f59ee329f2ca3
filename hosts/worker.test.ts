// The Web Worker host's message handler, in Node with the worker globals stubbed: the watchdog's
// heartbeat is answered by the host itself, before and after the service starts, and never reaches
// the service — so it fetches nothing (it used to be a model/list request that fetched
// models/manifest.json every heartbeat). A real request still goes to the service and fetches.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '../app/protocol';
import { HOST_PING, HOST_PONG } from '../app/watchdog';
import { kernels, referenceBackend, useBackend } from '../engine/kernels/backend';

const posted: unknown[] = [];
type Listener = (e: { data: unknown }) => void;
const scope = {
  postMessage: (message: unknown) => void posted.push(message),
  listeners: [] as Listener[],
  addEventListener(_type: 'message', l: Listener) { this.listeners.push(l); },
  removeEventListener(_type: 'message', l: Listener) { this.listeners = this.listeners.filter((x) => x !== l); },
};
const fetched: string[] = [];
// as the platform dispatches: to the listeners registered when the event arrives
const send = (data: unknown) => { for (const l of [...scope.listeners]) l({ data }); };
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

beforeAll(async () => {
  vi.stubGlobal('self', scope);
  vi.stubGlobal('navigator', {});
  vi.stubGlobal('fetch', async (url: URL) => {
    fetched.push(String(url));
    return new Response('[]', { headers: { 'content-type': 'application/json' } });
  });
  await import('./worker');
});
afterAll(() => {
  vi.unstubAllGlobals();
  useBackend(referenceBackend);
});

describe('web worker host', () => {
  it('installs the fast kernels and listens on its own scope', () => {
    expect(kernels().name).toBe('wasm-simd');
    expect(scope.listeners.length).toBeGreaterThan(0);
  });

  it('answers a heartbeat itself, before and after the service starts, without fetching', async () => {
    send(HOST_PING);
    await settle();
    expect(posted).toEqual([HOST_PONG]);
    send({ type: 'host/init', modelsUrl: 'http://127.0.0.1:1/models/' });
    for (let i = 0; i < 5; i++) send(HOST_PING);
    await settle();
    // the service says it is ready, then five pongs and no request/error: the service never saw a ping
    expect(posted).toEqual([HOST_PONG, expect.objectContaining({ type: 'service/ready' }), ...Array(5).fill(HOST_PONG)]);
    expect(fetched).toEqual([]);
  });

  it('passes requests to the service, which reads the catalog from models/', async () => {
    send({ type: 'model/list', v: PROTOCOL_VERSION, reqId: 1 });
    await vi.waitFor(() => expect(posted.at(-1)).toMatchObject({ type: 'model/catalog', reqId: 1, models: [] }));
    expect(fetched).toContain('http://127.0.0.1:1/models/manifest.json');
  });
});
