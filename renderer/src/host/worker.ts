// Web Worker entry of the web build: the app/ engine service over the worker's own message port.
// The page first sends `{ type: 'host/init', modelsUrl }` (where the static `models/` folder is, which
// the worker cannot know from its own URL in every build); user folders arrive as File objects
// inside model/open requests and are read by the service itself.
import { engineBackend } from '../../../app/engine-backend';
import { installFastKernels } from '../../../app/kernels';
import type { MessagePortLike } from '../../../app/protocol';
import { startService } from '../../../app/service';
import { fetchSource } from './fetch-source';

interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
}
const scope = self as unknown as WorkerScope;
installFastKernels();

/** The service's message handler once started; messages before that wait in `queued`. */
const service: { handler: ((data: unknown) => void) | null } = { handler: null };
const queued: unknown[] = [];
const deliver = (data: unknown) => {
  if (service.handler) service.handler(data);
  else queued.push(data);
};

scope.onmessage = (e) => {
  const data = e.data as { type?: unknown; modelsUrl?: unknown };
  if (!service.handler && data?.type === 'host/init' && typeof data.modelsUrl === 'string') {
    const port: MessagePortLike = {
      postMessage: (message, transfer) => scope.postMessage(message, transfer),
      onMessage: (h) => { service.handler = h; },
    };
    startService({ port, backend: engineBackend, bundled: fetchSource(new URL(data.modelsUrl), 'models') });
    for (const q of queued.splice(0)) deliver(q);
    return;
  }
  deliver(e.data);
};
