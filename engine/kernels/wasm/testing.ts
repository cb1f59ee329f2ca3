// Shared helpers of the wasm kernel tests and the bench.
import { createWasmBackend } from './backend';
import type { WasmFlavor } from './loader';
import { compileKernels, instantiateKernels, pickBuild } from './loader';

/**
 * The builds this runtime accepts: always 'simd', and 'relaxed' where validated. Node 20 (V8 11.3)
 * has relaxed SIMD behind a flag that the tests turn on (Electron and current browsers ship it).
 */
export function availableFlavors(): WasmFlavor[] {
  return pickBuild('relaxed')?.flavor === 'relaxed' ? ['relaxed', 'simd'] : ['simd'];
}

/** A backend's memory and the kernel module of `flavor` on it, exports the backend does not wrap included. */
export function kernelsOf(flavor: WasmFlavor) {
  const be = createWasmBackend({ prefer: flavor })!;
  const shared = typeof SharedArrayBuffer !== 'undefined' && be.arena.memory.buffer instanceof SharedArrayBuffer;
  return { be, k: instantiateKernels(compileKernels(flavor, shared)!, be.arena.memory) };
}

/** Deterministic uniform values in [-scale, scale) (mulberry32). */
export function random(n: number, seed: number, scale = 1): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

/** ‖a − b‖ / ‖b‖ over the first b.length values. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / (den || 1));
}
