// Zyphra Zamba2: decoder layer i is one block — a Mamba-2 layer `x + mamba2(norm(x))` (M), or a hybrid
// layer (S): one of num_mem_blocks transformer blocks shared across depths, run on [x, x0] (x0 the
// original embeddings) with this depth's LoRA adapters, feeding through the layer's own linear into the
// layer's Mamba-2 (layers/shared.ts has the math). The h-th hybrid layer runs shared block h mod
// num_mem_blocks, whose weights are stored once, under the first hybrid layer that runs it (tied only
// with tie_word_embeddings, as transformers ties them: see hybridLayers); adapter h sits in that
// block's adapter lists at index h. Mamba-2: gated RMSNorm per group of d_inner / n_groups
// (eps 1e-5, fixed), dt clamped below at time_step_min. Attention: head_dim 2·hidden / heads, softmax
// scale (head_dim / 2)^-½, RoPE when use_mem_rope. MLP: gelu(gate) ⊙ up from one fused gate_up_proj.
// Reference: transformers/models/zamba2/modeling_zamba2.py (v5.17: Zamba2Model.get_layers, Zamba2HybridLayer,
// Zamba2AttentionDecoderLayer, Zamba2Attention, Zamba2MLP, Zamba2MambaMixer).
import type { Zamba2Config } from '../io/config-hybrids';
import { parseZamba2 } from '../io/config-hybrids';
import type { CacheShape } from '../layers/state';
import type { AttentionMixer, Block, LoRA, MlpMixer } from '../model';
import type { ArchitectureAdapter, TensorSpec, Weights } from './adapter';
import { linear, linearRows, linearSpec, rmsNorm } from './adapter';
import { ropeFor } from './llama';
import { buildMamba2, mamba2Cache, mamba2Specs, type Mamba2Dims } from './mamba2-weights';

/** Zamba2RMSNormGated's epsilon: fixed, whatever rms_norm_eps says. */
const MAMBA_NORM_EPS = 1e-5;

function dims(c: Zamba2Config): Mamba2Dims {
  const m = c.mamba;
  return { H: m.heads, P: m.headDim, N: m.state, G: m.groups, K: m.conv, I: m.inner, chunkSize: m.chunk };
}

/**
 * For each layer: undefined (Mamba-2), or its hybrid index h, the transformer block it runs and the
 * layer storing that block. transformers ties the hybrid layers' blocks (h mod num_mem_blocks) only
 * when tie_word_embeddings is true (PreTrainedModel.get_expanded_tied_weights_keys returns no ties
 * otherwise), so with it false every hybrid layer runs its own block, stored under itself.
 */
export function hybridLayers(c: Zamba2Config): ({ h: number; shared: number; home: number } | undefined)[] {
  const home: number[] = [];
  let h = 0;
  return [...c.layers].map((k, i) => {
    if (k !== 'S') return undefined;
    const shared = c.tie_word_embeddings ? h % c.num_mem_blocks : h;
    home[shared] ??= i;
    return { h: h++, shared, home: home[shared] };
  });
}

