// A Node worker-thread engine host for crash tests: the service over the worker's parentPort, the
// real engine, bundled models from the folder in workerData. Killed by the test mid-run.
import { parentPort, workerData } from 'node:worker_threads';
import { nodeFolderSource } from '../../main/node-files';
import { installFastKernels } from '../kernels';
import { startService } from '../service';

const port = parentPort!;
installFastKernels();
startService({
  port: { postMessage: (m, t) => port.postMessage(m, t), onMessage: (h) => port.on('message', h) },
  bundled: nodeFolderSource((workerData as { modelsDir: string }).modelsDir, 'models'),
});
