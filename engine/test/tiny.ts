// Tiny random checkpoints written by the tests themselves: config.json + model.safetensors built
// from the adapter's own tensor list, so every architecture can be exercised without fixtures.
import { ConfigReader } from '../io/config';
import type { FileSource } from '../io/files';
import { memorySource } from '../io/files';
import { writeSafetensors } from '../io/safetensors-write';
import { adapterFor } from '../models/registry';
import type { Tensor } from '../tensor';
import { numel } from '../tensor';

/** Mulberry32: small, seeded, good enough for test weights. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const TINY_CONFIGS: Record<string, Record<string, unknown>> = {
  nemotron_h: {
    model_type: 'nemotron_h', vocab_size: 37, hidden_size: 16, hybrid_override_pattern: 'M-M*-M',
    num_attention_heads: 4, num_key_value_heads: 2, head_dim: 8, intermediate_size: 24,
    ssm_state_size: 8, mamba_num_heads: 4, mamba_head_dim: 6, n_groups: 2, conv_kernel: 4, chunk_size: 8,
    layer_norm_epsilon: 1e-5, time_step_min: 0.001,
  },
  mamba2: {
    model_type: 'mamba2', vocab_size: 29, hidden_size: 16, num_hidden_layers: 2, num_heads: 4, head_dim: 8,
    expand: 2, state_size: 8, n_groups: 2, conv_kernel: 4, chunk_size: 8, time_step_limit: [0.0, 'Infinity'],
    layer_norm_epsilon: 1e-5, tie_word_embeddings: true,
  },
  mamba: {
    model_type: 'mamba', vocab_size: 31, hidden_size: 16, num_hidden_layers: 2, intermediate_size: 32,
    state_size: 8, conv_kernel: 4, time_step_rank: 4, layer_norm_epsilon: 1e-5, tie_word_embeddings: true,
  },
  falcon_mamba: {
    model_type: 'falcon_mamba', vocab_size: 31, hidden_size: 16, num_hidden_layers: 2, intermediate_size: 32,
    state_size: 8, conv_kernel: 4, time_step_rank: 4, layer_norm_epsilon: 1e-5, mixer_rms_eps: 1e-6, tie_word_embeddings: true,
  },
  granitemoehybrid: {
    model_type: 'granitemoehybrid', vocab_size: 35, hidden_size: 16, num_hidden_layers: 3,
    layer_types: ['mamba', 'attention', 'mamba'], num_attention_heads: 4, num_key_value_heads: 2,
    mamba_n_heads: 4, mamba_d_head: 8, mamba_n_groups: 2, mamba_d_state: 8, mamba_chunk_size: 8,
    intermediate_size: 12, shared_intermediate_size: 10, num_local_experts: 4, num_experts_per_tok: 2,
    position_embedding_type: 'rope', embedding_multiplier: 2, logits_scaling: 3, residual_multiplier: 0.5,
    attention_multiplier: 0.3, rms_norm_eps: 1e-5, tie_word_embeddings: false,
  },
  bamba: {
    model_type: 'bamba', vocab_size: 33, hidden_size: 16, num_hidden_layers: 2, attn_layer_indices: [1],
    num_attention_heads: 4, num_key_value_heads: 2, mamba_n_heads: 4, mamba_n_groups: 1, mamba_d_state: 8,
    mamba_chunk_size: 8, intermediate_size: 24, rms_norm_eps: 1e-5, tie_word_embeddings: false,
  },
  falcon_h1: {
    model_type: 'falcon_h1', vocab_size: 29, hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 4,
    num_key_value_heads: 2, mamba_d_ssm: 24, mamba_n_heads: 3, mamba_n_groups: 1, mamba_d_state: 8, mamba_chunk_size: 8,
    mamba_rms_norm: true, intermediate_size: 20, rms_norm_eps: 1e-5, embedding_multiplier: 1.5, lm_head_multiplier: 0.8,
    key_multiplier: 1.1, attention_in_multiplier: 0.9, attention_out_multiplier: 1.2, ssm_in_multiplier: 0.8,
    ssm_out_multiplier: 1.1, ssm_multipliers: [1, 0.9, 1.1, 0.8, 1.2], mlp_multipliers: [1.1, 0.9],
  },
  zamba2: {
    model_type: 'zamba2', vocab_size: 27, hidden_size: 16, num_hidden_layers: 5,
    layers_block_type: ['hybrid', 'mamba', 'hybrid', 'mamba', 'hybrid'], num_attention_heads: 4, num_key_value_heads: 4,
    num_mem_blocks: 2, use_shared_attention_adapter: true, adapter_rank: 3, use_mem_rope: true, hidden_act: 'gelu',
    intermediate_size: 20, n_mamba_heads: 4, mamba_ngroups: 2, mamba_d_state: 8, mamba_expand: 2, chunk_size: 8,
    rms_norm_eps: 1e-5, tie_word_embeddings: true,
  },
  jamba: {
    model_type: 'jamba', vocab_size: 25, hidden_size: 16, num_hidden_layers: 4, num_attention_heads: 4,
    num_key_value_heads: 2, attn_layer_period: 2, attn_layer_offset: 1, expert_layer_period: 2, expert_layer_offset: 0,
    num_experts: 3, num_experts_per_tok: 2, intermediate_size: 12, mamba_d_state: 4, mamba_expand: 2, rms_norm_eps: 1e-6,
  },
  llama: {
    model_type: 'llama', vocab_size: 33, hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 4,
    num_key_value_heads: 2, intermediate_size: 24, rms_norm_eps: 1e-6, rope_theta: 10000, tie_word_embeddings: false,
  },
};

export interface TinyOptions { seed?: number; config?: Record<string, unknown>; lmHead?: boolean }

/** Random weights for every tensor the adapter expects (plus lm_head unless tied). */
export function tinyTensors(configJson: Record<string, unknown>, opts: TinyOptions = {}): Record<string, Tensor> {
  const adapter = adapterFor(configJson.model_type as string)!;
  const config = adapter.parse(new ConfigReader('config.json', JSON.parse(JSON.stringify(configJson).replace(/"Infinity"/g, '1e308'))));
  const rand = rng(opts.seed ?? 1);
  const tensors: Record<string, Tensor> = {};
  const specs = adapter.tensors(config, adapter.prefixes[0]);
  if (opts.lmHead ?? !config.tie_word_embeddings) specs.push({ name: 'lm_head.weight', shape: [config.vocab_size, config.hidden_size] });
  for (const spec of specs) {
    const n = numel(spec.shape);
    const data = new Float32Array(n);
    const leaf = spec.name.split('.').slice(-2).join('.');
    for (let i = 0; i < n; i++) {
      const u = rand() * 2 - 1;
      if (leaf.endsWith('A_log')) data[i] = Math.log(1 + (i % 16)) + 0.1 * u;
      else if (leaf.endsWith('dt_bias') || leaf === 'dt_proj.bias') data[i] = -2 + u;
      else if (leaf.endsWith('.D')) data[i] = 1 + 0.5 * u;
      else if (leaf.endsWith('norm.weight') || leaf.endsWith('layernorm.weight') || leaf === 'norm_f.weight') data[i] = 1 + 0.2 * u;
      else if (leaf.endsWith('.bias')) data[i] = 0.1 * u;
      else data[i] = (0.8 / Math.sqrt(spec.shape[spec.shape.length - 1])) * u * 1.7;
    }
    tensors[spec.name] = { dtype: 'f32', shape: spec.shape, data };
  }
  return tensors;
}

export function tinyCheckpoint(modelType: string, opts: TinyOptions = {}): FileSource {
  const configJson = { ...TINY_CONFIGS[modelType], ...opts.config };
  const text = JSON.stringify(configJson).replace(/"Infinity"/g, 'Infinity');
  return memorySource(`tiny-${modelType}`, {
    'config.json': text,
    'model.safetensors': writeSafetensors(tinyTensors(configJson, opts)),
  });
}