export const zamba2: ArchitectureAdapter<Zamba2Config> = {
  modelType: 'zamba2',
  prefixes: ['model.'],
  embeddingKey: 'embed_tokens.weight',
  hiddenStates: { convention: 'input', blocksPerLayer: 1 },
  parse: parseZamba2,
  kinds: (c) => [...c.layers].map((k) => (k === 'S' ? 'shared' as const : 'mamba2' as const)),
  sharedOf: (c) => hybridLayers(c).map((h) => h?.shared),
  // A shared transformer's weights are stored once, but each depth that runs it keeps its own K and V
  // (its inputs differ per depth), beside that layer's own Mamba-2 state.
  cacheShapes: (c) => [...c.layers].map((k): CacheShape => (k === 'S'
    ? { kind: 'compound', attention: { kind: 'attention', KVH: c.num_key_value_heads, hd: c.attention_head_dim }, mamba: mamba2Cache(dims(c)) }
    : mamba2Cache(dims(c)))),
  tensors(c, prefix) {
    const D = c.hidden_size, F = c.intermediate_size, r = c.adapter_rank;
    const A = c.num_attention_heads * c.attention_head_dim, KV = c.num_key_value_heads * c.attention_head_dim;
    const specs: TensorSpec[] = [
      { name: `${prefix}embed_tokens.weight`, shape: [c.vocab_size, D] },
      { name: `${prefix}final_layernorm.weight`, shape: [D] },
    ];
    const lora = (p: string, out: number, inp: number): TensorSpec[] => [{ name: `${p}.0.weight`, shape: [r, inp] }, { name: `${p}.1.weight`, shape: [out, r] }];
    const hybrids = [...c.layers].filter((k) => k === 'S').length;
    hybridLayers(c).forEach((hy, i) => {
      const p = `${prefix}layers.${i}`;
      if (!hy) {
        specs.push({ name: `${p}.input_layernorm.weight`, shape: [D] }, ...mamba2Specs(`${p}.mamba`, D, dims(c)));
        return;
      }
      specs.push(
        ...linearSpec(`${p}.linear`, D, D),
        { name: `${p}.mamba_decoder.input_layernorm.weight`, shape: [D] }, ...mamba2Specs(`${p}.mamba_decoder.mamba`, D, dims(c)),
      );
      const s = `${prefix}layers.${hy.home}.shared_transformer`;
      if (hy.home === i) {
        specs.push(
          { name: `${s}.input_layernorm.weight`, shape: [2 * D] }, { name: `${s}.pre_ff_layernorm.weight`, shape: [D] },
          ...linearSpec(`${s}.self_attn.q_proj`, A, 2 * D), ...linearSpec(`${s}.self_attn.k_proj`, KV, 2 * D),
          ...linearSpec(`${s}.self_attn.v_proj`, KV, 2 * D), ...linearSpec(`${s}.self_attn.o_proj`, D, A),
          ...linearSpec(`${s}.feed_forward.gate_up_proj`, 2 * F, D), ...linearSpec(`${s}.feed_forward.down_proj`, D, F),
        );
      }
      specs.push(...adapterSpecs(c, s, hy.h, lora));
      // Untied, each hybrid layer's block also holds the adapters of the other depths its block number
      // would serve (transformers builds them, and never runs them): known, so no warning, but optional.
      if (!c.tie_word_embeddings) {
        for (let other = 0; other < hybrids; other++) {
          if (other !== hy.h && other % c.num_mem_blocks === hy.h % c.num_mem_blocks) {
            specs.push(...adapterSpecs(c, s, other, lora).map((t) => ({ ...t, optional: true })));
          }
        }
      }
    });
    return specs;
  },
  build(c, w, prefix) {
    const D = c.hidden_size, eps = c.rms_norm_eps;
    const rope = c.rope ? ropeFor(c.rope, c.attention_head_dim) : undefined;
    const blocks: Block[] = hybridLayers(c).map((hy, i): Block => {
      const p = `${prefix}layers.${i}`;
      if (!hy) {
        return {
          index: i, name: `layers.${i}.mamba`, kind: 'mamba2', norm: rmsNorm(w, `${p}.input_layernorm.weight`, eps),
          mixer: buildMamba2(w, `${p}.mamba`, D, dims(c), c.mamba.inner / c.mamba.groups, MAMBA_NORM_EPS, c.mamba.timeStepLimit),
        };
      }
      const s = `${prefix}layers.${hy.home}.shared_transformer`;
      return {
        index: i, name: `layers.${i}`, kind: 'shared', norm: rmsNorm(w, `${s}.input_layernorm.weight`, eps),
        mixer: {
          shared: hy.shared, depth: hy.h,
          attention: attention(c, w, `${s}.self_attn`, hy.h, rope),
          ffNorm: rmsNorm(w, `${s}.pre_ff_layernorm.weight`, eps),
          mlp: mlp(c, w, `${s}.feed_forward`, hy.h),
          linear: linear(w, `${p}.linear`, D, D),
          mambaNorm: rmsNorm(w, `${p}.mamba_decoder.input_layernorm.weight`, eps),
          mamba: buildMamba2(w, `${p}.mamba_decoder.mamba`, D, dims(c), c.mamba.inner / c.mamba.groups, MAMBA_NORM_EPS, c.mamba.timeStepLimit),
          attentionName: `layers.${i}.shared_transformer.self_attn`, mambaName: `layers.${i}.mamba_decoder.mamba`,
        },
      };
    });
    return { blocks, embeddings: w.get(`${prefix}embed_tokens.weight`), normF: rmsNorm(w, `${prefix}final_layernorm.weight`, eps) };
  },
};

