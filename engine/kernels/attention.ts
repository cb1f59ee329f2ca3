// Causal scaled-dot-product attention with grouped KV heads, as transformers' eager_attention_forward:
// p = softmax(q·kᵀ · scaling) over the causal prefix, out = p·v. Scores and softmax in float64.

/** Called with each row's probabilities (length past + t + 1) for head h and new query t. */
export type AttentionRowHook = (h: number, t: number, probs: Float64Array) => void;

/**
 * out (T, H, hd) for T new queries q (T, H, hd) over past + T cached keys/values k, v (past + T, KVH, hd).
 * Query t sits at position past + t and sees keys 0..past + t. Head h reads KV head ⌊h / (H / KVH)⌋.
 * `scratch` holds at least past + T float64 values.
 */
export function causalAttention(
  out: Float32Array, q: Float32Array, k: Float32Array, v: Float32Array, scratch: Float64Array,
  T: number, past: number, H: number, KVH: number, hd: number, scaling: number, onRow?: AttentionRowHook,
): void {
  const rep = H / KVH;
  const kvStride = KVH * hd;
  for (let h = 0; h < H; h++) {
    const kvh = Math.floor(h / rep);
    for (let t = 0; t < T; t++) {
      const L = past + t + 1;
      const qo = (t * H + h) * hd;
      let max = -Infinity;
      for (let s = 0; s < L; s++) {
        const ko = s * kvStride + kvh * hd;
        let dot = 0;
        for (let i = 0; i < hd; i++) dot += q[qo + i] * k[ko + i];
        const score = dot * scaling;
        scratch[s] = score;
        if (score > max) max = score;
      }
      let sum = 0;
      for (let s = 0; s < L; s++) sum += scratch[s] = Math.exp(scratch[s] - max);
      for (let s = 0; s < L; s++) scratch[s] /= sum;
      const probs = scratch.subarray(0, L);
      onRow?.(h, t, probs);
      for (let i = 0; i < hd; i++) {
        let acc = 0;
        for (let s = 0; s < L; s++) acc += probs[s] * v[s * kvStride + kvh * hd + i];
        out[qo + i] = acc;
      }
    }
  }
}
