// main's engine supervisor with Electron mocked: a host that exits is reported and restarted; a host
// that stays alive but stops answering the watchdog's heartbeats is killed after the deadline,
// reported as hung and restarted; a host that answers is left alone.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

class FakeChild extends EventEmitter {
  pid = Math.floor(Math.random() * 1e6);
  answers = true;
  killed = false;
  posted: unknown[] = [];
  postMessage(m: { type?: string }) {
    this.posted.push(m);
    if (m?.type === 'host/ping' && this.answers) queueMicrotask(() => this.emit('message', { type: 'host/pong' }));
  }
  kill() {
    this.killed = true;
    queueMicrotask(() => this.emit('exit', 9));
  }
}

const children: FakeChild[] = [];
vi.mock('electron', () => ({
  utilityProcess: {
    fork: () => {
      const c = new FakeChild();
      children.push(c);
      queueMicrotask(() => c.emit('spawn'));
      return c;
    },
  },
  MessageChannelMain: class { port1 = {}; port2 = {}; },
}));

const sent: { channel: string; status: { status: string; message: string } }[] = [];
const webContents = {
  isDestroyed: () => false,
  postMessage: () => {},
  send: (channel: string, status: { status: string; message: string }) => sent.push({ channel, status }),
};

beforeEach(() => {
  vi.useFakeTimers();
  children.length = 0;
  sent.length = 0;
});
afterEach(() => vi.useRealTimers());

async function supervisor() {
  const { EngineSupervisor } = await import('../../../main/engine-supervisor');
  const s = new EngineSupervisor('engine-host.js', '/models', () => webContents as never);
  s.start();
  await vi.advanceTimersByTimeAsync(0);
  return s;
}

describe('engine supervisor watchdog', () => {
  it('leaves a host that answers its heartbeats alone', async () => {
    const s = await supervisor();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(children).toHaveLength(1);
    expect(children[0].killed).toBe(false);
    // A silent but healthy host is pinged every heartbeat interval and answers each time.
    expect(children[0].posted.filter((m) => (m as { type: string }).type === 'host/ping').length).toBeGreaterThanOrEqual(50);
    expect(sent).toEqual([]);
    s.stop();
  });

  it('kills a host that stopped answering, reports it as hung and restarts it', async () => {
    const s = await supervisor();
    children[0].answers = false;
    await vi.advanceTimersByTimeAsync(19_000);
    expect(children[0].killed).toBe(false);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(children[0].killed).toBe(true);
    expect(sent.map((x) => x.status.status)).toEqual(['crashed']);
    expect(sent[0].status.message).toMatch(/^the engine stopped answering \(no reply for \d+ s\); restarting it/);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(children).toHaveLength(2); // restarted, and the new host gets a fresh deadline
    await vi.advanceTimersByTimeAsync(60_000);
    expect(children[1].killed).toBe(false);
    s.stop();
  });

  it('reports and restarts a host that exits', async () => {
    const s = await supervisor();
    children[0].emit('exit', 134);
    expect(sent[0].status.message).toMatch(/^the engine stopped \(exit code 134\); restarting it/);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(children).toHaveLength(2);
    s.stop();
  });
});
