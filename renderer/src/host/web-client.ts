// EngineClient for the web build: the engine service runs in a module Web Worker (worker.ts).
import type { EngineClient } from '../../../app/client';
import type { EngineEvent } from '../../../app/protocol';
import { PROTOCOL_VERSION } from '../../../app/protocol';

/** `modelsUrl`: where the bundled models are served (default: `models/` next to the page). */
export function createWebClient(modelsUrl = new URL('models/', document.baseURI).href): EngineClient {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'hybridscope-engine' });
  const listeners = new Set<(e: EngineEvent) => void>();
  const emit = (e: EngineEvent) => {
    for (const l of listeners) l(e);
  };
  worker.onmessage = (e: MessageEvent<EngineEvent>) => emit(e.data);
  // A worker that dies (out of memory, a bug) is reported like a crashed Electron host; it is not
  // restarted here — the page reloads the worker by creating a new client.
  worker.onerror = (e) => {
    e.preventDefault();
    emit({ type: 'host/status', v: PROTOCOL_VERSION, status: 'crashed', message: `engine worker failed: ${e.message || 'unknown error'}` });
  };
  worker.postMessage({ type: 'host/init', modelsUrl });
  return {
    send: (request) => worker.postMessage(request),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose: () => worker.terminate(),
  };
}
