// The web build's engine host, page side: the engine service runs in a module Web Worker (worker.ts)
// whose port the page's HostConnection (app/connection.ts) uses directly. This file only starts and
// supervises the worker, like main/engine-supervisor.ts the utility process: when it fails (an error
// event) or stops answering (app/watchdog.ts: HOST_PING heartbeats, then a deadline), it is
// terminated and a fresh one started, with `host/status` crashed → restarted events (the Engine then
// reopens the last model).
import type { EngineClient } from '../app/client';
import { HostConnection } from '../app/connection';
import { eventPort } from '../app/ports';
import { PROTOCOL_VERSION } from '../app/protocol';
import { HOST_PING, Watchdog } from '../app/watchdog';

/** `?e2e` in the page URL: a shorter deadline and `window.__hybridscopeEngine.kill()` for the tests. */
const e2e = new URLSearchParams(location.search).has('e2e');

/** `modelsUrl`: where the bundled models are served (default: `models/` next to the page). */
export function createWebClient(modelsUrl = new URL('models/', document.baseURI).href): EngineClient {
  let worker: Worker;
  const connection = new HostConnection(() => {
    dog.stop();
    worker.terminate();
  });
  const restart = (message: string) => {
    worker.terminate();
    connection.connect(null);
    connection.status({ type: 'host/status', v: PROTOCOL_VERSION, status: 'crashed', message });
    spawn();
    dog.start();
    connection.status({ type: 'host/status', v: PROTOCOL_VERSION, status: 'restarted', message: 'the engine was restarted' });
  };
  const dog = new Watchdog({
    timers: { now: () => performance.now(), setInterval: (fn, ms) => setInterval(fn, ms), clearInterval: (h) => clearInterval(h as number) },
    ping: () => worker.postMessage(HOST_PING),
    onHung: restart,
    ...(e2e ? { intervalMs: 250, deadlineMs: 2000 } : {}),
  });
  const spawn = () => {
    worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'hybridscope-engine' });
    // any message is a sign of life; the connection's own listener passes the events on
    worker.addEventListener('message', () => dog.heard());
    worker.onerror = (e) => {
      e.preventDefault();
      restart(`engine worker failed: ${e.message || 'unknown error'}; restarting it — your saved work is safe`);
    };
    worker.postMessage({ type: 'host/init', modelsUrl });
    connection.connect(eventPort(worker));
  };
  spawn();
  dog.start();
  if (e2e) (window as unknown as { __hybridscopeEngine: { kill(): void } }).__hybridscopeEngine = { kill: () => worker.terminate() };
  return connection;
}
