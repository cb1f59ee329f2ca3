// The hosts that compute (the CLI, the Electron utility process, the Web Worker, the crash tests'
// worker) call this once
// at start: the WASM SIMD kernels where the runtime has them (Node, Electron, every current browser;
// they meet the same 1e-4 parity as the reference, see engine/test/parity.test.ts), else the
// reference kernels. HYBRIDSCOPE_KERNELS=reference opts out, to compare a result with the reference.
// A host that can start a worker passes its factory (`spawnHelper`): the kernels then run on two
// threads once the helper has compiled and warmed up (the CLI and the desktop host: a worker_threads
// Worker, engine/cli/node-helper.ts; the web build: a nested Worker when the page is cross-origin
// isolated, hosts/kernel-helper.ts). HYBRIDSCOPE_THREADS=1 keeps one thread.
import { kernels, useBackend } from './backend';
import { createWasmBackend } from './wasm/backend';
import type { HelperPort } from './wasm/threads';

/** HYBRIDSCOPE_KERNELS from a Node-like host's environment, read through `globalThis` because the
 *  engine sees no Node types; a browser has no `process` and so no opt-out. */
const env = (name: string): string | undefined => (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
function kernelsFromEnv(): string | undefined {
  return env('HYBRIDSCOPE_KERNELS');
}

/** The threads the kernels may use: 2 where the host has two cores or more (the kernels use at most
 *  one helper), unless HYBRIDSCOPE_THREADS=1. */
export function threadsWanted(cores: number): 1 | 2 {
  return env('HYBRIDSCOPE_THREADS') === '1' || cores < 2 ? 1 : 2;
}

/** Installs the fastest available kernel backend unless `choice` is 'reference' or a backend other
 *  than the reference is already installed; returns the backend's name for logs. With `spawnHelper`,
 *  a second kernel thread. */
export function installFastKernels(choice = kernelsFromEnv(), spawnHelper?: () => HelperPort): string {
  if (choice !== 'reference' && kernels().name === 'reference') {
    threadsAsked = spawnHelper ? 2 : 1;
    let wasm;
    try {
      wasm = createWasmBackend(spawnHelper ? { spawnHelper } : {});
    } catch {
      wasm = createWasmBackend(); // the host could not start a worker: one thread
    }
    if (wasm) useBackend(wasm);
  }
  return kernels().name;
}

let threadsAsked = 1;

/** Resolves once the second kernel thread asked for has compiled and warmed up (~0.1 s after
 *  installFastKernels on a quiet machine), or after `ms`; at once when one thread was asked for. */
export async function kernelThreadsReady(ms = 5000): Promise<void> {
  // every host has setTimeout; the engine is compiled without the DOM's or Node's types
  const later = (globalThis as unknown as { setTimeout(f: () => void, ms: number): unknown }).setTimeout;
  for (const t0 = Date.now(); (kernels().threads?.() ?? 1) < threadsAsked && Date.now() - t0 < ms;) await new Promise<void>((r) => void later(r, 10));
}

/** The kernels in use, for a host to show: 'wasm-simd · 2 threads'. */
export function kernelsInUse(): string {
  const k = kernels();
  const n = k.threads?.() ?? 1;
  return `${k.name} · ${n} thread${n === 1 ? '' : 's'}`;
}
