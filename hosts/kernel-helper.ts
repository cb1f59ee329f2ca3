// The kernels' second thread in the web build: a Worker nested in the engine's Worker (worker.ts),
// started only where the page is cross-origin isolated (SharedArrayBuffer). Its first message is the
// kernels' shared memory and module.
import { serveKernels } from '../engine';

self.onmessage = (e: MessageEvent) => serveKernels(e.data);
