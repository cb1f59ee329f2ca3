// Electron utility process host (the desktop app): the app/ engine service, spawned and supervised
// by main/engine-supervisor.ts, built to out/main/engine-host.js. main sends it
//   { type: 'port' } with a MessagePortMain — a direct channel to the window (one service per port;
//     a reloaded window gets a fresh one),
//   { type: 'grant', token, path } — a folder the user picked, readable from now on under `token`, and
//   HOST_PING — main's watchdog heartbeat (app/watchdog.ts), answered between layers and tokens, so a
//     wedged host goes silent.
// Bundled models come from the folder named by `--models <dir>`. Started again as a worker, this file
// is the kernels' second thread (engine/cli/node-helper.ts).
/// <reference types="electron" /> (process.parentPort)
import { emitterPort } from '../app/ports';
import { startService } from '../app/service';
import { HOST_PING, HOST_PONG, isHeartbeat } from '../app/watchdog';
import { availableMemory, nodeFolderSource, nodeKernelHelper, serveIfKernelHelper } from '../engine/cli/node';
import { installFastKernels, setMemoryBudget, type FileSource } from '../engine';

function host(): void {
  const at = process.argv.indexOf('--models');
  const modelsDir = at >= 0 ? process.argv[at + 1] : '';
  const bundled = nodeFolderSource(modelsDir, 'models');
  const folders = new Map<string, FileSource>();
  installFastKernels(undefined, nodeKernelHelper(import.meta.url));
  // Models and prompts that would not fit in the memory this process can still get (cgroup limits
  // included) are refused before loading.
  setMemoryBudget(() => availableMemory());

  process.parentPort.on('message', (e) => {
    const msg = e.data as { type?: unknown; token?: unknown; path?: unknown };
    if (msg?.type === 'port' && e.ports.length === 1) {
      const port = e.ports[0];
      const service = startService({ port: emitterPort(port), bundled, resolveFolder: (t) => folders.get(t) });
      // A reloaded or closed window closes its port: release that service's run and model.
      port.on('close', () => service.dispose());
    } else if (isHeartbeat(msg, HOST_PING)) {
      process.parentPort.postMessage(HOST_PONG);
    } else if (msg?.type === 'grant' && typeof msg.token === 'string' && typeof msg.path === 'string') {
      folders.set(msg.token, nodeFolderSource(msg.path));
    }
  });
}

if (!serveIfKernelHelper()) host();
