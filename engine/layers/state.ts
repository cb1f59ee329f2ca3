// Per-layer recurrent state, a tagged union: what `step` needs to continue a sequence without
// recomputing it. Mamba layers: the last K-1 conv inputs and the SSM state; attention: the KV cache.
import { kernels, type SsmState } from '../kernels/backend';
import type { Block } from '../model';

export interface Mamba2State { kind: 'mamba2'; conv: Float32Array; ssm: SsmState } // conv (K-1, convDim), ssm (H, P, N)
export interface Mamba1State { kind: 'mamba1'; conv: Float32Array; ssm: SsmState } // conv (K-1, I), ssm (I, N)

/** An SSM state of n zeros in the precision the kernels keep it (kernels().stateFloat32), where
 *  they keep it (placeState). */
function ssmState(n: number): SsmState {
  const k = kernels();
  return k.placeState?.(n) ?? (k.stateFloat32 ? new Float32Array(n) : new Float64Array(n));
}
export interface KVCache { kind: 'attention'; k: Float32Array; v: Float32Array; length: number; capacity: number } // (capacity, KVH, hd)
export interface MlpState { kind: 'mlp' }
export type LayerState = Mamba2State | Mamba1State | KVCache | MlpState;

export function initState(block: Block, capacity = 64): LayerState {
  switch (block.kind) {
    case 'mamba2': {
      const m = block.mixer;
      return { kind: 'mamba2', conv: new Float32Array((m.K - 1) * m.convDim), ssm: ssmState(m.H * m.P * m.N) };
    }
    case 'mamba1': {
      const m = block.mixer;
      return { kind: 'mamba1', conv: new Float32Array((m.K - 1) * m.I), ssm: ssmState(m.I * m.N) };
    }
    case 'attention': {
      const w = block.mixer.KVH * block.mixer.hd;
      return { kind: 'attention', k: new Float32Array(capacity * w), v: new Float32Array(capacity * w), length: 0, capacity };
    }
    case 'mlp':
      return { kind: 'mlp' };
  }
}

/** Bytes a state holds (for the cost view and budgets). */
export function stateBytes(s: LayerState): number {
  switch (s.kind) {
    case 'mamba2':
    case 'mamba1':
      return s.conv.byteLength + s.ssm.byteLength;
    case 'attention':
      return (s.k.byteLength / s.capacity) * s.length * 2;
    case 'mlp':
      return 0;
  }
}

/** Cache a block keeps per sequence, in float32 bytes as transformers keeps it (the reference
 * kernels hold SSM states in float64): Mamba layers a constant state (conv window + SSM state),
 * attention its K and V per token. For the cost view's memory against context length. */
export function blockCacheBytes(block: Block): { state: number; kvPerToken: number } {
  switch (block.kind) {
    case 'mamba2': {
      const m = block.mixer;
      return { state: 4 * ((m.K - 1) * m.convDim + m.H * m.P * m.N), kvPerToken: 0 };
    }
    case 'mamba1': {
      const m = block.mixer;
      return { state: 4 * ((m.K - 1) * m.I + m.I * m.N), kvPerToken: 0 };
    }
    case 'attention':
      return { state: 0, kvPerToken: 4 * 2 * block.mixer.KVH * block.mixer.hd };
    case 'mlp':
      return { state: 0, kvPerToken: 0 };
  }
}
