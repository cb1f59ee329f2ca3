// The kernels' second thread in Node hosts (the CLI, the desktop's utility process): the host's own
// entry file, started again as a worker_threads Worker that only serves the kernels. The entry calls
// serveIfKernelHelper() first and does nothing else when it returns true, so one bundled file is both.
// The worker is unref'd: a helper waiting in Atomics.wait never keeps the process alive.
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { threadsWanted } from '../kernels/install';
import { serveKernels } from '../kernels/wasm/helper';
import type { HelperPort } from '../kernels/wasm/threads';

const MARK = 'hybridscope kernel helper';

/** In a worker started by nodeKernelHelper: serves the kernels and returns true. */
export function serveIfKernelHelper(): boolean {
  if (isMainThread || workerData !== MARK || !parentPort) return false;
  parentPort.once('message', serveKernels);
  return true;
}

/** The helper factory for the entry file `entry` (its import.meta.url), or undefined where one
 *  thread is all the machine (or HYBRIDSCOPE_THREADS=1) allows. */
export function nodeKernelHelper(entry: string | URL): (() => HelperPort) | undefined {
  if (threadsWanted(availableParallelism()) < 2) return undefined;
  return () => {
    const worker = new Worker(new URL(entry), { workerData: MARK });
    worker.unref();
    // A helper that fails to start never reports ready and is never given work: one thread, no crash.
    worker.on('error', () => undefined);
    return worker;
  };
}
