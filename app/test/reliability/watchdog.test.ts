// The watchdog: heartbeats while the host is silent, one hang report after the deadline, a fresh
// deadline after a restart; then against a real worker thread that wedges itself in an endless loop
// (alive, so no exit event would ever report it).
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Watchdog, type WatchdogTimers } from '../../watchdog';

/** Timers driven by hand: `advance(ms)` runs the interval callbacks that fall due. */
function manualTimers(): WatchdogTimers & { advance(ms: number): void; active(): number } {
  let t = 0;
  const intervals = new Map<number, { fn: () => void; ms: number; next: number }>();
  let id = 0;
  return {
    now: () => t,
    setInterval: (fn, ms) => { intervals.set(++id, { fn, ms, next: t + ms }); return id; },
    clearInterval: (h) => void intervals.delete(h as number),
    active: () => intervals.size,
    advance(ms) {
      const end = t + ms;
      for (;;) {
        const due = [...intervals.values()].filter((i) => i.next <= end).sort((a, b) => a.next - b.next)[0];
        if (!due) break;
        t = due.next;
        due.next += due.ms;
        due.fn();
      }
      t = end;
    },
  };
}

describe('watchdog', () => {
  it('pings a silent host, reports a hang once after the deadline, and rearms on restart', () => {
    const timers = manualTimers();
    const pings: number[] = [];
    const hung: string[] = [];
    const dog = new Watchdog({ timers, ping: () => pings.push(timers.now()), onHung: (m) => hung.push(m), intervalMs: 1000, deadlineMs: 5000 });
    dog.start();
    timers.advance(900);
    expect(pings).toEqual([]);
    dog.heard();
    // A host that answers keeps it quiet: heard every 800 ms, never pinged, never hung.
    for (let i = 0; i < 20; i++) { timers.advance(800); dog.heard(); }
    expect(pings).toEqual([]);
    expect(hung).toEqual([]);
    // Silence: a ping per interval, then one hang report at the deadline, then nothing more.
    timers.advance(4999);
    expect(pings.length).toBe(4);
    expect(hung).toEqual([]);
    timers.advance(1000);
    expect(hung).toHaveLength(1);
    expect(hung[0]).toMatch(/^the engine stopped answering \(no reply for 5 s\); restarting it/);
    expect(timers.active()).toBe(0);
    timers.advance(60_000);
    expect(hung).toHaveLength(1);
    // The restarted host gets a fresh deadline.
    dog.start();
    timers.advance(4000);
    expect(hung).toHaveLength(1);
    timers.advance(1000);
    expect(hung).toHaveLength(2);
    dog.stop();
  });

  it('refuses a deadline that is not longer than the heartbeat', () => {
    expect(() => new Watchdog({ timers: manualTimers(), ping: () => {}, onHung: () => {}, intervalMs: 1000, deadlineMs: 1000 })).toThrow(RangeError);
  });

  it('detects a worker wedged in an endless loop, restarts it, and the new one answers', { timeout: 20_000 }, async () => {
    // A stand-in host: answers pings, and on "wedge" spins forever without exiting.
    const source = `
      const { parentPort } = require('node:worker_threads');
      parentPort.on('message', (m) => {
        if (m === 'wedge') for (;;) {}
        parentPort.postMessage('pong');
      });`;
    const events: string[] = [];
    let worker: Worker;
    let dog: Watchdog;
    const spawn = () => {
      worker = new Worker(source, { eval: true });
      worker.on('message', () => dog.heard());
    };
    const restarted = new Promise<void>((resolve) => {
      dog = new Watchdog({
        timers: { now: () => performance.now(), setInterval: (fn, ms) => setInterval(fn, ms), clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>) },
        ping: () => worker.postMessage('ping'),
        onHung: (message) => {
          events.push(message);
          void worker.terminate().then(() => {
            spawn();
            dog.start();
            resolve();
          });
        },
        // generous against a loaded 2-core CI machine: a healthy host must not be taken for hung
        intervalMs: 100,
        deadlineMs: 1500,
      });
    });
    spawn();
    // Start watching once the host is up: a worker's start-up on a loaded machine is not a hang.
    const up = new Promise((r) => worker.once('message', r));
    worker!.postMessage('ping');
    await up;
    dog!.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(events).toEqual([]); // a healthy host answers the heartbeats
    const t0 = performance.now();
    worker!.postMessage('wedge');
    await restarted;
    const detectedMs = performance.now() - t0;
    expect(events).toHaveLength(1);
    expect(detectedMs).toBeGreaterThanOrEqual(1000); // the deadline less the last heartbeat gap, never at once
    expect(detectedMs).toBeLessThan(6000);
    const pong = new Promise((r) => worker.once('message', r));
    worker!.postMessage('ping');
    await expect(pong).resolves.toBe('pong');
    dog!.stop();
    await worker!.terminate();
  });
});
