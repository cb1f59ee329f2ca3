// The engine's second kernel thread in the browser: the nested Worker engine-worker.ts spawns, the
// browser twin of bench/helper-node.mjs. Its first message is the kernels' shared memory and module.
import { serveKernels } from '../../engine/kernels/wasm/helper';

self.onmessage = (e: MessageEvent) => serveKernels(e.data);
