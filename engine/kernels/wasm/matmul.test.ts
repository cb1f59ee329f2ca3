import { setFlagsFromString } from 'node:v8';
import { describe, expect, it, vi } from 'vitest';
import { matmul, matmulRef } from '../matmul';
import { createWasmBackend } from './backend';
import { availableFlavors, random, relErr } from './testing';

// Node 20 has relaxed SIMD behind a flag: on, so both builds are tested.
setFlagsFromString('--experimental-wasm-relaxed-simd');

// Shapes include odd sizes that are not multiples of the 4 × 8 tile, T = 1 (the GEMV path) and the
// a model size (d_model 256, a state-64 Mamba-2 in_proj of 1160 rows).
const shapes: [number, number, number][] = [
  [1, 1, 1], [1, 7, 3], [3, 5, 9], [5, 17, 13], [4, 8, 8], [13, 33, 31], [64, 256, 1160], [1, 256, 1160],
  [67, 129, 250], [130, 64, 8], [2, 1000, 17],
  // In > 256: k in blocks, partial sums added into y (also with a partial last panel)
  [9, 600, 13], [70, 1024, 256], [6, 1030, 9],
];

describe.each(availableFlavors())('wasm matmul (%s build)', (flavor) => {
  const be = createWasmBackend({ prefer: flavor })!;

  it('loads the requested build', () => {
    expect(be.flavor).toBe(flavor);
  });

  it.each(shapes)('agrees with matmulRef at T=%i In=%i Out=%i within 1e-6', (T, In, Out) => {
    const x = random(T * In, T * 1000 + In);
    const w = random(In * Out, Out, 0.2);
    const bias = random(Out, 7);
    const want = new Float32Array(T * Out);
    const got = new Float32Array(T * Out);
    matmulRef(want, x, w, T, In, Out, bias);
    be.matmul(got, x, w, T, In, Out, bias);
    expect(relErr(got, want)).toBeLessThan(1e-6);
    matmulRef(want, x, w, T, In, Out);
    be.matmul(got, x, w, T, In, Out);
    expect(relErr(got, want)).toBeLessThan(1e-6);
    // the fused relu² against the reference's (which computes the product, then squares)
    matmul(want, x, w, T, In, Out, bias, 'relu2');
    be.matmul(got, x, w, T, In, Out, bias, 'relu2');
    expect(relErr(got, want)).toBeLessThan(2e-6);
    expect(want.every((v) => v >= 0)).toBe(true);
    // the fused softplus against the reference's, and against the product then the softplus kernel
    matmul(want, x, w, T, In, Out, bias, 'softplus');
    be.matmul(got, x, w, T, In, Out, bias, 'softplus');
    expect(relErr(got, want)).toBeLessThan(2e-6);
    const apart = new Float32Array(T * Out);
    be.matmul(apart, x, w, T, In, Out, bias);
    be.softplus(apart, T * Out);
    expect(got).toEqual(apart);
  });

  it.each([[256, 1160], [512, 256], [7, 13], [33, 8]])(
    'decodes (T = 1) with exactly-bfloat16 weights through their half-size copy, like matmulRef, at In=%i Out=%i',
    (In, Out) => {
      const w = random(In * Out, In + Out, 0.2);
      const bits = new Uint32Array(w.buffer);
      for (let i = 0; i < bits.length; i++) bits[i] &= 0xffff0000; // bfloat16 values, as the bundled checkpoints
      const x = random(In, 3), bias = random(Out, 4);
      const want = new Float32Array(Out), got = new Float32Array(Out);
      matmulRef(want, x, w, 1, In, Out, bias);
      be.matmul(got, x, w, 1, In, Out, bias);
      expect(relErr(got, want)).toBeLessThan(1e-6);
      // a weight with low bits set is not bfloat16: it must not go through the truncated copy
      const w2 = w.slice();
      w2[w2.length >> 1] += 1e-4;
      matmulRef(want, x, w2, 1, In, Out);
      be.matmul(got, x, w2, 1, In, Out);
      expect(relErr(got, want)).toBeLessThan(1e-6);
      expect(Math.abs(got[Math.floor((w2.length >> 1) / In)] - want[Math.floor((w2.length >> 1) / In)])).toBeLessThan(1e-5);
    },
  );

  it('packs a weight once, finds it again through a subarray view, and repacks when it changes', () => {
    const In = 24, Out = 40, T = 3;
    const w = random(In * Out, 1);
    const x = random(T * In, 2);
    const got = new Float32Array(T * Out);
    const want = new Float32Array(T * Out);
    be.matmul(got, x, w, T, In, Out);
    const used = be.arena.used;
    be.matmul(got, x, w.subarray(0), T, In, Out);
    expect(be.arena.used).toBe(used);
    w[0] += 1;
    be.matmul(got, x, w, T, In, Out);
    matmulRef(want, x, w, T, In, Out);
    expect(relErr(got, want)).toBeLessThan(1e-6);
    expect(be.arena.used).toBe(used);
    be.weights.forget(w);
    expect(be.arena.used).toBeLessThan(used);
  });
});

