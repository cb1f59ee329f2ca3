// Web Worker host (the web build): the app/ engine service over the worker's own message port.
// The page first sends `{ type: 'host/init', modelsUrl }` (where the static `models/` folder is, which
// the worker cannot know from its own URL in every build); user folders arrive as File objects
// inside model/open requests and are read by the service itself. The page's watchdog heartbeat
// (HOST_PING, app/watchdog.ts) is answered here, and the service ignores it, so a heartbeat fetches
// nothing; it still waits behind a running block, so a wedged worker goes silent.
import { eventPort, type EventPort } from '../app/ports';
import { startService } from '../app/service';
import { HOST_PING, HOST_PONG, isHeartbeat } from '../app/watchdog';
import { BROWSER_CAP_BYTES, installFastKernels, setMemoryBudget, threadsWanted } from '../engine';
import { fetchSource } from './fetch-source';

interface WorkerScope extends EventPort {
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}
const scope = self as unknown as WorkerScope;
// Two kernel threads where the page is cross-origin isolated (the web build's server sends COOP/COEP,
// renderer/vite.web.config.ts) and the machine has two cores; else one.
const isolated = (self as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
const spawnHelper = () => new Worker(new URL('./kernel-helper.ts', import.meta.url), { type: 'module', name: 'kernel-helper' });
installFastKernels(undefined, isolated && threadsWanted(navigator.hardwareConcurrency ?? 1) === 2 ? spawnHelper : undefined);
// A tab has no free-memory query: half the device memory the browser reports, at most the fixed cap.
const deviceGiB = (navigator as { deviceMemory?: number }).deviceMemory;
setMemoryBudget(() => Math.min(BROWSER_CAP_BYTES, deviceGiB ? (deviceGiB * 2 ** 30) / 2 : BROWSER_CAP_BYTES));

// The heartbeat is answered by a listener of its own; the service ignores host/ messages.
scope.addEventListener('message', (e) => {
  if (isHeartbeat(e.data, HOST_PING)) scope.postMessage(HOST_PONG, []);
});

// The page sends host/init first; the service then listens on the scope itself (no host code runs
// per message), from the next message on.
const init = (e: { data: unknown }) => {
  const data = e.data as { type?: unknown; modelsUrl?: unknown };
  if (data?.type !== 'host/init' || typeof data.modelsUrl !== 'string') return;
  scope.removeEventListener('message', init);
  startService({ port: eventPort(scope), bundled: fetchSource(new URL(data.modelsUrl), 'models') });
};
scope.addEventListener('message', init);
