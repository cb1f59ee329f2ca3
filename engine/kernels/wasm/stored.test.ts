// The stored-precision matmul (stored.ts, assembly/stored.ts) against the reference: every bfloat16
// and every half widened exactly, odd shapes through both kernels (gemmStored, gemvStored), weights
// placed in the wasm memory and weights outside it (copied in by blocks of rows), one and two threads.
import { setFlagsFromString } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnNodeHelper, untilReady } from '../../../bench/helper-port';
import type { Weight16, WeightArray } from '../../tensor';
import { matmul, matmulRef } from '../matmul';
import { mamba2Scan } from '../scan';
import { halfToFloat } from '../widen';
import { createWasmBackend, type WasmBackend } from './backend';
import { availableFlavors, random, relErr } from './testing';

setFlagsFromString('--experimental-wasm-relaxed-simd');

/** `w` rounded to 16 bits (round to nearest even), as a checkpoint would store it. */
function to16(w: Float32Array, dtype: 'bf16' | 'f16'): Weight16 {
  const bits = new Uint16Array(w.length);
  const f = new Float32Array(1), u = new Uint32Array(f.buffer);
  for (let i = 0; i < w.length; i++) {
    f[0] = w[i];
    if (dtype === 'bf16') {
      bits[i] = (u[0] + 0x7fff + ((u[0] >>> 16) & 1)) >>> 16;
    } else {
      // nearest half by search over the sign's magnitudes (test-only, small arrays)
      bits[i] = nearestHalf(w[i]);
    }
  }
  return { dtype, bits };
}

function nearestHalf(v: number): number {
  const sign = v < 0 ? 0x8000 : 0;
  let lo = 0, hi = 0x7bff;
  const a = Math.abs(v);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (halfToFloat(mid) <= a) lo = mid;
    else hi = mid - 1;
  }
  const next = Math.min(lo + 1, 0x7bff);
  return sign | (a - halfToFloat(lo) <= halfToFloat(next) - a ? lo : next);
}

/** Every 16-bit pattern as one column of W: y = W · e_k returns each value widened, exactly. */
function allPatterns(be: WasmBackend, dtype: 'bf16' | 'f16', T: number): void {
  const In = 8, Out = 65536;
  const bits = new Uint16Array(In * Out);
  for (let o = 0; o < Out; o++) bits[o * In + 3] = o;
  const x = new Float32Array(T * In);
  for (let t = 0; t < T; t++) x[t * In + 3] = 1;
  const y = new Float32Array(T * Out);
  be.matmul(y, x, { dtype, bits }, T, In, Out);
  for (let t = 0; t < T; t++) {
    for (let o = 0; o < Out; o++) {
      const want = dtype === 'bf16' ? new Float32Array(new Uint32Array([o << 16]).buffer)[0] : halfToFloat(o);
      const got = y[t * Out + o];
      if (!(Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)) || (got === 0 && want === 0))) {
        throw new Error(`${dtype} ${o.toString(16)}: got ${got}, want ${want} (T=${T})`);
      }
    }
  }
}

const shapes: [number, number, number][] = [[1, 1, 1], [1, 7, 3], [3, 13, 9], [5, 17, 13], [1, 256, 1160], [67, 129, 250], [70, 1030, 37], [1, 1030, 37]];

describe.each(availableFlavors())('stored-precision matmul (%s build)', (flavor) => {
  // every matrix read as stored: placed in the shared memory, or (not shared) outside it
  const placed = createWasmBackend({ prefer: flavor, smallMatrixWeights: 0 })!;
  const outside = createWasmBackend({ prefer: flavor, smallMatrixWeights: 0, shared: false })!;

  it('widens every bfloat16 and every half exactly (gemm and gemv, placed and outside)', () => {
    for (const be of [placed, outside]) {
      for (const dtype of ['bf16', 'f16'] as const) {
        allPatterns(be, dtype, 1);
        allPatterns(be, dtype, 5);
      }
    }
  });

  it.each(shapes)('agrees with matmulRef on the same rounded weights at T=%i In=%i Out=%i', (T, In, Out) => {
    const x = random(T * In, T + In);
    const w32 = random(In * Out, Out, 0.2);
    // subnormal halves and tiny bfloat16s among them
    w32[0] = 3e-6;
    if (w32.length > 2) w32[2] = -(2 ** -20);
    const bias = random(Out, 9);
    for (const w of [w32, to16(w32, 'bf16'), to16(w32, 'f16')] as WeightArray[]) {
      const want = new Float32Array(T * Out), got = new Float32Array(T * Out);
      matmulRef(want, x, w, T, In, Out, bias);
      for (const be of [placed, outside]) {
        const stored = placeLike(be, w);
        be.matmul(got, x, stored, T, In, Out, bias);
        expect(relErr(got, want)).toBeLessThan(1e-6);
        // relu² fused as for packed weights
        matmul(want, x, w, T, In, Out, bias, 'relu2');
        be.matmul(got, x, stored, T, In, Out, bias, 'relu2');
        expect(relErr(got, want)).toBeLessThan(2e-6);
        matmulRef(want, x, w, T, In, Out, bias);
      }
    }
  });

  it('gives the bits of the packed float32 path for the same values when prefilling', () => {
    const [T, In, Out] = [70, 600, 40];
    const x = random(T * In, 1);
    const w = to16(random(In * Out, 2, 0.2), 'bf16');
    const packed = createWasmBackend({ prefer: flavor })!;
    const a = new Float32Array(T * Out), b = new Float32Array(T * Out);
    packed.matmul(a, x, w, T, In, Out);
    placed.matmul(b, x, placeLike(placed, w), T, In, Out);
    expect(Array.from(b)).toEqual(Array.from(a));
  });
});

