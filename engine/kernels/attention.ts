// Causal scaled-dot-product attention with grouped KV heads, as transformers' eager_attention_forward:
// p = softmax(q·kᵀ · scaling) over the causal prefix, out = p·v. Scores and softmax in float64.

/** Called with each row's probabilities (length past + t + 1) for head h and new query t. */
export type AttentionRowHook = (h: number, t: number, probs: Float64Array) => void;

/** A max-pooled map of the probabilities: data (H, S, S), tile (⌊(past + t) / stride⌋, ⌊s / stride⌋). */
export interface PooledMap { data: Float32Array; stride: number; S: number }

/**
 * What the probes read from the probabilities besides the output, so that a fast backend can keep
 * the T × T rows to itself: `rows` limits the hook to those queries t (sorted; all rows when
 * absent), `pooled` gets the map of this call's rows: each tile the max of the probabilities in it
 * (columns past the map are dropped). It must arrive all zeros (the probes pass a fresh array): a
 * fast backend then neither copies it in (4 MB a layer at T = 1,000 and the probes' default side of
 * 512) nor writes the tiles no probability falls in, those above the diagonal by causality.
 */
export interface AttentionTaps { rows?: Int32Array; pooled?: PooledMap }

/** Max-accumulates one row of probabilities (head h, position pos) into the pooled map. */
export function poolRow(map: PooledMap, h: number, pos: number, probs: ArrayLike<number>, L: number): void {
  const { data, stride, S } = map;
  const tr = Math.floor(pos / stride);
  if (tr >= S) return;
  const po = (h * S + tr) * S;
  const end = Math.min(L, S * stride);
  for (let s = 0; s < end; s++) {
    const c = po + Math.floor(s / stride);
    if (probs[s] > data[c]) data[c] = probs[s];
  }
}

/** Whether the hook wants query t: a membership mask of `rows` over T queries (null: every row). */
export function rowMask(taps: AttentionTaps | undefined, T: number): Uint8Array | null {
  if (!taps?.rows) return null;
  const mask = new Uint8Array(T);
  for (const t of taps.rows) if (t >= 0 && t < T) mask[t] = 1;
  return mask;
}

/**
 * out (T, H, hd) for T new queries q (T, H, hd) over past + T cached keys/values k, v (past + T, KVH, hd).
 * Query t sits at position past + t and sees keys 0..past + t. Head h reads KV head ⌊h / (H / KVH)⌋.
 * `scratch` holds at least past + T float64 values.
 */
export function causalAttention(
  out: Float32Array, q: Float32Array, k: Float32Array, v: Float32Array, scratch: Float64Array,
  T: number, past: number, H: number, KVH: number, hd: number, scaling: number, onRow?: AttentionRowHook,
  taps?: AttentionTaps,
): void {
  const rep = H / KVH;
  const mask = rowMask(taps, T);
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
      if (taps?.pooled) poolRow(taps.pooled, h, past + t, probs, L);
      if (!mask || mask[t]) onRow?.(h, t, probs);
      for (let i = 0; i < hd; i++) {
        let acc = 0;
        for (let s = 0; s < L; s++) acc += probs[s] * v[s * kvStride + kvh * hd + i];
        out[qo + i] = acc;
      }
    }
  }
}
