// Mamba-1 (MambaForCausalLM) and Falcon-Mamba (FalconMambaForCausalLM): every block `x + MambaMixer(RMSNorm(x))`.
// Reference: transformers/models/mamba/modeling_mamba.py (slow_forward), falcon_mamba/modeling_falcon_mamba.py
// in_proj → x | z, causal conv1d + silu on x, x_proj → dt_r | B | C, dt = softplus(dt_proj(dt_r)),
// selective scan with A = -exp(A_log) (d_inner, N), D skip, gate y · silu(z), out_proj.
// Falcon-Mamba differs only in RMS-normalising dt_r, B and C (no weights, mixer_rms_eps) before use.
import type { MambaConfig } from '../io/config';
import { parseMamba } from '../io/config';
import type { Block } from '../model';
import type { ArchitectureAdapter, TensorSpec } from './adapter';
import { linear, linearSpec, rmsNorm } from './adapter';

export const mamba: ArchitectureAdapter<MambaConfig> = {
  modelType: 'mamba',
  prefixes: ['backbone.', 'model.'],
  embeddingKey: 'embeddings.weight',
  hiddenStates: { convention: 'output', blocksPerLayer: 1 },
  parse: parseMamba,
  kinds: (c) => Array.from({ length: c.num_hidden_layers }, () => 'mamba1' as const),
  cacheShapes: (c) => Array.from({ length: c.num_hidden_layers }, () => ({ kind: 'mamba1' as const, K: c.conv_kernel, I: c.intermediate_size, N: c.state_size })),
  tensors(c, prefix) {
    const D = c.hidden_size, I = c.intermediate_size, N = c.state_size, R = c.time_step_rank;
    const specs: TensorSpec[] = [
      { name: `${prefix}embeddings.weight`, shape: [c.vocab_size, D] },
      { name: `${prefix}norm_f.weight`, shape: [D] },
    ];
    for (let i = 0; i < c.num_hidden_layers; i++) {
      const p = `${prefix}layers.${i}`;
      specs.push(
        { name: `${p}.norm.weight`, shape: [D] },
        ...linearSpec(`${p}.mixer.in_proj`, 2 * I, D),
        { name: `${p}.mixer.conv1d.weight`, shape: [I, 1, c.conv_kernel] },
        { name: `${p}.mixer.conv1d.bias`, shape: [I], optional: true },
        ...linearSpec(`${p}.mixer.x_proj`, R + 2 * N, I),
        ...linearSpec(`${p}.mixer.dt_proj`, I, R),
        { name: `${p}.mixer.A_log`, shape: [I, N] },
        { name: `${p}.mixer.D`, shape: [I] },
        ...linearSpec(`${p}.mixer.out_proj`, D, I),
      );
    }
    return specs;
  },
  build(c, w, prefix) {
    const D = c.hidden_size, I = c.intermediate_size, N = c.state_size, R = c.time_step_rank;
    const eps = c.layer_norm_epsilon;
    const blocks: Block[] = Array.from({ length: c.num_hidden_layers }, (_, i): Block => {
      const p = `${prefix}layers.${i}.mixer`;
      return {
        index: i, name: `layers.${i}.mixer`, kind: 'mamba1',
        norm: rmsNorm(w, `${prefix}layers.${i}.norm.weight`, eps),
        mixer: {
          I, N, R, K: c.conv_kernel,
          in_proj: linear(w, `${p}.in_proj`, 2 * I, D),
          conv1d: { weight: w.get(`${p}.conv1d.weight`), bias: w.opt(`${p}.conv1d.bias`) },
          x_proj: linear(w, `${p}.x_proj`, R + 2 * N, I),
          dt_proj: linear(w, `${p}.dt_proj`, I, R),
          A_log: w.get(`${p}.A_log`), D: w.get(`${p}.D`),
          out_proj: linear(w, `${p}.out_proj`, D, I),
          ...(c.mixer_rms_eps !== undefined ? { dtBCNorm: { eps: c.mixer_rms_eps } } : {}),
        },
      };
    });
    return { blocks, embeddings: w.matrix(`${prefix}embeddings.weight`), normF: rmsNorm(w, `${prefix}norm_f.weight`, eps) };
  },
};

export const falconMamba: ArchitectureAdapter<MambaConfig> = { ...mamba, modelType: 'falcon_mamba' };
