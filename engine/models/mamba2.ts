// Pure Mamba-2 (Mamba2ForCausalLM): every block `x + Mamba2Mixer(RMSNorm(x))`.
// Reference: transformers/models/mamba2/modeling_mamba2.py
// Differences from nemotron_h's mixer: the gated norm (MambaRMSNormGated) normalises over the whole
// d_inner at once, whatever n_groups is; dt is clamped to time_step_limit; d_inner = expand · hidden.
import type { Mamba2Config } from '../io/config';
import { parseMamba2 } from '../io/config';
import type { Block } from '../model';
import type { ArchitectureAdapter, TensorSpec } from './adapter';
import { rmsNorm } from './adapter';
import { buildMamba2, mamba2Cache, mamba2Specs } from './mamba2-weights';

function dims(c: Mamba2Config) {
  return { H: c.num_heads, P: c.head_dim, N: c.state_size, G: c.n_groups, K: c.conv_kernel, I: c.num_heads * c.head_dim, chunkSize: c.chunk_size };
}

export const mamba2: ArchitectureAdapter<Mamba2Config> = {
  modelType: 'mamba2',
  prefixes: ['backbone.', 'model.'],
  embeddingKey: 'embeddings.weight',
  hiddenStates: { convention: 'output', blocksPerLayer: 1 },
  parse: parseMamba2,
  kinds: (c) => Array.from({ length: c.num_hidden_layers }, () => 'mamba2' as const),
  cacheShapes: (c) => Array.from({ length: c.num_hidden_layers }, () => mamba2Cache(dims(c))),
  tensors(c, prefix) {
    const D = c.hidden_size;
    const specs: TensorSpec[] = [
      { name: `${prefix}embeddings.weight`, shape: [c.vocab_size, D] },
      { name: `${prefix}norm_f.weight`, shape: [D] },
    ];
    for (let i = 0; i < c.num_hidden_layers; i++) {
      specs.push({ name: `${prefix}layers.${i}.norm.weight`, shape: [D] }, ...mamba2Specs(`${prefix}layers.${i}.mixer`, D, dims(c)));
    }
    return specs;
  },
  build(c, w, prefix) {
    const eps = c.layer_norm_epsilon;
    const d = dims(c);
    const blocks: Block[] = Array.from({ length: c.num_hidden_layers }, (_, i): Block => ({
      index: i, name: `layers.${i}.mixer`, kind: 'mamba2',
      norm: rmsNorm(w, `${prefix}layers.${i}.norm.weight`, eps),
      mixer: buildMamba2(w, `${prefix}layers.${i}.mixer`, c.hidden_size, d, d.I, eps, c.time_step_limit),
    }));
    return { blocks, embeddings: w.matrix(`${prefix}embeddings.weight`), normF: rmsNorm(w, `${prefix}norm_f.weight`, eps) };
  },
};
