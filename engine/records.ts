// The layer records of a run: what each block reports as soon as it is done. One definition, used
// unchanged by the engine (forward.ts fills them), the wire to the UI (app/protocol.ts carries them in
// `run/layer` events) and trace files. Bump RECORD_VERSION when a field changes meaning or shape.
//
// Shapes use the dimension letters of engine/README.md: T tokens, H heads (Mamba-1: channel groups),
// R focus rows, S pooled side, E phonebook entries, P head dim, N state size, I Mamba-1 d_inner.
// Units: probabilities and masses are fractions (0–1, a row sums to 1 over its T columns); norms are
// Euclidean over the model width D; dt is the discretisation step after softplus (and clamping);
// `ms` is wall-clock milliseconds. Every array is float32, row-major.
import type { BlockKind } from './layout';
import type { Tensor } from './tensor';

export const RECORD_VERSION = 1;

export interface AttentionRecord {
  H: number;
  /** Softmax probabilities of every head at the focus rows: (H, R, T). */
  focusProbs?: Tensor;
  /** Overview per head, MAX-pooled over `pooledStride` × `pooledStride` cells: (H, S, S), S = ⌈T / stride⌉. */
  pooled?: Tensor;
  pooledStride?: number;
  /** Attention mass each phonebook entry receives from each focus row: (H, R, E). */
  entryMass?: Tensor;
}

export interface SsmRecord {
  variant: 'mamba2' | 'mamba1';
  /** Heads (Mamba-2) or channel groups (Mamba-1, `channelsPerGroup` channels each, values averaged). */
  H: number;
  channelsPerGroup: number;
  /** dt per head and token (Mamba-1: Δ averaged over the group's channels): (H, T). */
  dt?: Tensor;
  /** ‖h_t‖ per head (group) and token: (H, T). */
  stateNorm?: Tensor;
  /** Cumulative decay exp(Σ_{k≤t} dt_k·A) per head and token (Mamba-1: exp of the group's mean log-decay): (H, T). */
  decay?: Tensor;
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

/** Mixture-of-experts routing (an `E` block): which experts each token went to. Optional, so records
 *  without it keep RECORD_VERSION 1. */
export interface MoeRecord {
  /** Experts in the block, and experts each token is routed to. */
  E: number;
  topK: number;
  /** Expert indices per token, best first, as float32-held integers 0..E-1: (T, k). */
  experts: Tensor;
  /** The routing weights of those experts: (T, k). granitemoehybrid: the softmax over the chosen k (a
   *  row sums to 1); jamba: their probabilities under the softmax over all experts (a row sums to ≤ 1). */
  weights: Tensor;
}

/** One block's record. Optional arrays are absent when not asked for or dropped for the capture
 *  budget; `notices` then says what was dropped. */
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
  /** Focus rows (token positions) the attention and implicit rows refer to. */
  focus: number[];
  attention?: AttentionRecord;
  ssm?: SsmRecord;
  moe?: MoeRecord;
  /** Full-resolution captures requested by name (`layers.3.mixer.ssm_state`). */
  named?: Record<string, Tensor>;
  /** What was dropped for the budget, or skipped, in words. */
  notices?: string[];
  /** Milliseconds this block took. */
  ms: number;
}

/** Every Float32Array in a record with its dotted path (`ssm.states.data`), for transfer lists,
 *  byte accounting, chunking and digests. */
export function recordArrays(record: object, prefix = ''): { path: string; data: Float32Array }[] {
  const out: { path: string; data: Float32Array }[] = [];
  for (const [key, value] of Object.entries(record)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value instanceof Float32Array) out.push({ path, data: value });
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) out.push(...recordArrays(value, path));
  }
  return out;
}

export function recordBytes(record: LayerRecord): number {
  let n = 0;
  for (const a of recordArrays(record)) n += a.data.byteLength;
  return n;
}

/** Replace the array at a dotted path (used when reassembling chunked records). */
export function setRecordArray(record: object, path: string, data: Float32Array): void {
  const keys = path.split('.');
  let node = record as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    if (next === null || typeof next !== 'object') throw new Error(`record has no ${path}`);
    node = next as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = data;
}
