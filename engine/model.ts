// The internal model: one list of blocks {kind, weights} plus embeddings, final norm and head.
// Every architecture adapter (engine/models/) maps its checkpoint into this shape; a hybrid is
// data, not a class hierarchy. Weight arrays are shared, never copied, between edited layouts.
import type { ModelConfig } from './io/config';
import type { WeightArray } from './tensor';
import type { Tokenizer } from './tokenizer';

export type { ModelConfig };

/** y = x·Wᵀ (+ b); W is (outFeatures, inFeatures) as in torch.nn.Linear, in its stored precision. */
export interface Linear {
  weight: WeightArray;
  bias?: Float32Array;
  inFeatures: number;
  outFeatures: number;
}

export interface RMSNorm {
  weight: Float32Array;
  eps: number;
  /** Normalise each group of this many channels separately (grouped gated norm); = width when not grouped. */
  groupSize: number;
}

export interface Mamba2Mixer {
  H: number; P: number; N: number; G: number; K: number;
  /** d_inner = H·P */
  I: number;
  /** conv channels: x | B | C = I + 2·G·N */
  convDim: number;
  /** Extra MLP width packed in front of in_proj (d_mlp), dropped as in transformers; 0 in practice. */
  dMlp: number;
  chunkSize: number;
  in_proj: Linear;
  conv1d: { weight: Float32Array; bias?: Float32Array }; // weight (convDim, K)
  dt_bias: Float32Array; // (H)
  A_log: Float32Array; // (H)
  D: Float32Array; // (H)
  norm: RMSNorm; // gated, (I)
  out_proj: Linear;
  /** dt is clamped to [dtMin, dtMax] after softplus (nemotron_h: [time_step_min, ∞); mamba2: time_step_limit). */
  dtMin: number;
  dtMax: number;
}

export interface Mamba1Mixer {
  /** I = d_inner, N = d_state, R = dt rank, K = conv width */
  I: number; N: number; R: number; K: number;
  in_proj: Linear;
  conv1d: { weight: Float32Array; bias?: Float32Array }; // weight (I, K)
  x_proj: Linear; // (R + 2N, I)
  dt_proj: Linear; // (I, R)
  A_log: Float32Array; // (I, N)
  D: Float32Array; // (I)
  out_proj: Linear;
}

export interface Rope {
  /** inverse frequencies (hd/2), float32-rounded as transformers computes them */
  invFreq: Float32Array;
  attentionScaling: number;
}

export interface AttentionMixer {
  H: number; KVH: number; hd: number;
  scaling: number;
  q_proj: Linear; k_proj: Linear; v_proj: Linear; o_proj: Linear;
  rope?: Rope;
}

export interface MlpMixer {
  act: 'relu2' | 'swiglu';
  up_proj: Linear;
  down_proj: Linear;
  gate_proj?: Linear;
}

interface BlockBase {
  /** Index in the checkpoint's own block list (original order); edited layouts refer to it. */
  index: number;
  /** Weight prefix of the mixer, e.g. `layers.3.mixer` or `layers.5.self_attn`; probe names extend it. */
  name: string;
  norm: RMSNorm;
}
export type Block =
  | (BlockBase & { kind: 'mamba2'; mixer: Mamba2Mixer })
  | (BlockBase & { kind: 'mamba1'; mixer: Mamba1Mixer })
  | (BlockBase & { kind: 'attention'; mixer: AttentionMixer })
  | (BlockBase & { kind: 'mlp'; mixer: MlpMixer });

/**
 * How transformers reports `hidden_states` for this class: 'input' (llama, nemotron_h): entry i < L is
 * the stream entering layer i; 'output' (mamba, mamba2): entry i < L is the output of layer i.
 * Entry L is the final normed output either way. A layer spans `blocksPerLayer` blocks (llama: 2).
 */
export interface HiddenStateConvention {
  convention: 'input' | 'output';
  blocksPerLayer: number;
}

export interface Model {
  modelType: string;
  config: ModelConfig;
  /** The blocks in run order (an edited layout reorders, drops or repeats the original ones). */
  blocks: Block[];
  /** The checkpoint's own blocks, in checkpoint order; never changes under edits. */
  original: Block[];
  /** The layout string of `blocks` over `original` (notation in layout.ts). */
  layout: string;
  /** (V, D) in the stored precision; rows are widened as tokens are embedded. */
  embeddings: { weight: WeightArray; V: number; D: number };
  normF: RMSNorm;
  lmHead: Linear;
  tied: boolean;
  hiddenStates: HiddenStateConvention;
  tokenizer?: Tokenizer;
  /** What loaded but deserves a look, one line each (tensors config.json does not use). */
  warnings: string[];
}
