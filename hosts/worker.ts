// Web Worker host (the web build): the app/ engine service over the worker's own message port.
// The page first sends `{ type: 'host/init', modelsUrl }` (where the static `models/` folder is, which
// the worker cannot know from its own URL in every build); user folders arrive as File objects
// inside model/open requests and are read by the service itself. The page's watchdog heartbeat
// (HOST_PING, app/watchdog.ts) is answered here and never reaches the service, so a heartbeat fetches
// nothing; it still waits behind a running block, so a wedged worker goes silent.
import type { MessagePortLike } from '../app/protocol';
import { startService } from '../app/service';
import { HOST_PING, HOST_PONG, isHeartbeat } from '../app/watchdog';
import { installFastKernels } from '../engine/kernels/install';
import { BROWSER_CAP_BYTES, setMemoryBudget } from '../engine/io/memory';
import { fetchSource } from './fetch-source';

interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
}
const scope = self as unknown as WorkerScope;
installFastKernels();
// A tab has no free-memory query: half the device memory the browser reports, at most the fixed cap.
const deviceGiB = (navigator as { deviceMemory?: number }).deviceMemory;
setMemoryBudget(() => Math.min(BROWSER_CAP_BYTES, deviceGiB ? (deviceGiB * 2 ** 30) / 2 : BROWSER_CAP_BYTES));

/** The service's message handler once started; messages before that wait in `queued`. */
const service: { handler: ((data: unknown) => void) | null } = { handler: null };
const queued: unknown[] = [];
const deliver = (data: unknown) => {
  if (service.handler) service.handler(data);
  else queued.push(data);
};

scope.onmessage = (e) => {
  const data = e.data as { type?: unknown; modelsUrl?: unknown };
  if (isHeartbeat(data, HOST_PING)) return scope.postMessage(HOST_PONG, []);
  if (!service.handler && data?.type === 'host/init' && typeof data.modelsUrl === 'string') {
    const port: MessagePortLike = {
      postMessage: (message, transfer) => scope.postMessage(message, transfer),
      onMessage: (h) => { service.handler = h; },
    };
    startService({ port, bundled: fetchSource(new URL(data.modelsUrl), 'models') });
    for (const q of queued.splice(0)) deliver(q);
    return;
  }
  deliver(e.data);
};
