// Attention projections shared by nemotron_h (`mixer.{q,k,v,o}_proj`) and llama (`self_attn.*`).
import type { AttentionMixer, Rope } from '../model';
import type { TensorSpec, Weights } from './adapter';
import { linear, linearSpec } from './adapter';

export function attentionSpecs(p: string, D: number, H: number, KVH: number, hd: number): TensorSpec[] {
  return [
    ...linearSpec(`${p}.q_proj`, H * hd, D), ...linearSpec(`${p}.k_proj`, KVH * hd, D),
    ...linearSpec(`${p}.v_proj`, KVH * hd, D), ...linearSpec(`${p}.o_proj`, D, H * hd),
  ];
}

export function buildAttention(w: Weights, p: string, D: number, H: number, KVH: number, hd: number, rope?: Rope): AttentionMixer {
  return {
    H, KVH, hd, scaling: hd ** -0.5, rope,
    q_proj: linear(w, `${p}.q_proj`, H * hd, D), k_proj: linear(w, `${p}.k_proj`, KVH * hd, D),
    v_proj: linear(w, `${p}.v_proj`, KVH * hd, D), o_proj: linear(w, `${p}.o_proj`, D, H * hd),
  };
}
