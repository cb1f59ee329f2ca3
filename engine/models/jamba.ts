// AI21 Jamba: decoder layer i is two blocks,
//   2i:     x + mixer(input_layernorm(x))        Mamba-1 (`layers.i.mamba`), or attention every attn_layer_period layers
//   2i + 1: x + mlp(pre_ff_layernorm(x))         a dense SwiGLU (-), or every expert_layer_period layers experts (E)
// Mamba-1 as in `mamba`, with dt_r, B and C RMS-normalised by their own weighted norms (dt/b/c_layernorm).
// Attention: GQA without any position embedding. Experts: top-k of num_experts, weighted by their
// probabilities under the softmax over all experts (not renormalised).
// Reference: transformers/models/jamba/modeling_jamba.py (v5.17: JambaMambaMixer, JambaAttention,
// JambaSparseMoeBlock, JambaAttentionDecoderLayer, JambaMambaDecoderLayer).
import type { JambaConfig } from '../io/config-hybrids';
import { parseJamba } from '../io/config-hybrids';
import type { CacheShape } from '../layers/state';
import type { Block, Mamba1Mixer, MoeMixer } from '../model';
import type { BlockKind } from '../layout';
import type { ArchitectureAdapter, TensorSpec, Weights } from './adapter';
import { linear, linearSpec, rmsNorm } from './adapter';
import { attentionSpecs, buildAttention } from './attention-weights';

export const jamba: ArchitectureAdapter<JambaConfig> = {
  modelType: 'jamba',
  prefixes: ['model.'],
  embeddingKey: 'embed_tokens.weight',
  hiddenStates: { convention: 'input', blocksPerLayer: 2 },
  parse: parseJamba,
  kinds: (c) => [...c.mixers].flatMap((ch, i): BlockKind[] => [ch === 'm' ? 'mamba1' : 'attention', c.mlps[i] === 'E' ? 'moe' : 'mlp']),
  cacheShapes: (c) => [...c.mixers].flatMap((ch): CacheShape[] => [
    ch === 'm' ? { kind: 'mamba1', K: c.mamba_d_conv, I: c.mamba_inner, N: c.mamba_d_state } : { kind: 'attention', KVH: c.num_key_value_heads, hd: c.head_dim },
    { kind: 'mlp' }, // an MoE MLP keeps nothing either
  ]),
  tensors(c, prefix) {
    const D = c.hidden_size, F = c.intermediate_size;
    const I = c.mamba_inner, N = c.mamba_d_state, R = c.mamba_dt_rank;
    const specs: TensorSpec[] = [
      { name: `${prefix}embed_tokens.weight`, shape: [c.vocab_size, D] },
      { name: `${prefix}final_layernorm.weight`, shape: [D] },
    ];
    const swiglu = (p: string) => [...linearSpec(`${p}.gate_proj`, F, D), ...linearSpec(`${p}.up_proj`, F, D), ...linearSpec(`${p}.down_proj`, D, F)];
    [...c.mixers].forEach((ch, i) => {
      const p = `${prefix}layers.${i}`;
      specs.push({ name: `${p}.input_layernorm.weight`, shape: [D] }, { name: `${p}.pre_ff_layernorm.weight`, shape: [D] });
      if (ch === 'm') {
        const m = `${p}.mamba`;
        specs.push(
          ...linearSpec(`${m}.in_proj`, 2 * I, D),
          { name: `${m}.conv1d.weight`, shape: [I, 1, c.mamba_d_conv] }, { name: `${m}.conv1d.bias`, shape: [I], optional: true },
          ...linearSpec(`${m}.x_proj`, R + 2 * N, I), ...linearSpec(`${m}.dt_proj`, I, R),
          { name: `${m}.dt_layernorm.weight`, shape: [R] }, { name: `${m}.b_layernorm.weight`, shape: [N] }, { name: `${m}.c_layernorm.weight`, shape: [N] },
          { name: `${m}.A_log`, shape: [I, N] }, { name: `${m}.D`, shape: [I] }, ...linearSpec(`${m}.out_proj`, D, I),
        );
      } else {
        specs.push(...attentionSpecs(`${p}.self_attn`, D, c.num_attention_heads, c.num_key_value_heads, c.head_dim));
      }
      if (c.mlps[i] === 'E') {
        specs.push({ name: `${p}.feed_forward.router.weight`, shape: [c.num_experts, D] });
        for (let e = 0; e < c.num_experts; e++) specs.push(...swiglu(`${p}.feed_forward.experts.${e}`));
      } else {
        specs.push(...swiglu(`${p}.feed_forward`));
      }
    });
    return specs;
  },
  build(c, w, prefix) {
    const D = c.hidden_size, F = c.intermediate_size, eps = c.rms_norm_eps;
    const blocks: Block[] = [...c.mixers].flatMap((ch, i): Block[] => {
      const p = `${prefix}layers.${i}`;
      const norm = rmsNorm(w, `${p}.input_layernorm.weight`, eps);
      const mixer: Block = ch === 'm'
        ? { index: 2 * i, name: `layers.${i}.mamba`, kind: 'mamba1', norm, mixer: mamba1(c, w, `${p}.mamba`) }
        : { index: 2 * i, name: `layers.${i}.self_attn`, kind: 'attention', norm, mixer: buildAttention(w, `${p}.self_attn`, D, c.num_attention_heads, c.num_key_value_heads, c.head_dim) };
      const second = { index: 2 * i + 1, name: `layers.${i}.feed_forward`, norm: rmsNorm(w, `${p}.pre_ff_layernorm.weight`, eps) };
      const swiglu = (q: string) => ({ gate: linear(w, `${q}.gate_proj`, F, D), up: linear(w, `${q}.up_proj`, F, D), down: linear(w, `${q}.down_proj`, D, F) });
      const mlp: Block = c.mlps[i] === 'E'
        ? { ...second, kind: 'moe', mixer: moe(c, w, `${p}.feed_forward`, swiglu) }
        : { ...second, kind: 'mlp', mixer: (({ gate, up, down }) => ({ act: 'swiglu' as const, gate_proj: gate, up_proj: up, down_proj: down }))(swiglu(`${p}.feed_forward`)) };
      return [mixer, mlp];
    });
    return { blocks, embeddings: w.get(`${prefix}embed_tokens.weight`), normF: rmsNorm(w, `${prefix}final_layernorm.weight`, eps) };
  },
};

