// RMSNorm, optionally per group of channels: y = w · x / sqrt(mean(x²) + eps), the mean taken over
// each group of `groupSize` channels (groupSize = D for the ordinary norm). Output first.
import { siluGate } from './activations';

/** out (T, D) = rmsnorm(x (T, D)) · weight (D). `out` may alias `x`. */
export function rmsnorm(
  out: Float32Array, x: Float32Array, weight: Float32Array, T: number, D: number, eps: number, groupSize = D,
): void {
  for (let t = 0; t < T; t++) {
    for (let g0 = 0; g0 < D; g0 += groupSize) {
      const o = t * D + g0;
      let ss = 0;
      for (let i = 0; i < groupSize; i++) ss += x[o + i] * x[o + i];
      const r = 1 / Math.sqrt(ss / groupSize + eps);
      for (let i = 0; i < groupSize; i++) out[o + i] = weight[g0 + i] * (x[o + i] * r);
    }
  }
}

/**
 * In place: y (T, D) ← rmsnorm(y ⊙ silu(z)) · weight over groups of `groupSize` (Mamba-2's gated
 * norm); z is read at row stride zStride from offset zOffset.
 */
export function gatedRmsnorm(
  y: Float32Array, z: Float32Array, zOffset: number, zStride: number, weight: Float32Array, T: number, D: number,
  eps: number, groupSize = D,
): void {
  siluGate(y, z, zOffset, zStride, T, D);
  rmsnorm(y, y, weight, T, D, eps, groupSize);
}

/**
 * Euclidean norm of each row: out (T) = ‖x_t‖ for x (T, D). Four float64 sums a row over i mod 4,
 * added as (s0 + s1) + (s2 + s3): the order two f64x2 sums take in wasm (residualAdd), which so
 * gives the same bits; the order changes a float64 sum in its last bits only, far below the float32
 * the norm is stored in.
 */
export function rowNorms(out: Float32Array, x: Float32Array, T: number, D: number): void {
  for (let t = 0; t < T; t++) {
    const o = t * D;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let i = 0;
    for (; i + 4 <= D; i += 4) {
      s0 += x[o + i] * x[o + i];
      s1 += x[o + i + 1] * x[o + i + 1];
      s2 += x[o + i + 2] * x[o + i + 2];
      s3 += x[o + i + 3] * x[o + i + 3];
    }
    for (; i < D; i++) s0 += x[o + i] * x[o + i];
    out[t] = Math.sqrt(s0 + s1 + (s2 + s3));
  }
}
