// The Node host, used by the tests: the app/ service on one end of a real worker_threads
// MessageChannel and a HostConnection on the other, so every message is structured-cloned (and
// arrays transferred) exactly as between a renderer and the engine host. Node's MessagePort is an
// EventTarget, so both ends use app/ports.ts's eventPort as the browser hosts do.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { FileSource } from '../engine';
import { HostConnection } from '../app/connection';
import type { EngineApi } from '../app/engine-api';
import { eventPort, type EventPort } from '../app/ports';
import type { EngineEvent } from '../app/protocol';
import { startService, type EngineService } from '../app/service';

export interface NodeHost {
  client: HostConnection;
  service: EngineService;
  /** Everything the client received so far, in order. */
  events: EngineEvent[];
  /** Post raw data (for malformed-message tests), bypassing the typed client. */
  raw(data: unknown): void;
  close(): void;
}

/** Node's MessagePort is an EventTarget whose message events carry `data`; @types/node types its
 *  listeners' argument as a plain Event. */
export const nodePort = (port: MessagePort) => eventPort(port as unknown as EventPort);

export function nodeHost(engine: EngineApi | undefined, bundled: FileSource, folders: Record<string, FileSource> = {}): NodeHost {
  const { port1, port2 } = new MessageChannel();
  const service = startService({ port: nodePort(port1), engine, bundled, resolveFolder: (t) => (Object.hasOwn(folders, t) ? folders[t] : undefined) });
  const close = () => {
    port1.close();
    port2.close();
  };
  const client = new HostConnection(close);
  const events: EngineEvent[] = [];
  client.subscribe((e) => events.push(e));
  client.connect(nodePort(port2));
  return { client, service, events, raw: (d) => port2.postMessage(d), close };
}
