// The activation-linear kernels of a block, on f32x4 lanes: depthwise causal conv1d and (grouped)
// RMSNorm. Their reference twins are engine/kernels/conv1d.ts and rmsnorm.ts.
import { hsum, madd } from './simd';

/**
 * out (T, C) = bias + Σ_j wT[j, c] · ext[t + j, c], ext = [history (K-1, C); x (T, C)] contiguous,
 * wT (K, C) the conv weight transposed from torch's (C, 1, K); C % 4 == 0; bias may be 0 (none).
 */
export function conv1d(out: usize, ext: usize, wT: usize, bias: usize, T: i32, C: i32, K: i32): void {
  const rb = <usize>C << 2;
  for (let t = 0; t < T; t++) {
    const o = out + <usize>t * rb;
    const e = ext + <usize>t * rb;
    for (let c: usize = 0; c < rb; c += 16) {
      let acc = bias != 0 ? v128.load(bias + c) : f32x4.splat(0);
      for (let j = 0; j < K; j++) acc = madd(v128.load(wT + <usize>j * rb + c), v128.load(e + <usize>j * rb + c), acc);
      v128.store(o + c, acc);
    }
  }
}

/** out (T, D) = w · x / sqrt(mean(x²) + eps) over each group of g channels (g % 4 == 0); out may be x. */
export function rmsnorm(out: usize, x: usize, w: usize, T: i32, D: i32, eps: f32, g: i32): void {
  const gb = <usize>g << 2;
  for (let t = 0; t < T; t++) {
    for (let g0 = 0; g0 < D; g0 += g) {
      const off = (<usize>t * D + g0) << 2;
      const xp = x + off;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
      let i: usize = 0;
      for (; i + 32 <= gb; i += 32) {
        const a = v128.load(xp + i), b = v128.load(xp + i, 16);
        s0 = madd(a, a, s0);
        s1 = madd(b, b, s1);
      }
      for (; i < gb; i += 16) {
        const a = v128.load(xp + i);
        s0 = madd(a, a, s0);
      }
      const r = f32x4.splat(<f32>(1 / Math.sqrt(<f64>hsum(f32x4.add(s0, s1)) / <f64>g + <f64>eps)));
      const op = out + off;
      const wp = w + (<usize>g0 << 2);
      for (i = 0; i < gb; i += 16) v128.store(op + i, f32x4.mul(v128.load(wp + i), f32x4.mul(v128.load(xp + i), r)));
    }
  }
}
