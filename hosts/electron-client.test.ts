// The desktop client in Node, with the window and the preload's API stubbed: the engine port main
// hands over is used directly, requests wait while no port is connected, and a port that comes after
// a crash is announced as a restart (the Engine then reopens its model).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DesktopApi, EngineHostStatus } from '../app/desktop-api';
import { ENGINE_PORT_MESSAGE } from '../app/desktop-api';
import type { EngineEvent, Request } from '../app/protocol';
import { PROTOCOL_VERSION } from '../app/protocol';

class FakePort {
  posted: unknown[] = [];
  listeners: ((e: { data: unknown }) => void)[] = [];
  closed = false;
  postMessage(m: unknown) { this.posted.push(m); }
  addEventListener(_type: string, l: (e: { data: unknown }) => void) { this.listeners.push(l); }
  start() {}
  close() { this.closed = true; }
  emit(data: unknown) { for (const l of this.listeners) l({ data }); }
}

const windowListeners: ((e: unknown) => void)[] = [];
const fakeWindow = {
  addEventListener: (_t: string, l: (e: unknown) => void) => void windowListeners.push(l),
  removeEventListener: () => undefined,
};
let createElectronClient: typeof import('./electron-client').createElectronClient;
beforeAll(async () => {
  vi.stubGlobal('window', fakeWindow);
  ({ createElectronClient } = await import('./electron-client'));
});
afterAll(() => vi.unstubAllGlobals());

const handOver = (port: FakePort) => {
  for (const l of windowListeners) l({ source: fakeWindow, data: ENGINE_PORT_MESSAGE, ports: [port] });
};
const request = (reqId: number): Request => ({ type: 'model/list', v: PROTOCOL_VERSION, reqId });

describe('electron client', () => {
  it('queues requests until main hands over the port, then talks to it directly', () => {
    let status: ((s: EngineHostStatus) => void) | undefined;
    const api = { onEngineStatus: (l: (s: EngineHostStatus) => void) => { status = l; return () => undefined; } } as unknown as DesktopApi;
    const client = createElectronClient(api);
    const events: EngineEvent[] = [];
    client.subscribe((e) => events.push(e));
    client.send(request(1));
    const first = new FakePort();
    handOver(first);
    expect(first.posted).toEqual([request(1)]);
    const ready = { type: 'service/ready', v: PROTOCOL_VERSION, protocol: PROTOCOL_VERSION };
    first.emit(ready);
    expect(events).toEqual([ready]);

    // the host crashes: requests wait; the next port is a restart, so the Engine reopens its model
    status!({ status: 'crashed', message: 'the engine stopped' });
    client.send(request(2));
    const second = new FakePort();
    handOver(second);
    expect(first.closed).toBe(true);
    expect(second.posted).toEqual([request(2)]);
    expect(events.map((e) => (e.type === 'host/status' ? e.status : e.type))).toEqual(['service/ready', 'crashed', 'restarted']);
    client.dispose();
    expect(second.closed).toBe(true);
  });
});
