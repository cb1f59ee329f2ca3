// The Node worker that runs the wasm kernels' second thread (engine/kernels/wasm/helper.ts) for the
// bench and the tests. Other hosts write their own few lines: the Electron utility process can use
// this file's pattern with its bundled helper; a browser Web Worker does
//   self.onmessage = (e) => serveKernels(e.data)
import { register } from 'tsx/esm/api';

register();
const { parentPort } = await import('node:worker_threads');
const { serveKernels } = await import('../engine/kernels/wasm/helper.ts');
parentPort.once('message', serveKernels);
