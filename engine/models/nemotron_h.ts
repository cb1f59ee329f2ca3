// NVIDIA Nemotron-H (and the study's Mamba-2-Hybrid): blocks by hybrid_override_pattern
// (M Mamba-2, * attention, - MLP), each `x + mixer(RMSNorm(x))`.
// Reference: transformers/models/nemotron_h/modeling_nemotron_h.py
// - Mamba-2 mixer: d_inner = mamba_num_heads · mamba_head_dim; gated RMSNorm normalised per group of
//   d_inner / n_groups channels (Zamba2RMSNormGated) after y · silu(z); dt clamped below at time_step_min.
// - attention: GQA, no RoPE, scaling head_dim^-0.5, no biases; MLP: down(relu(up(x))²).
import type { NemotronHConfig } from '../io/config';
import { parseNemotronH } from '../io/config';
import type { Block } from '../model';
import { CHAR_KIND, type LayoutChar } from '../layout';
import type { ArchitectureAdapter, TensorSpec } from './adapter';
import { linear, linearSpec, rmsNorm } from './adapter';
import { attentionSpecs, buildAttention } from './attention-weights';
import { buildMamba2, mamba2Cache, mamba2Specs } from './mamba2-weights';
import type { CacheShape } from '../layers/state';

export const nemotronH: ArchitectureAdapter<NemotronHConfig> = {
  modelType: 'nemotron_h',
  prefixes: ['model.', 'backbone.'],
  embeddingKey: 'embeddings.weight',
  hiddenStates: { convention: 'input', blocksPerLayer: 1 },
  parse: parseNemotronH,
  kinds: (c) => [...c.pattern].map((ch) => CHAR_KIND[ch as LayoutChar]), // parseNemotronH allows only M, * and -
  cacheShapes: (c) => [...c.pattern].map((ch): CacheShape => (ch === 'M' ? mamba2Cache(mamba2Dims(c)) : ch === '*' ? { kind: 'attention', KVH: c.num_key_value_heads, hd: c.head_dim } : { kind: 'mlp' })),
  tensors(c, prefix) {
    const D = c.hidden_size;
    const specs: TensorSpec[] = [
      { name: `${prefix}embeddings.weight`, shape: [c.vocab_size, D] },
      { name: `${prefix}norm_f.weight`, shape: [D] },
    ];
    [...c.pattern].forEach((ch, i) => {
      const p = `${prefix}layers.${i}`;
      specs.push({ name: `${p}.norm.weight`, shape: [D] });
      if (ch === 'M') specs.push(...mamba2Specs(`${p}.mixer`, D, mamba2Dims(c)));
      else if (ch === '*') specs.push(...attentionSpecs(`${p}.mixer`, D, c.num_attention_heads, c.num_key_value_heads, c.head_dim));
      else specs.push(...linearSpec(`${p}.mixer.up_proj`, c.intermediate_size, D), ...linearSpec(`${p}.mixer.down_proj`, D, c.intermediate_size));
    });
    return specs;
  },
  build(c, w, prefix) {
    const D = c.hidden_size;
    const eps = c.layer_norm_epsilon;
    const blocks: Block[] = [...c.pattern].map((ch, i): Block => {
      const p = `${prefix}layers.${i}`;
      const base = { index: i, name: `layers.${i}.mixer`, norm: rmsNorm(w, `${p}.norm.weight`, eps) };
      if (ch === 'M') {
        const dims = mamba2Dims(c);
        return { ...base, kind: 'mamba2', mixer: buildMamba2(w, `${p}.mixer`, D, dims, dims.I / c.n_groups, eps, [c.time_step_min, Infinity]) };
      }
      if (ch === '*') {
        return { ...base, kind: 'attention', mixer: buildAttention(w, `${p}.mixer`, D, c.num_attention_heads, c.num_key_value_heads, c.head_dim) };
      }
      return {
        ...base, kind: 'mlp',
        mixer: { act: 'relu2', up_proj: linear(w, `${p}.mixer.up_proj`, c.intermediate_size, D), down_proj: linear(w, `${p}.mixer.down_proj`, D, c.intermediate_size) },
      };
    });
    return { blocks, embeddings: w.matrix(`${prefix}embeddings.weight`), normF: rmsNorm(w, `${prefix}norm_f.weight`, eps) };
  },
};

function mamba2Dims(c: NemotronHConfig) {
  return {
    H: c.mamba_num_heads, P: c.mamba_head_dim, N: c.ssm_state_size, G: c.n_groups, K: c.conv_kernel,
    I: c.mamba_num_heads * c.mamba_head_dim, chunkSize: c.chunk_size,
  };
}
