// spawnHelper for Node hosts: a worker_threads Worker running bench/helper-node.mjs, unref'd so a
// helper blocked in Atomics.wait never keeps the process alive.
import { Worker } from 'node:worker_threads';
import type { HelperPort } from '../engine/kernels/wasm/threads';

export function spawnNodeHelper(): HelperPort {
  const worker = new Worker(new URL('./helper-node.mjs', import.meta.url));
  worker.unref();
  return worker;
}

/** Resolves once `ready()` is true (the helper has compiled and warmed up), or after `ms`. */
export async function untilReady(ready: () => boolean, ms = 10_000): Promise<boolean> {
  const t0 = Date.now();
  while (!ready() && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 10));
  return ready();
}
