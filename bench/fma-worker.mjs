// One thread of bench/fma.ts: instantiates the FMA-loop module it is sent, then times fmaLoop(n)
// each time it is asked. `ctrl` (Int32Array on a SharedArrayBuffer): [0] threads arrived, [1]
// threads expected; every thread of a measurement starts once all have arrived, so two threads run
// the loop at the same time. Times are absolute (timeOrigin + now) so the caller can take the wall
// time from the first start to the last end.
import { parentPort } from 'node:worker_threads';

let loop = null;
let ctrl = null;
parentPort.on('message', (m) => {
  if (m.module) {
    loop = new WebAssembly.Instance(m.module, {}).exports.fmaLoop;
    ctrl = new Int32Array(m.ctrl);
    // V8 moves a wasm function to its optimizing tier between calls: many short calls first
    for (let i = 0; i < 300; i++) loop(1000, 0.5, 1);
    parentPort.postMessage({ ready: true });
    return;
  }
  Atomics.add(ctrl, 0, 1);
  while (Atomics.load(ctrl, 0) < Atomics.load(ctrl, 1)); // spin: the other thread is about to arrive
  const t0 = performance.timeOrigin + performance.now();
  const sum = loop(m.n, 0.5, 1);
  const t1 = performance.timeOrigin + performance.now();
  parentPort.postMessage({ t0, t1, sum });
});
