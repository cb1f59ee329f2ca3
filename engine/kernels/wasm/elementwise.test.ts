import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { siluGate, softplusInPlace } from '../activations';
import { conv1dCausal } from '../conv1d';
import { gatedRmsnorm, rmsnorm } from '../rmsnorm';
import { residualAdd } from '../residual';
import { rope } from '../rope';
import { createWasmBackend } from './backend';
import { availableFlavors, random, relErr } from './testing';

// Node 20 has relaxed SIMD behind a flag: on, so both builds are tested.
setFlagsFromString('--experimental-wasm-relaxed-simd');

describe.each(availableFlavors())('wasm conv1d and rmsnorm (%s build)', (flavor) => {
  const be = createWasmBackend({ prefer: flavor })!;

  it.each([[1, 4, 4], [7, 12, 4], [300, 640, 4], [2, 8, 3], [5, 6, 4]])(
    'conv1dCausal agrees with the reference at T=%i C=%i K=%i, history carried over two calls',
    (T, C, K) => {
      const x = random(2 * T * C, 1), w = random(C * K, 2), bias = random(C, 3);
      const run = (conv: typeof conv1dCausal, withBias: boolean) => {
        const out = new Float32Array(2 * T * C), history = random((K - 1) * C, 4);
        conv(out, x, history, w, withBias ? bias : undefined, T, C, K);
        conv(out.subarray(T * C), x.subarray(T * C), history, w, withBias ? bias : undefined, T, C, K);
        return [out, history];
      };
      for (const withBias of [true, false]) {
        const want = run(conv1dCausal, withBias), got = run(be.conv1dCausal, withBias);
        expect(relErr(got[0], want[0])).toBeLessThan(1e-6);
        expect(relErr(got[1], want[1])).toBeLessThan(1e-6);
      }
      // fused silu: same as the reference's silu after the conv
      const out = new Float32Array(T * C), want = new Float32Array(T * C);
      conv1dCausal(want, x, random((K - 1) * C, 4), w, bias, T, C, K, 'silu');
      be.conv1dCausal(out, x, random((K - 1) * C, 4), w, bias, T, C, K, 'silu');
      expect(relErr(out, want)).toBeLessThan(1e-6);
      expect(out.reduce((m, v) => Math.min(m, v))).toBeGreaterThan(-0.279); // silu was applied: its minimum is -0.2785
      // x read in rows of a wider array (stride C + 5, at column 3), plain and placed in the memory:
      // the same bits as the packed rows, history included, on both backends
      const S = C + 5;
      const wide = random(T * S, 7);
      const packed = new Float32Array(T * C);
      for (let t = 0; t < T; t++) packed.set(wide.subarray(t * S + 3, t * S + 3 + C), t * C);
      const placed = be.placeWorking?.(T * S);
      placed?.set(wide);
      for (const conv of [conv1dCausal, be.conv1dCausal]) {
        const h0 = random((K - 1) * C, 8), h1 = h0.slice(), h2 = h0.slice();
        const a = new Float32Array(T * C), b = new Float32Array(T * C), c = new Float32Array(T * C);
        conv(a, packed, h0, w, bias, T, C, K, 'silu');
        conv(b, wide.subarray(3), h1, w, bias, T, C, K, 'silu', S);
        expect(b).toEqual(a);
        expect(h1).toEqual(h0);
        if (!placed) continue;
        conv(c, placed.subarray(3), h2, w, bias, T, C, K, 'silu', S);
        expect(c).toEqual(a);
        expect(h2).toEqual(h0);
      }
      if (placed) be.freeWorking!(placed);
    },
  );

  it.each([[1, 4, 4], [9, 256, 256], [3, 512, 64], [4, 6, 6]])('rmsnorm agrees with the reference at T=%i D=%i groups of %i, in place too', (T, D, g) => {
    const x = random(T * D, 5, 3), w = random(D, 6);
    const want = new Float32Array(T * D), got = new Float32Array(T * D);
    rmsnorm(want, x, w, T, D, 1e-5, g);
    be.rmsnorm(got, x, w, T, D, 1e-5, g);
    expect(relErr(got, want)).toBeLessThan(1e-6);
    const inPlace = x.slice();
    be.rmsnorm(inPlace, inPlace, w, T, D, 1e-5, g);
    expect(relErr(inPlace, want)).toBeLessThan(1e-6);
  });

  it.each([[1, 8, 0, 8], [5, 12, 4, 24], [300, 512, 1024, 1672], [3, 6, 1, 9]])(
    'siluGate and gatedRmsnorm agree with the reference at T=%i I=%i, z at offset %i of rows of %i',
    (T, I, zOffset, zStride) => {
      const y = random(T * I, 7, 2), z = random(T * zStride, 8, 4), w = random(I, 9);
      const want = y.slice(), got = y.slice();
      siluGate(want, z, zOffset, zStride, T, I);
      be.siluGate(got, z, zOffset, zStride, T, I);
      expect(relErr(got, want)).toBeLessThan(1e-6);
      for (const g of [I, I / 2]) {
        const wantN = y.slice(), gotN = y.slice();
        gatedRmsnorm(wantN, z, zOffset, zStride, w, T, I, 1e-5, g);
        be.gatedRmsnorm(gotN, z, zOffset, zStride, w, T, I, 1e-5, g);
        expect(relErr(gotN, wantN)).toBeLessThan(1e-6);
      }
    },
  );
});

