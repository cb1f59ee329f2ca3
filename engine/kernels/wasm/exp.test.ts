import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from './backend';
import { instantiateKernels, compileKernels } from './loader';
import { availableFlavors } from './testing';

// Node 20 has relaxed SIMD behind a flag: on, so both builds are tested.
setFlagsFromString('--experimental-wasm-relaxed-simd');

describe.each(availableFlavors())('exp4 (%s build)', (flavor) => {
  it('is within 3e-7 relative of Math.exp over [-87, 88]', () => {
    const be = createWasmBackend({ prefer: flavor })!;
    const shared = typeof SharedArrayBuffer !== 'undefined' && be.arena.memory.buffer instanceof SharedArrayBuffer;
    const k = instantiateKernels(compileKernels(flavor, shared)!, be.arena.memory);
    const n = 40000;
    const x = be.arena.alloc(n * 4), y = be.arena.alloc(n * 4);
    const xs = new Float32Array(n).map((_, i) => -87 + (175 * i) / (n - 1));
    be.arena.f32().set(xs, x >> 2);
    k.expApprox(y, x, n);
    const ys = be.arena.f32().subarray(y >> 2, (y >> 2) + n);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(ys[i] / Math.exp(xs[i]) - 1));
    expect(worst).toBeLessThan(3e-7);
  });
});
