// Zamba2's hybrid layer: a transformer block whose weights several depths share (Glorioso et al. 2024,
// "Zamba", arXiv 2405.16712, fig. 2; Zamba2 adds per-depth LoRA adapters) reads the stream x beside the
// original embeddings x0; through the layer's own linear its output joins the input of the layer's
// Mamba-2 — not the stream, which only the Mamba-2 writes:
//   u = norm([x, x0]) (2D);  a = attention(u) (q, k, v with this depth's adapters; D out);
//   h = mlp(ffNorm(a)) (gate and up with this depth's adapters);  t = linear(h)
//   out = mamba2(mambaNorm(x + t))                                     (the block adds out to x)
// Nothing is added around the attention or the MLP. The attention's softmax scale is (hd/2)^-½.
// Reference: https://github.com/huggingface/transformers/blob/v5.17.0/src/transformers/models/zamba2/modeling_zamba2.py
// (Zamba2HybridLayer, Zamba2AttentionDecoderLayer, Zamba2MambaDecoderLayer, Zamba2Attention, Zamba2MLP).
import type { SharedMixer } from '../model';
import type { AttentionCapture } from './attention';
import * as attention from './attention';
import type { Mamba2Capture } from './mamba2';
import * as mamba2 from './mamba2';
import * as mlp from './mlp';
import { project } from './mlp';
import { applyNorm } from './norm';
import type { CompoundState } from './state';

export interface SharedCapture {
  attention?: AttentionCapture;
  mamba?: Mamba2Capture;
}

/** [x, x0] row by row: (T, 2D), what the block's own norm reads. */
export function withEmbeddings(x: Float32Array, x0: Float32Array, T: number, D: number): Float32Array {
  const out = new Float32Array(2 * T * D);
  for (let t = 0; t < T; t++) {
    out.set(x.subarray(t * D, (t + 1) * D), 2 * t * D);
    out.set(x0.subarray(t * D, (t + 1) * D), (2 * t + 1) * D);
  }
  return out;
}

/** out (T, D) for u = norm([x, x0]) (T, 2D) and the stream x (T, D), continuing from `state`. */
export function forward(m: SharedMixer, u: Float32Array, x: Float32Array, T: number, state: CompoundState, capture?: SharedCapture): Float32Array {
  const a = attention.forward(m.attention, u, T, state.attention, capture?.attention); // (T, D)
  applyNorm(a, a, m.ffNorm, T);
  const t = project(m.linear, mlp.forward(m.mlp, a, T), T); // (T, D)
  for (let i = 0; i < t.length; i++) t[i] += x[i];
  applyNorm(t, t, m.mambaNorm, T);
  return mamba2.forward(m.mamba, t, T, state.mamba, capture?.mamba); // (T, D)
}
