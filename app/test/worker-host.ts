// A Node worker-thread engine host for crash tests: the service over the worker's parentPort, the
// real engine, bundled models from the folder in workerData. Killed by the test mid-run.
import { parentPort, workerData } from 'node:worker_threads';
import { nodeFolderSource } from '../../engine/cli/node-files';
import { installFastKernels } from '../../engine/kernels/install';
import { nodePort } from '../../hosts/node';
import { startService } from '../service';

installFastKernels();
startService({
  port: nodePort(parentPort!),
  bundled: nodeFolderSource((workerData as { modelsDir: string }).modelsDir, 'models'),
});
