// Causal self-attention with grouped KV heads (GQA) and optional RoPE, over a KV cache.
//   q, k, v = x Wqᵀ, x Wkᵀ, x Wvᵀ;  (llama) q, k ← RoPE(q, k, position)
//   p_h = softmax(q_h k_{h/rep}ᵀ · hd^-½) over the causal prefix;  out = concat_h(p_h v_{h/rep}) Woᵀ
// nemotron_h uses no position embedding at all; zamba2 adds per-depth low-rank adapters to q, k and v. Reference: https://github.com/huggingface/transformers/blob/v5.17.0/src/transformers/models/llama/modeling_llama.py
// (LlamaAttention, apply_rotary_pos_emb: rotate_half pairs channel i with i + hd/2), NemotronHAttention.
import type { AttentionRowHook, AttentionTaps } from '../kernels/attention';
import { kernels } from '../kernels/backend';
import type { AttentionMixer, Rope } from '../model';
import { addLora, projectWorking } from './mlp';
import { working } from './working';
import type { KVCache } from './state';

export interface AttentionCapture {
  onRow?: AttentionRowHook;
  /** Which rows onRow gets, and a pooled map the kernel fills (AttentionTaps). */
  taps?: AttentionTaps;
  /**
   * Receives q (T, H, hd) after RoPE, valid during the call only, and the cache's keys (past + T,
   * KVH, hd), for on-demand tiles: a view of the cache, which stays valid, as the cache only ever
   * appends after those rows (a cache that grows moves to new arrays, grow() below).
   */
  internals?: (q: Float32Array, k: Float32Array, past: number) => void;
}

/** out (T, D) for normed x (T, D), appending this chunk's keys and values to `cache`. */
export function forward(m: AttentionMixer, x: Float32Array, T: number, cache: KVCache, capture?: AttentionCapture): Float32Array {
  const past = cache.length;
  const w = m.KVH * m.hd;
  // working arrays (working.ts): k and v are copied into the cache, the probes copy q
  const q = projectWorking('attention q', m.q_proj, x, T); // (T, H·hd)
  const k = projectWorking('attention k', m.k_proj, x, T); // (T, KVH·hd)
  const v = projectWorking('attention v', m.v_proj, x, T); // (T, KVH·hd)
  if (m.lora) {
    addLora(q, m.lora.q, x, T);
    addLora(k, m.lora.k, x, T);
    addLora(v, m.lora.v, x, T);
  }
  if (m.kScale !== undefined) for (let i = 0; i < k.length; i++) k[i] *= m.kScale; // falcon_h1's key_multiplier
  if (m.rope) {
    applyRope(q, m.rope, T, m.H, m.hd, past);
    applyRope(k, m.rope, T, m.KVH, m.hd, past);
  }
  grow(cache, past + T, w);
  cache.k.set(k, past * w);
  cache.v.set(v, past * w);
  cache.length = past + T;
  const out = working('attention out', T * m.H * m.hd); // (T, H, hd)
  const scratch = new Float64Array(past + T);
  kernels().causalAttention(out, q, cache.k, cache.v, scratch, T, past, m.H, m.KVH, m.hd, m.scaling, capture?.onRow, capture?.taps);
  capture?.internals?.(q, cache.k.subarray(0, (past + T) * w), past);
  return projectWorking('attention output', m.o_proj, out, T); // (T, D)
}

export function step(m: AttentionMixer, x: Float32Array, cache: KVCache, capture?: AttentionCapture): Float32Array {
  return forward(m, x, 1, cache, capture);
}

function grow(cache: KVCache, need: number, w: number): void {
  if (need <= cache.capacity) return;
  const capacity = Math.max(need, cache.capacity * 2);
  const k = new Float32Array(capacity * w);
  const v = new Float32Array(capacity * w);
  k.set(cache.k.subarray(0, cache.length * w));
  v.set(cache.v.subarray(0, cache.length * w));
  Object.assign(cache, { k, v, capacity });
}

/**
 * In place on x (T, heads, hd) at positions past..past+T-1: channel i < half turns with channel i + half,
 * half = invFreq.length (hd / 2, or less with a partial rotary factor: the rest pass through).
 */
export function applyRope(x: Float32Array, rope: Rope, T: number, heads: number, hd: number, past: number): void {
  const { cos, sin } = ropeAngles(rope, past, T); // (T, half) each
  kernels().rope(x, cos, sin, T, heads, hd, rope.invFreq.length);
}

/** float32 holds them exactly: each is rounded to float32 as it is made. */
interface RopeAngles { past: number; T: number; cos: Float32Array; sin: Float32Array }

/**
 * The last table of each Rope: q and k, and every layer of a model (they share one Rope), turn by
 * the same angles, so a prefill computes T · half cos/sin pairs once instead of 2 · layers times
 * (transformer 1k: 17 → 5 ms a prefill). Replaced by the next call at other positions. A table over
 * KEEP_ANGLES values is not kept: a long prefill's table would otherwise stay while the app idles (at
 * 200k tokens and half 64, ~100 MB), and there the cos/sin are a small share of the time anyway.
 */
const lastAngles = new WeakMap<Rope, RopeAngles>();
const KEEP_ANGLES = 4 * 2 ** 20; // cos and sin of 4M angles: 32 MB

/**
 * cos and sin (T, half) of the angles at positions past..past+T-1, times the attention scaling. transformers
 * computes the angles and their cos/sin in float32 even for a float64 model; Math.fround reproduces that rounding.
 */
function ropeAngles(rope: Rope, past: number, T: number): RopeAngles {
  const last = lastAngles.get(rope);
  if (last && last.past === past && last.T === T) return last;
  const half = rope.invFreq.length;
  const cos = new Float32Array(T * half);
  const sin = new Float32Array(T * half);
  for (let t = 0; t < T; t++) {
    const pos = past + t;
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(rope.invFreq[i] * pos);
      cos[t * half + i] = Math.fround(Math.fround(Math.cos(angle)) * rope.attentionScaling);
      sin[t * half + i] = Math.fround(Math.fround(Math.sin(angle)) * rope.attentionScaling);
    }
  }
  const angles = { past, T, cos, sin };
  if (T * half <= KEEP_ANGLES) lastAngles.set(rope, angles);
  else lastAngles.delete(rope);
  return angles;
}
