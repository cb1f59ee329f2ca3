// The hosts that compute (the CLI, the Electron utility process, the Web Worker, the crash tests'
// worker) call this once
// at start: the WASM SIMD kernels where the runtime has them (Node, Electron, every current browser;
// they meet the same 1e-4 parity as the reference, see engine/test/parity.test.ts), else the
// reference kernels. HYBRIDSCOPE_KERNELS=reference opts out, to compare a result with the reference.
// Single-threaded: the optional helper thread needs a host worker factory and is not wired yet.
import { kernels, useBackend } from './backend';
import { createWasmBackend } from './wasm/backend';

/** HYBRIDSCOPE_KERNELS from a Node-like host's environment, read through `globalThis` because the
 *  engine sees no Node types; a browser has no `process` and so no opt-out. */
function kernelsFromEnv(): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.HYBRIDSCOPE_KERNELS;
}

/** Installs the fastest available kernel backend unless `choice` is 'reference' or a backend other
 *  than the reference is already installed; returns the backend's name for logs. */
export function installFastKernels(choice = kernelsFromEnv()): string {
  if (choice !== 'reference' && kernels().name === 'reference') {
    const wasm = createWasmBackend();
    if (wasm) useBackend(wasm);
  }
  return kernels().name;
}
