// IBM Granite-4.0-H (granitemoehybrid) and Bamba (bamba): decoder layer i is two blocks,
//   2i:     x + s · mixer(input_layernorm(x))       mixer: Mamba-2 (`layers.i.mamba`) or attention (`layers.i.self_attn`)
//   2i + 1: x + s · mlp(post_attention_layernorm(x)) (bamba: pre_ff_layernorm, s = 1)
// with s = residual_multiplier. The MLP is an `E` block — routed experts (top-k of num_local_experts,
// SwiGLU each) plus the always-on shared_mlp — or, with num_local_experts = 0, the shared_mlp alone;
// bamba's is a dense SwiGLU (feed_forward). Embeddings × embedding_multiplier, logits / logits_scaling.
// Mamba-2: gated RMSNorm over the whole d_inner (gate before norm), dt clamped to time_step_limit.
// Attention: GQA, softmax scale attention_multiplier (granite) or head_dim^-½ (bamba), RoPE when
// position_embedding_type is "rope" (bamba: always, over the first half of each head).
// Reference: transformers/models/granitemoehybrid/modeling_granitemoehybrid.py, bamba/modeling_bamba.py (v5.17).
// Expert weights keep the names checkpoints are saved under (block_sparse_moe.input_linear / output_linear /
// router.layer), which transformers renames on load (conversion_mapping.py, "granitemoe").
import type { GraniteConfig } from '../io/config-hybrids';
import { parseGranite } from '../io/config-hybrids';
import type { CacheShape } from '../layers/state';
import type { Block, MlpMixer, MoeMixer } from '../model';
import type { BlockKind } from '../layout';
import type { ArchitectureAdapter, TensorSpec, Weights } from './adapter';
import { linear, linearRows, linearSpec, rmsNorm } from './adapter';
import { attentionSpecs, buildAttention } from './attention-weights';
import { ropeFor } from './llama';
import { buildMamba2, mamba2Cache, mamba2Specs, type Mamba2Dims } from './mamba2-weights';

function dims(c: GraniteConfig): Mamba2Dims {
  const m = c.mamba;
  return { H: m.heads, P: m.headDim, N: m.state, G: m.groups, K: m.conv, I: m.inner, chunkSize: m.chunk };
}

/** The MLP block of a layer: experts + shared (E), the shared MLP alone, or bamba's feed_forward. */
function mlpKind(c: GraniteConfig): BlockKind {
  return c.num_local_experts > 0 ? 'moe' : 'mlp';
}

function names(c: GraniteConfig, i: number) {
  const bamba = c.model_type === 'bamba';
  return {
    mixer: `layers.${i}.${c.mixers[i] === 'M' ? 'mamba' : 'self_attn'}`,
    mlp: `layers.${i}.${bamba ? 'feed_forward' : c.num_local_experts > 0 ? 'block_sparse_moe' : 'shared_mlp'}`,
    mlpNorm: bamba ? 'pre_ff_layernorm' : 'post_attention_layernorm',
  };
}

export const granite: ArchitectureAdapter<GraniteConfig> = {
  modelType: 'granitemoehybrid',
  prefixes: ['model.'],
  embeddingKey: 'embed_tokens.weight',
  hiddenStates: { convention: 'input', blocksPerLayer: 2 },
  parse: parseGranite,
  kinds: (c) => [...c.mixers].flatMap((ch): BlockKind[] => [ch === 'M' ? 'mamba2' : 'attention', mlpKind(c)]),
  cacheShapes: (c) => [...c.mixers].flatMap((ch): CacheShape[] => [
    ch === 'M' ? mamba2Cache(dims(c)) : { kind: 'attention', KVH: c.num_key_value_heads, hd: c.head_dim }, { kind: 'mlp' }, // an MoE MLP keeps nothing either
  ]),
  tensors(c, prefix) {
    const D = c.hidden_size;
    const specs: TensorSpec[] = [
      { name: `${prefix}embed_tokens.weight`, shape: [c.vocab_size, D] },
      { name: `${prefix}${c.model_type === 'bamba' ? 'final_layernorm' : 'norm'}.weight`, shape: [D] },
    ];
    [...c.mixers].forEach((ch, i) => {
      const n = names(c, i);
      const p = `${prefix}layers.${i}`;
      specs.push({ name: `${p}.input_layernorm.weight`, shape: [D] }, { name: `${p}.${n.mlpNorm}.weight`, shape: [D] });
      if (ch === 'M') specs.push(...mamba2Specs(`${prefix}${n.mixer}`, D, dims(c)));
      else specs.push(...attentionSpecs(`${prefix}${n.mixer}`, D, c.num_attention_heads, c.num_key_value_heads, c.head_dim));
      specs.push(...mlpSpecs(c, `${p}`));
    });
    return specs;
  },
  build(c, w, prefix) {
    const D = c.hidden_size, eps = c.rms_norm_eps;
    const rope = c.rope ? ropeFor(c.rope, c.rotary_dim) : undefined;
    const scale = c.residual_multiplier;
    const blocks: Block[] = [...c.mixers].flatMap((ch, i): Block[] => {
      const n = names(c, i);
      const p = `${prefix}layers.${i}`;
      const first = { index: 2 * i, name: n.mixer, norm: rmsNorm(w, `${p}.input_layernorm.weight`, eps), scale };
      const mixer: Block = ch === 'M'
        ? { ...first, kind: 'mamba2', mixer: buildMamba2(w, `${prefix}${n.mixer}`, D, dims(c), c.mamba.inner, eps, c.mamba.timeStepLimit) }
        : { ...first, kind: 'attention', mixer: { ...buildAttention(w, `${prefix}${n.mixer}`, D, c.num_attention_heads, c.num_key_value_heads, c.head_dim, rope), scaling: c.attention_scaling } };
      const second = { index: 2 * i + 1, name: n.mlp, norm: rmsNorm(w, `${p}.${n.mlpNorm}.weight`, eps), scale };
      const mlp: Block = c.num_local_experts > 0
        ? { ...second, kind: 'moe', mixer: buildMoe(c, w, p) }
        : { ...second, kind: 'mlp', mixer: c.model_type === 'bamba' ? bambaMlp(c, w, p) : sharedMlp(c, w, p) };
      return [mixer, mlp];
    });
    return {
      blocks, embeddings: w.get(`${prefix}embed_tokens.weight`),
      normF: rmsNorm(w, `${prefix}${c.model_type === 'bamba' ? 'final_layernorm' : 'norm'}.weight`, eps),
      embeddingScale: c.embedding_multiplier, logitScale: 1 / c.logits_scaling,
    };
  },
};

