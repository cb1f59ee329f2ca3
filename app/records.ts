// The wire form of one layer record: what a run streams per block as soon as that block is done.
// Mirrors the engine's probe records (engine/probes/types.ts) with explicit shapes, so the UI depends
// on this file only. Dimension letters: T tokens, H heads (channel groups for Mamba-1), R focus rows,
// S pooled side, E phonebook entries, P head dim, N state size.
import type { BlockKind } from '../engine/layout';
import type { NDArray } from './protocol';

export interface AttentionRecord {
  H: number;
  /** Softmax probabilities of every head at the focus rows: (H, R, T). */
  focusProbs: NDArray;
  /** Max-pooled overview map per head: (H, S, S); `pooledStride` tokens per cell. */
  pooled?: NDArray;
  pooledStride?: number;
  /** Attention mass each phonebook entry receives from the focus rows: (H, R, E). */
  entryMass?: NDArray;
}

export interface SsmRecord {
  variant: 'mamba2' | 'mamba1';
  /** Heads (Mamba-2) or channel groups (Mamba-1, `channelsPerGroup` channels each, averaged). */
  H: number;
  channelsPerGroup: number;
  /** Discretization step per head and token: (H, T). */
  dt: NDArray;
  /** ‖h_t‖ per head and token: (H, T). */
  stateNorm: NDArray;
  /** exp(Σ dt·A) per head over the whole prompt: (H, T) (cumulative decay up to each token). */
  decay?: NDArray;
  /** Full state at `statePositions`: Mamba-2 (R, H, P, N), Mamba-1 (R, D_inner, N). */
  states?: NDArray;
  statePositions: number[];
  /** Implicit attention rows M[t, s] at the focus rows: (H, R, T). */
  implicitRows?: NDArray;
  pooled?: NDArray;
  pooledStride?: number;
  /** Implicit-attention mass per phonebook entry: (H, R, E). */
  entryMass?: NDArray;
}

export interface LayerRecordWire {
  /** Position in the run's layout. */
  index: number;
  /** Original block index in the checkpoint. */
  block: number;
  kind: BlockKind;
  /** Weight prefix of the block's mixer (`layers.3.mixer`), as captures are named. */
  name: string;
  /** ‖x_t‖ of the residual stream after this block: (T). */
  residualNorm: Float32Array;
  /** ‖block(x)_t‖, what this block added: (T). */
  contributionNorm: Float32Array;
  /** Focus rows the attention/implicit rows refer to (token positions). */
  focus: number[];
  attention?: AttentionRecord;
  ssm?: SsmRecord;
  /** Full-resolution captures requested by name (`layers.3.mixer.ssm_state`). */
  named?: Record<string, NDArray>;
  /** What the engine dropped or skipped for this block; the service turns these into run/notice. */
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

export function recordBytes(record: LayerRecordWire): number {
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