describe('working arrays placed in the wasm memory', () => {
  const be = createWasmBackend({ shared: true })!;

  it('are read and written where they lie: the same bits as plain arrays, no block left behind', () => {
    const [T, In, Out] = [37, 64, 40];
    const w = random(In * Out, 3, 0.2);
    const bias = random(Out, 4);
    const plainX = random(T * In, 5);
    const want = new Float32Array(T * Out);
    be.matmul(want, plainX, w, T, In, Out, bias, 'softplus');
    const x = be.placeWorking!(T * In)!;
    const y = be.placeWorking!(T * Out)!;
    expect(x.buffer).toBe(be.arena.memory.buffer);
    x.set(plainX);
    const used = be.arena.used;
    const put = vi.spyOn(be.arena, 'put');
    const get = vi.spyOn(be.arena, 'get');
    be.matmul(y, x, w, T, In, Out, bias, 'softplus');
    expect(y).toEqual(want);
    expect(put).not.toHaveBeenCalled();
    expect(get).not.toHaveBeenCalled();
    expect(be.arena.used).toBe(used);
    put.mockRestore();
    get.mockRestore();
    // in place on a placed array (siluGate's y), and a plain output of a placed input
    const z = random(T * Out, 6);
    const gated = Float32Array.from(want);
    be.siluGate(gated, z, 0, Out, T, Out);
    be.siluGate(y, z, 0, Out, T, Out);
    expect(y).toEqual(gated);
    const out = new Float32Array(T * Out);
    be.matmul(out, x, w, T, In, Out, bias, 'softplus');
    expect(out).toEqual(want);
    // a placed z read in its rows of stride 2·Out at column Out (Mamba-1's x | z), gated norm too
    const xz = be.placeWorking!(T * 2 * Out)!;
    for (let t = 0; t < T; t++) xz.set(z.subarray(t * Out, (t + 1) * Out), t * 2 * Out + Out);
    const viaPlaced = Float32Array.from(want);
    be.siluGate(viaPlaced, xz, Out, 2 * Out, T, Out);
    expect(viaPlaced).toEqual(gated);
    const normW = random(Out, 7);
    const normed = [Float32Array.from(want), Float32Array.from(want)];
    be.gatedRmsnorm(normed[0], z, 0, Out, normW, T, Out, 1e-5, 8);
    be.gatedRmsnorm(normed[1], xz, Out, 2 * Out, normW, T, Out, 1e-5, 8);
    expect(normed[1]).toEqual(normed[0]);
    const held = be.arena.used; // with the norm weight's resident copy
    be.freeWorking!(xz);
    be.freeWorking!(x);
    be.freeWorking!(y);
    const block = (n: number) => Math.ceil((4 * n) / 64) * 64; // the arena's 64-byte blocks
    expect(be.arena.used).toBe(held - block(T * In) - block(T * Out) - block(T * 2 * Out));
  });

  it('are plain arrays where the memory is not shared', () => {
    expect(createWasmBackend({ shared: false })!.placeWorking!(16)).toBeUndefined();
  });
});
