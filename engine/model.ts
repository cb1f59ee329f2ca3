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
  /** How the output is gated by z: norm(y ⊙ silu(z)) when absent; falcon_h1: 'norm-first' = norm(y) ⊙ silu(z),
   *  'no-norm' = y ⊙ silu(z) (mamba_rms_norm false: `norm` is then not read). */
  gate?: 'norm-first' | 'no-norm';
  /** falcon_h1: the input is multiplied by this (ssm_in_multiplier) and in_proj's output channel-wise by
   *  projScale (its μP vector: z, x, B, C, dt multipliers) before anything else. */
  inScale?: number;
  projScale?: Float32Array;
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
  /** falcon_mamba and jamba: dt_r, B and C are each RMS-normalised before dt_proj and the scan —
   *  falcon_mamba without weights, jamba with its dt/b/c_layernorm weights. */
  dtBCNorm?: { eps: number; dt?: Float32Array; B?: Float32Array; C?: Float32Array };
}

export interface Rope {
  /** inverse frequencies, float32-rounded as transformers computes them; 2·length channels of each
   *  head rotate (hd, or fewer with a partial rotary factor: bamba rotates half) */
  invFreq: Float32Array;
  attentionScaling: number;
}

/** A low-rank adapter added to a projection: y += up(down(x)) (Zamba2's per-depth adapters of its shared block). */
export interface LoRA { down: Linear; up: Linear }

export interface AttentionMixer {
  H: number; KVH: number; hd: number;
  scaling: number;
  q_proj: Linear; k_proj: Linear; v_proj: Linear; o_proj: Linear;
  rope?: Rope;
  /** Keys are multiplied by this before RoPE and the cache (falcon_h1's key_multiplier). */
  kScale?: number;
  /** Adapters added to q, k, v before RoPE (zamba2). */
  lora?: { q: LoRA; k: LoRA; v: LoRA };
}

export interface MlpMixer {
  /** down(relu(up x)²), down(silu(gate x) ⊙ up x), or down(gelu(gate x) ⊙ up x) (zamba2's default, exact erf GELU). */
  act: 'relu2' | 'swiglu' | 'geglu';
  up_proj: Linear;
  down_proj: Linear;
  gate_proj?: Linear;
  /** falcon_h1: the activation's input is gate(x) times this (mlp_multipliers[0]). */
  gateScale?: number;
  /** Adapters added to gate(x) and up(x) (zamba2: one adapter over the fused gate_up, split in its rows). */
  lora?: { gate: LoRA; up: LoRA };
}

/** Falcon-H1's layer mixer: attention and Mamba-2 read the same normed input side by side; the layer
 *  adds attnOut · attention(attnIn · u) + ssmOut · mamba2(u). Probe names are the parts' own. */
export interface ParallelMixer {
  attention: AttentionMixer;
  mamba: Mamba2Mixer;
  attnIn: number; attnOut: number; ssmOut: number;
  /** Weight prefixes of the two parts (`layers.3.self_attn`, `layers.3.mamba`). */
  attentionName: string;
  mambaName: string;
}

/**
 * Zamba2's hybrid layer (a `S` block): a transformer block whose weights several depths share (with
 * per-depth adapters) reads the stream beside the original embeddings; through the layer's own linear
 * its output joins the input of the layer's Mamba-2, not the stream:
 *   t = linear(mlp(ffNorm(attention(norm([x, x0]))))),   x ← x + mamba2(mambaNorm(x + t))
 * The block's `norm` is the one over [x, x0] (width 2D).
 */
export interface SharedMixer {
  /** Which shared transformer this depth runs (0 … num_mem_blocks − 1), and this layer's place among the layers that run one. */
  shared: number;
  depth: number;
  attention: AttentionMixer; // input 2D, output D
  ffNorm: RMSNorm;
  mlp: MlpMixer;
  linear: Linear; // (D, D)
  mambaNorm: RMSNorm;
  mamba: Mamba2Mixer;
  attentionName: string;
  mambaName: string;
}

/** Mixture-of-experts MLP: a router scores E experts per token, the top k run (SwiGLU each) and are
 *  summed, weighted by the softmax of their k scores (granitemoehybrid) or by their probabilities
 *  under the softmax over all E (jamba: 'all'); shared experts run on every token. */
export interface MoeMixer {
  E: number;
  topK: number;
  router: Linear; // (E, D)
  softmaxOver?: 'all';
  /** Per expert: gate and up (F, D), down (D, F). */
  experts: { gate: Linear; up: Linear; down: Linear }[];
  /** Always-on experts added to the routed ones (granitemoehybrid's shared_mlp). */
  shared?: MlpMixer;
}

interface BlockBase {
  /** Index in the checkpoint's own block list (original order); edited layouts refer to it. */
  index: number;
  /** Weight prefix of the mixer, e.g. `layers.3.mixer` or `layers.5.self_attn`; probe names extend it. */
  name: string;
  norm: RMSNorm;
  /** The block adds scale · mixer(norm(x)) to the stream (granitemoehybrid's residual_multiplier); 1 when absent. */
  scale?: number;
}
export type Block =
  | (BlockBase & { kind: 'mamba2'; mixer: Mamba2Mixer })
  | (BlockBase & { kind: 'mamba1'; mixer: Mamba1Mixer })
  | (BlockBase & { kind: 'attention'; mixer: AttentionMixer })
  | (BlockBase & { kind: 'mlp'; mixer: MlpMixer })
  | (BlockBase & { kind: 'moe'; mixer: MoeMixer })
  | (BlockBase & { kind: 'parallel'; mixer: ParallelMixer })
  | (BlockBase & { kind: 'shared'; mixer: SharedMixer });

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
  /** The embeddings are multiplied by this before the first block (granitemoehybrid, falcon_h1); 1 when absent. */
  embeddingScale?: number;
  /** The head's logits are multiplied by this (1 / logits_scaling, falcon_h1's lm_head_multiplier); 1 when absent. */
  logitScale?: number;
  tied: boolean;
  hiddenStates: HiddenStateConvention;
  tokenizer?: Tokenizer;
  /** What loaded but deserves a look, one line each (tensors config.json does not use). */
  warnings: string[];
}
