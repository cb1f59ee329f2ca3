// The Node host, used by the tests: the app/ service on one end of a real worker_threads
// MessageChannel, an EngineClient on the other, so every message is structured-cloned (and arrays
// transferred) exactly as between a renderer and the engine host. `portLike` also serves a
// worker thread's parentPort (app/test/worker-host.ts, the host the crash tests kill).
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { FileSource } from '../engine/io/files';
import type { EngineApi } from '../app/engine-api';
import type { EngineClient } from '../app/client';
import type { EngineEvent, MessagePortLike } from '../app/protocol';
import { startService, type EngineService } from '../app/service';

export function portLike(port: MessagePort): MessagePortLike {
  return {
    postMessage: (message, transfer) => port.postMessage(message, transfer),
    onMessage: (handler) => port.on('message', handler),
  };
}

export interface NodeHost {
  client: EngineClient;
  service: EngineService;
  /** Everything the client received so far, in order. */
  events: EngineEvent[];
  /** Post raw data (for malformed-message tests), bypassing the typed client. */
  raw(data: unknown): void;
  close(): void;
}

export function nodeHost(engine: EngineApi | undefined, bundled: FileSource, folders: Record<string, FileSource> = {}): NodeHost {
  const { port1, port2 } = new MessageChannel();
  const service = startService({ port: portLike(port1), engine, bundled, resolveFolder: (t) => (Object.hasOwn(folders, t) ? folders[t] : undefined) });
  const listeners = new Set<(e: EngineEvent) => void>();
  const events: EngineEvent[] = [];
  port2.on('message', (e: EngineEvent) => {
    events.push(e);
    for (const l of listeners) l(e);
  });
  const close = () => {
    port1.close();
    port2.close();
  };
  const client: EngineClient = {
    send: (request) => port2.postMessage(request),
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    dispose: close,
  };
  return { client, service, events, raw: (d) => port2.postMessage(d), close };
}