describe.each(availableFlavors())('wasm softplus (%s build)', (flavor) => {
  const be = createWasmBackend({ prefer: flavor })!;

  it('is within 4 float32 ulps of float64 softplus over [-87, 40], the tail of an odd length included', () => {
    const n = 50_001;
    const x = Float32Array.from({ length: n }, (_, i) => -87 + (127 * i) / (n - 1));
    const got = x.slice();
    be.softplus(got, n);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const want = Math.fround(x[i] > 20 ? x[i] : Math.log1p(Math.exp(x[i])));
      worst = Math.max(worst, Math.abs(got[i] - want) / Math.abs(want));
    }
    expect(worst).toBeLessThan(4 * 2 ** -23);
    const edge = Float32Array.of(20, 20.5, -1e-7, 0, 1e-7, 1e-30, -30);
    const want = edge.map((v) => (v > 20 ? v : Math.log1p(Math.exp(v))));
    be.softplus(edge, edge.length);
    expect(relErr(edge, want)).toBeLessThan(4 * 2 ** -23);
  });

  it('leaves the floats past n alone, like the reference', () => {
    const x = random(10, 7), ref = x.slice();
    be.softplus(x, 6);
    softplusInPlace(ref, 6);
    expect(relErr(x, ref)).toBeLessThan(1e-6);
    expect(x.subarray(6)).toEqual(ref.subarray(6));
  });
});

describe.each(availableFlavors())('wasm residualAdd (%s build)', (flavor) => {
  const be = createWasmBackend({ prefer: flavor })!;

  // the same bits as the reference: the add is float32 either way, the norms' float64 sums in one order
  // (D = 6 is not a multiple of 4: the backend hands it to the reference, which this case checks it does)
  it.each([[1, 4], [7, 12], [300, 256], [3, 6]])('matches the reference bit for bit at T=%i D=%i', (T, D) => {
    const y = random(T * D, 2, 3);
    const run = (add: typeof residualAdd) => {
      const x = random(T * D, 1), yn = new Float32Array(T), xn = new Float32Array(T);
      add(x, y, T, D, yn, xn);
      return { x, yn, xn };
    };
    const want = run(residualAdd), got = run(be.residualAdd);
    expect(got).toEqual(want);
    expect(want.yn[0]).toBeCloseTo(Math.hypot(...y.subarray(0, D)), 4);
  });
});

describe.each(availableFlavors())('wasm rope (%s build)', (flavor) => {
  const be = createWasmBackend({ prefer: flavor })!;

  // half = hd/2, a partial rotary (channels past 2·half pass through) and an odd half (handed to the
  // reference: that case checks the hand-over, not the wasm kernel)
  it.each([[5, 4, 64, 32], [3, 2, 16, 4], [2, 1, 6, 3]])('matches the reference bit for bit at T=%i heads=%i hd=%i half=%i', (T, heads, hd, half) => {
    const angles = random(T * half, 3, 4);
    const cos = angles.map(Math.cos), sin = angles.map(Math.sin);
    const run = (turn: typeof rope) => {
      const x = random(T * heads * hd, 1, 2);
      turn(x, cos, sin, T, heads, hd, half);
      return x;
    };
    const want = run(rope);
    expect(run(be.rope)).toEqual(want);
    expect(want).not.toEqual(random(T * heads * hd, 1, 2));
  });
});
