// RMSNorm (T5/Llama style) and the gated RMSNorm of Mamba-2 mixers.
//   rmsnorm(x) = w ⊙ x / sqrt(mean(x²) + eps)
//   gated(y, z) = rmsnorm_grouped(y ⊙ silu(z)), mean over groups of `groupSize` channels:
//   nemotron_h (Zamba2RMSNormGated): groupSize = d_inner / n_groups; mamba2 (MambaRMSNormGated): d_inner.
//   weightless(x) = x / sqrt(mean(x²) + eps): falcon_mamba's norms of dt, B and C (FalconMambaWeightlessRMSNorm);
//   jamba's multiply by a weight.
// Reference: https://github.com/huggingface/transformers/blob/v5.17.0/src/transformers/models/mamba2/modeling_mamba2.py (MambaRMSNormGated),
//            https://github.com/huggingface/transformers/blob/v5.17.0/src/transformers/models/zamba2/modeling_zamba2.py (Zamba2RMSNormGated)
import { kernels } from '../kernels/backend';
import type { RMSNorm } from '../model';

/** out (T, D) = rmsnorm(x (T, D)); out may alias x. */
export function applyNorm(out: Float32Array, x: Float32Array, norm: RMSNorm, T: number): void {
  kernels().rmsnorm(out, x, norm.weight, T, norm.weight.length, norm.eps, norm.groupSize);
}

/** In place: y (T, I) ← rmsnorm_grouped(y ⊙ silu(z)); z is read with row stride zStride at offset zOffset. */
export function gatedNorm(y: Float32Array, z: Float32Array, zOffset: number, zStride: number, norm: RMSNorm, T: number): void {
  kernels().gatedRmsnorm(y, z, zOffset, zStride, norm.weight, T, norm.weight.length, norm.eps, norm.groupSize);
}

/** In place: each row of x (T, width) ← x / sqrt(mean(x²) + eps), times `weight` when given
 *  (falcon_mamba's dt, B, C: no weight; jamba's: weights). */
export function weightlessNorm(x: Float32Array, T: number, width: number, eps: number, weight?: Float32Array): void {
  for (let t = 0; t < T; t++) {
    const o = t * width;
    let ss = 0;
    for (let i = 0; i < width; i++) ss += x[o + i] * x[o + i];
    const r = 1 / Math.sqrt(ss / width + eps);
    for (let i = 0; i < width; i++) x[o + i] = weight ? weight[i] * (x[o + i] * r) : x[o + i] * r;
  }
}
