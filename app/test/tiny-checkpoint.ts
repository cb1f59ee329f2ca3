// A tiny real checkpoint folder in memory for service tests: config.json plus a model.safetensors
// holding every tensor the engine's adapter expects for that config (deterministic values).
import { memorySource, type FileSource } from '../../engine/io/files';
import { ConfigReader } from '../../engine/io/config';
import { adapterFor } from '../../engine/models/registry';
import { writeSafetensors } from '../../engine/io/safetensors-write';
import type { Tensor } from '../../engine/tensor';
import { numel } from '../../engine/tensor';

export const TINY_HYBRID = {
  model_type: 'nemotron_h', vocab_size: 64, hidden_size: 16, hybrid_override_pattern: 'M-M*-',
  num_attention_heads: 2, num_key_value_heads: 1, head_dim: 8, intermediate_size: 32,
  ssm_state_size: 4, mamba_num_heads: 4, mamba_head_dim: 8, n_groups: 1, conv_kernel: 4, chunk_size: 8,
  tie_word_embeddings: false, layer_norm_epsilon: 1e-5,
};

export function tinyCheckpointFiles(config: Record<string, unknown> = TINY_HYBRID): Record<string, Uint8Array | string> {
  const adapter = adapterFor(String(config.model_type))!;
  const parsed = adapter.parse(new ConfigReader('config.json', config));
  const prefix = adapter.prefixes[0];
  const tensors: Record<string, Tensor> = {};
  let seed = 1;
  const fill = (shape: number[]): Tensor => {
    const data = new Float32Array(numel(shape));
    for (let i = 0; i < data.length; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      data[i] = ((seed >>> 8) / 2 ** 24 - 0.5) * 0.2;
    }
    return { dtype: 'f32', shape, data };
  };
  for (const spec of adapter.tensors(parsed, prefix)) if (!spec.optional) tensors[spec.name] = fill(spec.shape);
  if (!parsed.tie_word_embeddings) tensors['lm_head.weight'] = fill([parsed.vocab_size, parsed.hidden_size]);
  return { 'config.json': JSON.stringify(config), 'model.safetensors': writeSafetensors(tensors) };
}

export function tinyCheckpoint(name = 'tiny-hybrid', config?: Record<string, unknown>): FileSource {
  return memorySource(name, tinyCheckpointFiles(config));
}