export const bamba: ArchitectureAdapter<GraniteConfig> = { ...granite, modelType: 'bamba' };

function mlpSpecs(c: GraniteConfig, p: string): TensorSpec[] {
  const D = c.hidden_size, F = c.intermediate_size, S = c.shared_intermediate_size, E = c.num_local_experts;
  if (c.model_type === 'bamba') {
    return [...linearSpec(`${p}.feed_forward.gate_proj`, F, D), ...linearSpec(`${p}.feed_forward.up_proj`, F, D), ...linearSpec(`${p}.feed_forward.down_proj`, D, F)];
  }
  const shared: TensorSpec[] = [
    { name: `${p}.shared_mlp.input_linear.weight`, shape: [2 * S, D] }, { name: `${p}.shared_mlp.output_linear.weight`, shape: [D, S] },
  ];
  if (E === 0) return shared;
  return [
    { name: `${p}.block_sparse_moe.router.layer.weight`, shape: [E, D] },
    { name: `${p}.block_sparse_moe.input_linear.weight`, shape: [E, 2 * F, D] },
    { name: `${p}.block_sparse_moe.output_linear.weight`, shape: [E, D, F] },
    ...shared,
  ];
}

/** shared_mlp: input_linear holds the gate's rows, then up's; output_linear is down. */
function sharedMlp(c: GraniteConfig, w: Weights, p: string): MlpMixer {
  const D = c.hidden_size, S = c.shared_intermediate_size;
  return {
    act: 'swiglu',
    gate_proj: linearRows(w, `${p}.shared_mlp.input_linear.weight`, 0, S, D),
    up_proj: linearRows(w, `${p}.shared_mlp.input_linear.weight`, S, S, D),
    down_proj: linear(w, `${p}.shared_mlp.output_linear`, D, S),
  };
}

function bambaMlp(c: GraniteConfig, w: Weights, p: string): MlpMixer {
  const D = c.hidden_size, F = c.intermediate_size;
  return {
    act: 'swiglu', gate_proj: linear(w, `${p}.feed_forward.gate_proj`, F, D),
    up_proj: linear(w, `${p}.feed_forward.up_proj`, F, D), down_proj: linear(w, `${p}.feed_forward.down_proj`, D, F),
  };
}

function buildMoe(c: GraniteConfig, w: Weights, p: string): MoeMixer {
  const D = c.hidden_size, F = c.intermediate_size, E = c.num_local_experts;
  const q = `${p}.block_sparse_moe`;
  return {
    E, topK: c.num_experts_per_tok,
    router: linear(w, `${q}.router.layer`, E, D),
    experts: Array.from({ length: E }, (_, e) => ({ // input_linear (E, 2F, D): expert e's gate rows, then its up rows
      gate: linearRows(w, `${q}.input_linear.weight`, e * 2 * F, F, D),
      up: linearRows(w, `${q}.input_linear.weight`, e * 2 * F + F, F, D),
      down: linearRows(w, `${q}.output_linear.weight`, e * D, D, F),
    })),
    shared: sharedMlp(c, w, p),
  };
}