function mamba1(c: JambaConfig, w: Weights, p: string): Mamba1Mixer {
  const D = c.hidden_size, I = c.mamba_inner, N = c.mamba_d_state, R = c.mamba_dt_rank;
  return {
    I, N, R, K: c.mamba_d_conv,
    in_proj: linear(w, `${p}.in_proj`, 2 * I, D),
    conv1d: { weight: w.get(`${p}.conv1d.weight`), bias: w.opt(`${p}.conv1d.bias`) },
    x_proj: linear(w, `${p}.x_proj`, R + 2 * N, I), dt_proj: linear(w, `${p}.dt_proj`, I, R),
    A_log: w.get(`${p}.A_log`), D: w.get(`${p}.D`), out_proj: linear(w, `${p}.out_proj`, D, I),
    dtBCNorm: { eps: c.rms_norm_eps, dt: w.get(`${p}.dt_layernorm.weight`), B: w.get(`${p}.b_layernorm.weight`), C: w.get(`${p}.c_layernorm.weight`) },
  };
}

function moe(c: JambaConfig, w: Weights, p: string, swiglu: (q: string) => MoeMixer['experts'][number]): MoeMixer {
  return {
    E: c.num_experts, topK: c.num_experts_per_tok, softmaxOver: 'all',
    router: linear(w, `${p}.router`, c.num_experts, c.hidden_size),
    experts: Array.from({ length: c.num_experts }, (_, e) => swiglu(`${p}.experts.${e}`)),
  };
}
