import { describe, expect, it } from 'vitest';
import { rng } from '../test/tiny';
import { erf, gelu } from './activations';
import { causalAttention } from './attention';
import { conv1dCausal } from './conv1d';
import { matmul, matmulRef } from './matmul';
import { mamba2Scan, mamba2ScanQuadratic } from './scan';

const rand = rng(42);
const randn = (n: number, scale = 1) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num / den);
}

describe('reference kernels', () => {
  it('erf matches tabulated values on both sides of the series / continued-fraction switch, and GELU follows', () => {
    // erf values from the tables (CPython's math.erf, 16 digits)
    const table: [number, number][] = [[0.01, 0.011283415555849618], [0.5, 0.5204998778130465], [1, 0.8427007929497149],
      [2, 0.9953222650189527], [2.9, 0.9999589021219005], [3, 0.9999779095030014], [3.5, 0.9999992569016276], [5, 0.9999999999984626]];
    for (const [x, v] of table) {
      expect(Math.abs(erf(x) - v) / v).toBeLessThan(1e-13);
      expect(erf(-x)).toBe(-erf(x));
    }
    expect(gelu(0)).toBe(0);
    expect(gelu(1)).toBeCloseTo(0.8413447460685429, 14); // Φ(1)
    expect(gelu(-3)).toBeCloseTo(-3 * 0.0013498980316301035, 14);
  });

  it('matmul agrees with its naive twin, with and without bias, odd sizes', () => {
    for (const [T, In, Out] of [[1, 7, 5], [13, 33, 17], [4, 64, 3], [2, 1, 4], [3, 9, 8]]) {
      const x = randn(T * In), w = randn(Out * In), b = randn(Out);
      const a = new Float32Array(T * Out), r = new Float32Array(T * Out);
      matmul(a, x, w, T, In, Out, b);
      matmulRef(r, x, w, T, In, Out, b);
      expect(maxRel(a, r)).toBeLessThan(1e-6);
      matmul(a, x, w, T, In, Out);
      matmulRef(r, x, w, T, In, Out);
      expect(maxRel(a, r)).toBeLessThan(1e-6);
    }
  });

  it('conv1d over a sequence equals the same conv fed one token at a time', () => {
    const T = 9, C = 5, K = 4;
    const x = randn(T * C), w = randn(C * K), b = randn(C);
    const whole = new Float32Array(T * C);
    conv1dCausal(whole, x, new Float32Array((K - 1) * C), w, b, T, C, K);
    // direct definition with zero padding
    for (let t = 0; t < T; t++) {
      for (let c = 0; c < C; c++) {
        let acc = b[c];
        for (let j = 0; j < K; j++) { const s = t - (K - 1) + j; if (s >= 0) acc += w[c * K + j] * x[s * C + c]; }
        expect(whole[t * C + c]).toBeCloseTo(acc, 5);
      }
    }
    const hist = new Float32Array((K - 1) * C);
    const one = new Float32Array(C);
    for (let t = 0; t < T; t++) {
      conv1dCausal(one, x.subarray(t * C, (t + 1) * C), hist, w, b, 1, C, K);
      expect(maxRel(one, whole.subarray(t * C, (t + 1) * C))).toBeLessThan(1e-6);
    }
  });

  it('the Mamba-2 recurrent scan agrees with the quadratic SSD form (n_groups > 1)', () => {
    const T = 23, H = 4, P = 3, N = 5, G = 2;
    const x = randn(T * H * P), B = randn(T * G * N), C = randn(T * G * N), D = randn(H);
    const dt = Float32Array.from({ length: T * H }, () => 0.05 + rand() * 0.5);
    const A = Float64Array.from({ length: H }, (_, h) => -(h + 1) * 0.7);
    const y1 = new Float32Array(T * H * P), y2 = new Float32Array(T * H * P);
    const s1 = new Float64Array(H * P * N), s2 = new Float64Array(H * P * N);
    mamba2Scan(y1, s1, x, dt, A, B, C, D, T, H, P, N, G);
    mamba2ScanQuadratic(y2, s2, x, dt, A, B, C, D, T, H, P, N, G);
    expect(maxRel(y1, y2)).toBeLessThan(1e-6);
    expect(maxRel(s1, s2)).toBeLessThan(1e-9);
  });

  it('causal attention rows are probability distributions over the prefix, GQA sharing kv heads', () => {
    const T = 6, H = 4, KVH = 2, hd = 3;
    const q = randn(T * H * hd), k = randn(T * KVH * hd), v = randn(T * KVH * hd);
    const out = new Float32Array(T * H * hd);
    const rows: number[][] = [];
    causalAttention(out, q, k, v, new Float64Array(T), T, 0, H, KVH, hd, 0.5, (h, t, p) => rows.push([h, t, p.length, p.reduce((a, b) => a + b, 0)]));
    expect(rows).toHaveLength(H * T);
    for (const [, t, len, sum] of rows) { expect(len).toBe(t + 1); expect(sum).toBeCloseTo(1, 12); }
    // row 0 attends only to itself: output = v of its kv head
    for (let h = 0; h < H; h++) for (let i = 0; i < hd; i++) expect(out[h * hd + i]).toBeCloseTo(v[Math.floor(h / 2) * hd + i], 6);
  });
});