/** The adapters of depth h inside the shared block stored under `s`. */
function adapterSpecs(c: Zamba2Config, s: string, h: number, lora: (p: string, out: number, inp: number) => TensorSpec[]): TensorSpec[] {
  const D = c.hidden_size;
  const specs = lora(`${s}.feed_forward.gate_up_proj_adapter_list.${h}`, 2 * c.intermediate_size, D);
  if (c.use_shared_attention_adapter) {
    for (const x of ['q', 'k', 'v']) specs.push(...lora(`${s}.self_attn.linear_${x}_adapter_list.${h}`, 2 * D, 2 * D));
  }
  return specs;
}

/** The adapter `p` (p.0: down, p.1: up), or the rows [first, first + out) of its up projection. */
function lora(w: Weights, p: string, inp: number, rank: number, first: number, out: number): LoRA {
  return { down: linear(w, `${p}.0`, rank, inp), up: linearRows(w, `${p}.1.weight`, first, out, rank) };
}

function attention(c: Zamba2Config, w: Weights, p: string, h: number, rope: AttentionMixer['rope']): AttentionMixer {
  const D = c.hidden_size, H = c.num_attention_heads, KVH = c.num_key_value_heads, hd = c.attention_head_dim;
  const r = c.adapter_rank;
  return {
    H, KVH, hd, scaling: (hd / 2) ** -0.5, rope,
    q_proj: linear(w, `${p}.q_proj`, H * hd, 2 * D), k_proj: linear(w, `${p}.k_proj`, KVH * hd, 2 * D),
    v_proj: linear(w, `${p}.v_proj`, KVH * hd, 2 * D), o_proj: linear(w, `${p}.o_proj`, D, H * hd),
    lora: c.use_shared_attention_adapter ? {
      q: lora(w, `${p}.linear_q_adapter_list.${h}`, 2 * D, r, 0, 2 * D),
      k: lora(w, `${p}.linear_k_adapter_list.${h}`, 2 * D, r, 0, 2 * D),
      v: lora(w, `${p}.linear_v_adapter_list.${h}`, 2 * D, r, 0, 2 * D),
    } : undefined,
  };
}

/** gate_up_proj holds gate's rows, then up's; so does its adapter's up projection. */
function mlp(c: Zamba2Config, w: Weights, p: string, h: number): MlpMixer {
  const D = c.hidden_size, F = c.intermediate_size, r = c.adapter_rank;
  const a = `${p}.gate_up_proj_adapter_list.${h}`;
  return {
    act: c.hidden_act === 'gelu' ? 'geglu' : 'swiglu',
    gate_proj: linearRows(w, `${p}.gate_up_proj.weight`, 0, F, D, `${p}.gate_up_proj.bias`),
    up_proj: linearRows(w, `${p}.gate_up_proj.weight`, F, F, D, `${p}.gate_up_proj.bias`),
    down_proj: linear(w, `${p}.down_proj`, D, F),
    lora: { gate: lora(w, a, D, r, 0, F), up: lora(w, a, D, r, F, F) },
  };
}
