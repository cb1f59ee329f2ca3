// The UI's end of an engine host (an EngineClient): the port of the host running now, swapped by the
// host's supervisor when it restarts the host (hosts/web-client.ts, hosts/electron-client.ts).
// Requests sent while no host is connected wait for the next one; `status` tells the Engine that the
// host crashed or came back. Every event goes from the port straight to the subscribers.
import type { EngineClient } from './client';
import type { EngineEvent, EventOf, MessagePortLike, Request } from './protocol';
import { HOST_PONG, isHeartbeat } from './watchdog';

export class HostConnection implements EngineClient {
  private port: MessagePortLike | null = null;
  private queued: Request[] = [];
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  /** One handler for every port this connection uses; a replaced host sends nothing more. */
  private readonly deliver = (data: unknown) => {
    if (isHeartbeat(data, HOST_PONG)) return; // the supervisor's, not an engine event
    for (const l of this.listeners) l(data as EngineEvent);
  };

  /** @param onDispose stops the host (terminate the Worker, close the port). */
  constructor(private readonly onDispose: () => void = () => undefined) {}

  /** The host's port, once it is up (null while it is down); queued requests go to it. */
  connect(port: MessagePortLike | null): void {
    this.port = port;
    if (!port) return;
    port.onMessage(this.deliver);
    for (const r of this.queued.splice(0)) port.postMessage(r, []);
  }

  status(event: EventOf<'host/status'>): void {
    this.deliver(event);
  }

  send(request: Request): void {
    if (this.port) this.port.postMessage(request, []);
    else this.queued.push(request);
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.port = null;
    this.onDispose();
  }
}
