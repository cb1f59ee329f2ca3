// Probe types: what a run records per block, streamed as soon as that block is done. SERVICE and UI
// read these. Dimension letters: T tokens, H heads (Mamba-1: channel groups), R focus rows,
// S pooled side, E phonebook entries, P head dim, N state size, I Mamba-1 d_inner.
import type { BlockKind } from '../layout';
import type { Tensor } from '../tensor';

/** What to record. Everything is bounded by `budgetBytes`; what would exceed it is dropped with a notice. */
export interface CaptureSpec {
  /** The default per-layer summaries of DESIGN.md §2 (default true). */
  defaults?: boolean;
  /**
   * Full-resolution captures by name, after the weights: `<block>.attn_probs` (H, T, T),
   * `<block>.ssm_state` (final state), `<block>.output` (T, D) residual stream after the block.
   * `<block>` is e.g. `layers.3.mixer` / `layers.5.self_attn`; `*` matches any layer index.
   */
  names?: string[];
  /** Token positions of interest (query and answer tokens); default: the last token. */
  focus?: number[];
  /** Token spans [start, end) of phonebook entries, for per-entry mass. */
  entries?: [number, number][];
  /** Side of the pooled overview maps, ≤ 512 (default 512). */
  pooledSize?: number;
  /** Mamba-1: channel groups summarised as "heads" (default 16, or the largest divisor of d_inner below it). */
  mamba1Groups?: number;
  /** Byte budget of everything a run keeps (records + context), default 64 MB. */
  budgetBytes?: number;
  /** Keep the inputs on-demand tiles are recomputed from (q/k; dt/B/C), default true. */
  keepContext?: boolean;
}

export const DEFAULT_BUDGET_BYTES = 64 * 2 ** 20;
export const MAX_POOLED_SIZE = 512;

export interface AttentionProbe {
  H: number;
  /** Softmax probabilities of every head at the focus rows: (H, R, T). */
  focusProbs: Tensor;
  /** Overview per head, MAX-pooled over stride × stride cells: (H, S, S), S = ⌈T / stride⌉. */
  pooled?: Tensor;
  pooledStride?: number;
  /** Attention mass each entry receives from each focus row: (H, R, E). */
  entryMass?: Tensor;
}

export interface SsmProbe {
  variant: 'mamba2' | 'mamba1';
  /** Heads (Mamba-2) or channel groups (Mamba-1, `channelsPerGroup` channels each, values averaged). */
  H: number;
  channelsPerGroup: number;
  /** dt (Mamba-1: Δ averaged over the group's channels) per head and token: (H, T). */
  dt: Tensor;
  /** ‖h_t‖ per head (group) and token: (H, T). */
  stateNorm: Tensor;
  /** Cumulative decay exp(Σ_{k≤t} dt_k·A) per head and token (Mamba-1: exp of the group's mean log-decay): (H, T). */
  decay: Tensor;
  /** Full state at `statePositions`: Mamba-2 (R, H, P, N), Mamba-1 (R, I, N). */
  states?: Tensor;
  statePositions: number[];
  /** Implicit attention rows at the focus rows: (H, R, T); Mamba-2 M[t,s] = (C_t·B_s)·exp(Σ_{s<k≤t} dt_k A)·dt_s. */
  implicitRows?: Tensor;
  /** Mamba-1 only: channels per group actually averaged for implicit rows (all unless the cost cap hit). */
  implicitChannels?: number;
  /** Implicit-attention mass per entry from each focus row: (H, R, E). */
  entryMass?: Tensor;
}

export interface LayerRecord {
  /** Position in the run's layout. */
  index: number;
  /** Original block index in the checkpoint. */
  block: number;
  kind: BlockKind;
  /** Weight prefix of the block's mixer (`layers.3.mixer`); named captures extend it. */
  name: string;
  T: number;
  /** ‖x_t‖ of the residual stream after this block: (T). */
  residualNorm: Float32Array;
  /** ‖block(x)_t‖, what this block added: (T). */
  contributionNorm: Float32Array;
  /** Focus rows the attention / implicit rows refer to. */
  focus: number[];
  attention?: AttentionProbe;
  ssm?: SsmProbe;
  /** Full-resolution captures requested by name. */
  named: Record<string, Tensor>;
  /** What was dropped for the budget, or skipped, in words. */
  notices: string[];
  ms: number;
}
