// The CLI computes with the WASM SIMD kernels where the runtime has them (they meet the same 1e-4
// parity as the reference, see engine/test/parity.test.ts); HYBRIDSCOPE_KERNELS=reference opts out.
import { kernels, useBackend } from '../kernels/backend';
import { createWasmBackend } from '../kernels/wasm/backend';

export function installFastKernels(): string {
  if (process.env.HYBRIDSCOPE_KERNELS !== 'reference' && kernels().name === 'reference') {
    const wasm = createWasmBackend();
    if (wasm) useBackend(wasm);
  }
  return kernels().name;
}
