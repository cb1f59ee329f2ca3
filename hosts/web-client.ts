// EngineClient for the web build: the engine service runs in a module Web Worker (worker.ts). The
// worker is supervised like the Electron utility process: when it fails (an error event) or stops
// answering (app/watchdog.ts: HOST_PING heartbeats, then a deadline), it is terminated and a fresh
// one started, with `host/status` crashed → restarted events (the Engine then reopens the last model).
import type { EngineClient } from '../app/client';
import type { EngineEvent } from '../app/protocol';
import { PROTOCOL_VERSION } from '../app/protocol';
import { HOST_PING, HOST_PONG, isHeartbeat, Watchdog } from '../app/watchdog';

/** `?e2e` in the page URL: a shorter deadline and `window.__hybridscopeEngine.kill()` for the tests. */
const e2e = new URLSearchParams(location.search).has('e2e');

/** `modelsUrl`: where the bundled models are served (default: `models/` next to the page). */
export function createWebClient(modelsUrl = new URL('models/', document.baseURI).href): EngineClient {
  const listeners = new Set<(e: EngineEvent) => void>();
  const emit = (e: EngineEvent) => {
    for (const l of listeners) l(e);
  };
  let worker: Worker;
  const restart = (message: string) => {
    worker.terminate();
    emit({ type: 'host/status', v: PROTOCOL_VERSION, status: 'crashed', message });
    spawn();
    dog.start();
    emit({ type: 'host/status', v: PROTOCOL_VERSION, status: 'restarted', message: 'the engine was restarted' });
  };
  const dog = new Watchdog({
    timers: { now: () => performance.now(), setInterval: (fn, ms) => setInterval(fn, ms), clearInterval: (h) => clearInterval(h as number) },
    ping: () => worker.postMessage(HOST_PING),
    onHung: restart,
    ...(e2e ? { intervalMs: 250, deadlineMs: 2000 } : {}),
  });
  const spawn = () => {
    worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'hybridscope-engine' });
    worker.onmessage = (e: MessageEvent<EngineEvent>) => {
      dog.heard();
      if (!isHeartbeat(e.data, HOST_PONG)) emit(e.data);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      restart(`engine worker failed: ${e.message || 'unknown error'}; restarting it — your saved work is safe`);
    };
    worker.postMessage({ type: 'host/init', modelsUrl });
  };
  spawn();
  dog.start();
  if (e2e) (window as unknown as { __hybridscopeEngine: { kill(): void } }).__hybridscopeEngine = { kill: () => worker.terminate() };
  return {
    send: (request) => worker.postMessage(request),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose: () => {
      dog.stop();
      worker.terminate();
    },
  };
}
