// Hosts call this once at start: the engine's WebAssembly SIMD kernels where the runtime has them
// (Node, Electron, every current browser), else the reference kernels. Single-threaded here; the
// engine's optional helper thread needs a host worker factory and is not wired yet.
import { kernels, useBackend } from '../engine/kernels/backend';
import { createWasmBackend } from '../engine/kernels/wasm/backend';

/** Installs the fastest available kernel backend; returns its name for logs. */
export function installFastKernels(): string {
  const wasm = createWasmBackend();
  if (wasm) useBackend(wasm);
  return kernels().name;
}
