import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { availableFlavors, kernelsOf } from './testing';

// Node 20 has relaxed SIMD behind a flag: on, so both builds are tested.
setFlagsFromString('--experimental-wasm-relaxed-simd');

describe.each(availableFlavors())('exp4 (%s build)', (flavor) => {
  it('is within 3e-7 relative of Math.exp over [-87, 88]', () => {
    const { be, k } = kernelsOf(flavor);
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

describe.each(availableFlavors())('exp2Masked, the softmax\'s (%s build)', (flavor) => {
  it('is within 3e-7 relative of 2^x from the softmax floor (e^-40) to 0', () => {
    const { be, k } = kernelsOf(flavor);
    const n = 40000;
    const floor = -40 * Math.LOG2E;
    const x = be.arena.alloc(n * 4), y = be.arena.alloc(n * 4);
    // the range the softmax keeps, up to a little above 0 (rounding of s·c − m·c)
    const xs = new Float32Array(n).map((_, i) => floor + ((0.001 - floor) * i) / (n - 1));
    be.arena.f32().set(xs, x >> 2);
    k.exp2Approx(y, x, n);
    const ys = be.arena.f32().subarray(y >> 2, (y >> 2) + n);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(ys[i] / 2 ** xs[i] - 1));
    expect(worst).toBeLessThan(3e-7);
  });

  it('gives exact zeros in softmaxRows below the floor, where 2^x itself is garbage (Inf at 2^-128)', () => {
    const { be, k } = kernelsOf(flavor);
    // scaling 1: a score s sits at (s − max)·log2(e) in log2 units; -128 makes the exponent bits all ones
    const far = [-128, -129, -1000, -3e4, -1e30].map((l2) => l2 / Math.LOG2E);
    const row = [0, -1, ...far, -0.5, ...far, -2]; // 15 scores: the vector loop and the scalar tail both see far ones
    const at = be.arena.alloc(16 * 4);
    be.arena.f32().set([...row, 123], at >> 2);
    k.softmaxRows(at, 1, 16, row.length, 16, 1);
    const p = Array.from(be.arena.f32().subarray(at >> 2, (at >> 2) + 16));
    const kept = [0, -1, -0.5, -2].map(Math.exp);
    const sum = kept.reduce((a, b) => a + b, 0);
    row.forEach((s, i) => {
      if (far.some((f) => Math.fround(f) === Math.fround(s))) expect(p[i]).toBe(0);
      else expect(p[i]).toBeCloseTo(Math.exp(s) / sum, 6);
    });
    expect(p[15]).toBe(0); // past the row's length: the causal mask
  });
});

describe.each(availableFlavors())('exp2Clamped, the Mamba-1 scan\'s decay (%s build)', (flavor) => {
  it('is within 3e-7 relative of 2^x over [-126, 0] and clamps beyond it', () => {
    const { be, k } = kernelsOf(flavor);
    const n = 40000;
    const x = be.arena.alloc(n * 4), y = be.arena.alloc(n * 4);
    const xs = new Float32Array(n).map((_, i) => (i < n - 4 ? (-126 * i) / (n - 5) : [-200, -1e30, 200, 1e30][i - n + 4]));
    be.arena.f32().set(xs, x >> 2);
    k.exp2ClampedApprox(y, x, n);
    const ys = be.arena.f32().subarray(y >> 2, (y >> 2) + n);
    let worst = 0;
    for (let i = 0; i < n - 4; i++) worst = Math.max(worst, Math.abs(ys[i] / 2 ** xs[i] - 1));
    expect(worst).toBeLessThan(3e-7);
    expect(Array.from(ys.subarray(n - 4)).map((v) => Math.log2(v))).toEqual([-126, -126, 127, 127].map((e) => expect.closeTo(e, 5)));
  });
});
