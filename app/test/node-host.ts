// The Node host used by tests: the service on one end of a real worker_threads MessageChannel,
// an EngineClient on the other, so every message is structured-cloned (and arrays transferred)
// exactly as between a renderer and the engine host.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { FileSource } from '../../engine/io/files';
import type { EngineApi } from '../engine-api';
import type { EngineClient } from '../client';
import type { EngineEvent, MessagePortLike } from '../protocol';
import { startService, type EngineService } from '../service';

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
