// Llama, the Transformer baseline: HF layer i is two engine blocks, 2i attention (input_layernorm +
// self_attn, RoPE, GQA) and 2i+1 MLP (post_attention_layernorm + SwiGLU down(silu(gate(x)) · up(x))).
// Reference: transformers/models/llama/modeling_llama.py, modeling_rope_utils.py
import type { LlamaConfig, RopeConfig } from '../io/config';
import { parseLlama } from '../io/config';
import type { Block, Rope } from '../model';
import type { CacheShape } from '../layers/state';
import type { ArchitectureAdapter, TensorSpec } from './adapter';
import { linear, linearSpec, rmsNorm } from './adapter';
import { attentionSpecs, buildAttention } from './attention-weights';

export const llama: ArchitectureAdapter<LlamaConfig> = {
  modelType: 'llama',
  prefixes: ['model.'],
  embeddingKey: 'embed_tokens.weight',
  hiddenStates: { convention: 'input', blocksPerLayer: 2 },
  parse: parseLlama,
  kinds: (c) => Array.from({ length: 2 * c.num_hidden_layers }, (_, i) => (i % 2 === 0 ? 'attention' as const : 'mlp' as const)),
  cacheShapes: (c) => Array.from({ length: 2 * c.num_hidden_layers }, (_, i): CacheShape => (i % 2 === 0 ? { kind: 'attention', KVH: c.num_key_value_heads, hd: c.head_dim } : { kind: 'mlp' })),
  tensors(c, prefix) {
    const D = c.hidden_size, F = c.intermediate_size;
    const specs: TensorSpec[] = [
      { name: `${prefix}embed_tokens.weight`, shape: [c.vocab_size, D] },
      { name: `${prefix}norm.weight`, shape: [D] },
    ];
    for (let i = 0; i < c.num_hidden_layers; i++) {
      const p = `${prefix}layers.${i}`;
      specs.push(
        { name: `${p}.input_layernorm.weight`, shape: [D] },
        ...attentionSpecs(`${p}.self_attn`, D, c.num_attention_heads, c.num_key_value_heads, c.head_dim),
        { name: `${p}.post_attention_layernorm.weight`, shape: [D] },
        ...linearSpec(`${p}.mlp.gate_proj`, F, D), ...linearSpec(`${p}.mlp.up_proj`, F, D), ...linearSpec(`${p}.mlp.down_proj`, D, F),
      );
    }
    return specs;
  },
  build(c, w, prefix) {
    const D = c.hidden_size, F = c.intermediate_size, eps = c.rms_norm_eps;
    const rope = ropeFor(c.rope, c.head_dim);
    const blocks: Block[] = [];
    for (let i = 0; i < c.num_hidden_layers; i++) {
      const p = `${prefix}layers.${i}`;
      blocks.push({
        index: 2 * i, name: `layers.${i}.self_attn`, kind: 'attention',
        norm: rmsNorm(w, `${p}.input_layernorm.weight`, eps),
        mixer: buildAttention(w, `${p}.self_attn`, D, c.num_attention_heads, c.num_key_value_heads, c.head_dim, rope),
      });
      blocks.push({
        index: 2 * i + 1, name: `layers.${i}.mlp`, kind: 'mlp',
        norm: rmsNorm(w, `${p}.post_attention_layernorm.weight`, eps),
        mixer: {
          act: 'swiglu', gate_proj: linear(w, `${p}.mlp.gate_proj`, F, D),
          up_proj: linear(w, `${p}.mlp.up_proj`, F, D), down_proj: linear(w, `${p}.mlp.down_proj`, D, F),
        },
      });
    }
    return { blocks, embeddings: w.matrix(`${prefix}embed_tokens.weight`), normF: rmsNorm(w, `${prefix}norm.weight`, eps) };
  },
};

/**
 * Inverse frequencies as transformers computes them: in float32 (even for a float64 model), so each
 * step is rounded with Math.fround to land on the same values.
 */
export function ropeFor(cfg: RopeConfig, hd: number): Rope {
  const f = Math.fround;
  const half = Math.ceil(hd / 2); // an odd rotary width (a partial factor of an odd head) turns ⌈hd/2⌉ pairs, as transformers' arange(0, hd, 2)
  const inv = new Float32Array(half);
  for (let i = 0; i < half; i++) inv[i] = f(1 / f(cfg.theta ** f((2 * i) / hd)));
  if (cfg.type === 'linear') for (let i = 0; i < half; i++) inv[i] = f(inv[i] / cfg.factor);
  if (cfg.type === 'llama3') {
    const lowWavelen = cfg.originalMaxPositions / cfg.lowFreqFactor;
    const highWavelen = cfg.originalMaxPositions / cfg.highFreqFactor;
    for (let i = 0; i < half; i++) {
      const wavelen = (2 * Math.PI) / inv[i];
      let v = wavelen > lowWavelen ? inv[i] / cfg.factor : inv[i];
      if (!(wavelen < highWavelen) && !(wavelen > lowWavelen)) {
        const smooth = (cfg.originalMaxPositions / wavelen - cfg.lowFreqFactor) / (cfg.highFreqFactor - cfg.lowFreqFactor);
        v = (1 - smooth) * (v / cfg.factor) + smooth * v;
      }
      inv[i] = f(v);
    }
  }
  return { invFreq: inv, attentionScaling: 1 };
}
