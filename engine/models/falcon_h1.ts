// TII Falcon-H1: decoder layer i is two blocks,
//   2i:     x + attn_out_mult · attention(attn_in_mult · u) + ssm_out_mult · mamba2(u),  u = input_layernorm(x)   (P)
//   2i + 1: x + down_mult · down(up(v) ⊙ silu(gate_mult · gate(v))),  v = pre_ff_layernorm(x)                 (-)
// The Mamba-2 mixer scales its input by ssm_in_multiplier and in_proj's output by the μP vector (z, x,
// B, C, dt multipliers); its width is mamba_d_ssm; the gated norm is optional (mamba_rms_norm), grouped
// by n_groups, and normalises before the gate when mamba_norm_before_gate. Attention: GQA with RoPE,
// keys × key_multiplier. Embeddings × embedding_multiplier, logits × lm_head_multiplier.
// Reference: transformers/models/falcon_h1/modeling_falcon_h1.py (v5.17: FalconH1DecoderLayer, FalconH1Mixer,
// compute_mup_vector, FalconH1MLP, FalconH1Attention).
import type { FalconH1Config } from '../io/config-hybrids';
import { parseFalconH1 } from '../io/config-hybrids';
import type { CacheShape } from '../layers/state';
import type { Block, Mamba2Mixer } from '../model';
import type { ArchitectureAdapter, TensorSpec, Weights } from './adapter';
import { linear, linearSpec, rmsNorm } from './adapter';
import { attentionSpecs, buildAttention } from './attention-weights';
import { ropeFor } from './llama';
import { buildMamba2, mamba2Cache, mamba2Specs, type Mamba2Dims } from './mamba2-weights';

function dims(c: FalconH1Config): Mamba2Dims {
  const m = c.mamba;
  return { H: m.heads, P: m.headDim, N: m.state, G: m.groups, K: m.conv, I: m.inner, chunkSize: m.chunk };
}

export const falconH1: ArchitectureAdapter<FalconH1Config> = {
  modelType: 'falcon_h1',
  prefixes: ['model.'],
  embeddingKey: 'embed_tokens.weight',
  hiddenStates: { convention: 'input', blocksPerLayer: 2 },
  parse: parseFalconH1,
  kinds: (c) => Array.from({ length: 2 * c.num_hidden_layers }, (_, i) => (i % 2 === 0 ? 'parallel' as const : 'mlp' as const)),
  // a parallel layer keeps both caches: its attention's K and V and its Mamba-2's conv window and state
  cacheShapes: (c) => Array.from({ length: 2 * c.num_hidden_layers }, (_, i): CacheShape => (i % 2 === 0
    ? { kind: 'compound', attention: { kind: 'attention', KVH: c.num_key_value_heads, hd: c.head_dim }, mamba: mamba2Cache(dims(c)) }
    : { kind: 'mlp' })),
  tensors(c, prefix) {
    const D = c.hidden_size, F = c.intermediate_size;
    const specs: TensorSpec[] = [
      { name: `${prefix}embed_tokens.weight`, shape: [c.vocab_size, D] },
      { name: `${prefix}final_layernorm.weight`, shape: [D] },
    ];
    for (let i = 0; i < c.num_hidden_layers; i++) {
      const p = `${prefix}layers.${i}`;
      specs.push(
        { name: `${p}.input_layernorm.weight`, shape: [D] }, { name: `${p}.pre_ff_layernorm.weight`, shape: [D] },
        ...mamba2Specs(`${p}.mamba`, D, dims(c), c.mamba_rms_norm),
        ...attentionSpecs(`${p}.self_attn`, D, c.num_attention_heads, c.num_key_value_heads, c.head_dim),
        ...linearSpec(`${p}.feed_forward.gate_proj`, F, D), ...linearSpec(`${p}.feed_forward.up_proj`, F, D),
        ...linearSpec(`${p}.feed_forward.down_proj`, D, F),
      );
    }
    return specs;
  },
  build(c, w, prefix) {
    const D = c.hidden_size, F = c.intermediate_size, eps = c.rms_norm_eps;
    const rope = ropeFor(c.rope, c.head_dim);
    const mup = mupVector(c);
    const blocks: Block[] = [];
    for (let i = 0; i < c.num_hidden_layers; i++) {
      const p = `${prefix}layers.${i}`;
      blocks.push({
        index: 2 * i, name: `layers.${i}`, kind: 'parallel', norm: rmsNorm(w, `${p}.input_layernorm.weight`, eps),
        mixer: {
          attention: { ...buildAttention(w, `${p}.self_attn`, D, c.num_attention_heads, c.num_key_value_heads, c.head_dim, rope), kScale: c.key_multiplier },
          mamba: mamba(c, w, `${p}.mamba`, mup),
          attnIn: c.attention_in_multiplier, attnOut: c.attention_out_multiplier, ssmOut: c.ssm_out_multiplier,
          attentionName: `layers.${i}.self_attn`, mambaName: `layers.${i}.mamba`,
        },
      });
      blocks.push({
        index: 2 * i + 1, name: `layers.${i}.feed_forward`, kind: 'mlp', norm: rmsNorm(w, `${p}.pre_ff_layernorm.weight`, eps),
        scale: c.mlp_multipliers[1],
        mixer: {
          act: 'swiglu', gateScale: c.mlp_multipliers[0],
          gate_proj: linear(w, `${p}.feed_forward.gate_proj`, F, D), up_proj: linear(w, `${p}.feed_forward.up_proj`, F, D),
          down_proj: linear(w, `${p}.feed_forward.down_proj`, D, F),
        },
      });
    }
    return {
      blocks, embeddings: w.get(`${prefix}embed_tokens.weight`), normF: rmsNorm(w, `${prefix}final_layernorm.weight`, eps),
      embeddingScale: c.embedding_multiplier, logitScale: c.lm_head_multiplier,
    };
  },
};

function mamba(c: FalconH1Config, w: Weights, p: string, mup: Float32Array): Mamba2Mixer {
  const d = dims(c);
  return {
    ...buildMamba2(w, p, c.hidden_size, d, d.I / d.G, c.rms_norm_eps, c.mamba.timeStepLimit),
    gate: !c.mamba_rms_norm ? 'no-norm' : c.mamba_norm_before_gate ? 'norm-first' : undefined,
    inScale: c.ssm_in_multiplier, projScale: mup,
  };
}

/** compute_mup_vector: in_proj's output channels z | x | B | C | dt times ssm_multipliers[0..4], float32 as transformers keeps it. */
function mupVector(c: FalconH1Config): Float32Array {
  const { inner: I, groups: G, state: N, heads: H } = c.mamba;
  const sizes = [I, I, G * N, G * N, H];
  const v = new Float32Array(2 * I + 2 * G * N + H);
  let o = 0;
  sizes.forEach((n, k) => {
    v.fill(c.ssm_multipliers[k], o, o + n);
    o += n;
  });
  return v;
}