/** `w` copied into the storage the backend's loader would get (placed when it is shared). */
function placeLike(be: WasmBackend, w: WeightArray): WeightArray {
  const values = w instanceof Float32Array ? w : w.bits;
  const kind = w instanceof Float32Array ? 'f32' : 'u16';
  const at = be.placeWeights?.(kind, values.length);
  if (!at) return w;
  at.set(values);
  return w instanceof Float32Array ? (at as Float32Array) : { dtype: w.dtype, bits: at as Uint16Array };
}

describe('placing weights in the wasm memory', () => {
  it('places matrices up to the limit, keeps the rest outside, and multiplies both alike', () => {
    const be = createWasmBackend({ smallMatrixWeights: 0, placeLimitBytes: 4 * 2 ** 20 })!;
    const [In, Out] = [512, 1024]; // 1 MB of bf16 each: two fit under 4 MB, the fourth does not
    const ws = [1, 2, 3, 4].map((s) => to16(random(In * Out, s, 0.1), 'bf16'));
    const kept = ws.map((w) => placeLike(be, w));
    const placed = kept.map((w) => (w as Weight16).bits.buffer instanceof SharedArrayBuffer);
    expect(placed.slice(0, 2)).toEqual([true, true]);
    expect(placed[3]).toBe(false);
    expect(be.placeWeights!('u16', 2 ** 31)).toBeUndefined(); // 4 GiB more: refused without allocating
    for (const T of [1, 9]) {
      const x = random(T * In, T);
      for (let i = 0; i < ws.length; i++) {
        const want = new Float32Array(T * Out), got = new Float32Array(T * Out);
        matmulRef(want, x, ws[i], T, In, Out);
        be.matmul(got, x, kept[i], T, In, Out);
        expect(relErr(got, want)).toBeLessThan(1e-6);
      }
    }
  });
});

describe('SSM states placed in the wasm memory', () => {
  it('are scanned in place, as the reference scans a float64 state, over a prefill and single steps', () => {
    const be = createWasmBackend()!;
    const [H, P, N] = [8, 64, 128]; // 65,536 values: large enough to be placed
    const placed = be.placeState!(H * P * N)!;
    expect(placed.buffer).toBeInstanceOf(SharedArrayBuffer); // a view of the wasm memory
    expect(placed.every((v) => v === 0)).toBe(true);
    expect(be.placeState!(1000)).toBeUndefined(); // small states stay plain arrays
    const ref = new Float64Array(H * P * N);
    const A = Float64Array.from(random(H, 3), (v) => -Math.exp(v)), D = random(H, 6);
    for (const [T, seed] of [[5, 1], [1, 2], [1, 3], [7, 4]]) {
      const x = random(T * H * P, seed), dt = random(T * H, seed + 10).map((v) => 0.05 + 0.2 * Math.abs(v));
      const B = random(T * N, seed + 20), C = random(T * N, seed + 30);
      const want = new Float32Array(T * H * P), got = new Float32Array(T * H * P);
      mamba2Scan(want, ref, x, dt, A, B, C, D, T, H, P, N, 1);
      be.mamba2Scan(got, placed, x, dt, A, B, C, D, T, H, P, N, 1);
      expect(relErr(got, want)).toBeLessThan(1e-5);
      expect(relErr(placed, ref)).toBeLessThan(1e-5);
    }
  });
});

describe('stored-precision matmul on two threads', () => {
  const be = createWasmBackend({ spawnHelper: spawnNodeHelper, smallMatrixWeights: 0 })!;
  afterAll(() => be.dispose());

  it('starts the helper thread', async () => {
    expect(await untilReady(() => be.threads() === 2)).toBe(true);
  });

  it.each([[130, 256, 1160], [1, 512, 1000], [999, 64, 24]])('agrees with matmulRef at T=%i In=%i Out=%i', (T, In, Out) => {
    const x = random(T * In, 1);
    const w = to16(random(In * Out, 2, 0.2), 'bf16');
    const want = new Float32Array(T * Out), got = new Float32Array(T * Out);
    matmulRef(want, x, w, T, In, Out);
    be.matmul(got, x, placeLike(be, w), T, In, Out);
    expect(relErr(got, want)).toBeLessThan(1e-6);
  });

  it.each([[70, 600, 1000], [3, 600, 1000], [130, 2048, 300]])('gives the bits of the one-thread packed path at T=%i In=%i Out=%i (bands of columns on both threads)', (T, In, Out) => {
    const x = random(T * In, 3);
    const w = to16(random(In * Out, 4, 0.2), 'bf16');
    const packed = createWasmBackend()!;
    const a = new Float32Array(T * Out), b = new Float32Array(T * Out);
    packed.matmul(a, x, w, T, In, Out);
    be.matmul(b, x, placeLike(be, w), T, In, Out);
    expect(Array.from(b)).toEqual(Array.from(a));
  });
});
