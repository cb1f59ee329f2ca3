// Per-layer recurrent state, a tagged union: what `step` needs to continue a sequence without
// recomputing it. Mamba layers: the last K-1 conv inputs and the SSM state; attention: the KV cache.
import { kernels, type SsmState } from '../kernels/backend';
import type { AttentionMixer, Block, Mamba2Mixer } from '../model';

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
/** A block with attention and Mamba-2 inside (parallel, shared): both their states. */
export interface CompoundState { kind: 'compound'; attention: KVCache; mamba: Mamba2State }
export type LayerState = Mamba2State | Mamba1State | KVCache | MlpState | CompoundState;

function mamba2State(m: Mamba2Mixer): Mamba2State {
  return { kind: 'mamba2', conv: new Float32Array((m.K - 1) * m.convDim), ssm: ssmState(m.H * m.P * m.N) };
}

function kvCache(m: AttentionMixer, capacity: number): KVCache {
  const w = m.KVH * m.hd;
  return { kind: 'attention', k: new Float32Array(capacity * w), v: new Float32Array(capacity * w), length: 0, capacity };
}

/** The SSM state of a block's state, if it has one (Mamba blocks, and the Mamba-2 inside compound ones). */
export function ssmOf(s: LayerState): Mamba2State | Mamba1State | undefined {
  return s.kind === 'mamba2' || s.kind === 'mamba1' ? s : s.kind === 'compound' ? s.mamba : undefined;
}

export function initState(block: Block, capacity = 64): LayerState {
  switch (block.kind) {
    case 'mamba2':
      return mamba2State(block.mixer);
    case 'mamba1': {
      const m = block.mixer;
      return { kind: 'mamba1', conv: new Float32Array((m.K - 1) * m.I), ssm: ssmState(m.I * m.N) };
    }
    case 'attention':
      return kvCache(block.mixer, capacity);
    case 'parallel':
    case 'shared':
      return { kind: 'compound', attention: kvCache(block.mixer.attention, capacity), mamba: mamba2State(block.mixer.mamba) };
    case 'mlp':
    case 'moe': // an MoE MLP has no state either
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
    case 'compound':
      return stateBytes(s.attention) + stateBytes(s.mamba);
    case 'mlp':
      return 0;
  }
}

/** What a block's cache size depends on: a mixer has these as fields, and an adapter reads them
 *  from config.json alone (`cacheShapes`), so a model's cache is known before its weights are read. */
export type Mamba2CacheShape = { kind: 'mamba2'; K: number; convDim: number; H: number; P: number; N: number };
export type AttentionShape = { kind: 'attention'; KVH: number; hd: number };
export type CacheShape =
  | Mamba2CacheShape
  | { kind: 'mamba1'; K: number; I: number; N: number }
  | AttentionShape
  /** attention and Mamba-2 inside one block (parallel, shared): both caches */
  | { kind: 'compound'; attention: AttentionShape; mamba: Mamba2CacheShape }
  | { kind: 'mlp' };

/** Cache a block keeps per sequence, in float32 bytes as transformers keeps it (the reference
 * kernels hold SSM states in float64): Mamba layers a constant state (conv window + SSM state),
 * attention its K and V per token. For the cost view's memory against context length. */
export function cacheBytes(s: CacheShape): { state: number; kvPerToken: number } {
  switch (s.kind) {
    case 'mamba2':
      return { state: 4 * ((s.K - 1) * s.convDim + s.H * s.P * s.N), kvPerToken: 0 };
    case 'mamba1':
      return { state: 4 * ((s.K - 1) * s.I + s.I * s.N), kvPerToken: 0 };
    case 'attention':
      return { state: 0, kvPerToken: 4 * 2 * s.KVH * s.hd };
    case 'compound':
      return { state: cacheBytes(s.mamba).state, kvPerToken: cacheBytes(s.attention).kvPerToken };
    case 'mlp':
      return { state: 0, kvPerToken: 0 };
  }
}

const mamba2Shape = ({ K, convDim, H, P, N }: Mamba2Mixer): Mamba2CacheShape => ({ kind: 'mamba2', K, convDim, H, P, N });
const attentionShape = ({ KVH, hd }: AttentionMixer): AttentionShape => ({ kind: 'attention', KVH, hd });

/** cacheBytes of a built block (its mixer carries the shape). */
export function blockCacheBytes(block: Block): { state: number; kvPerToken: number } {
  switch (block.kind) {
    case 'mamba2':
      return cacheBytes(mamba2Shape(block.mixer));
    case 'mamba1': {
      const { K, I, N } = block.mixer;
      return cacheBytes({ kind: 'mamba1', K, I, N });
    }
    case 'attention':
      return cacheBytes(attentionShape(block.mixer));
    case 'parallel':
    case 'shared':
      return cacheBytes({ kind: 'compound', attention: attentionShape(block.mixer.attention), mamba: mamba2Shape(block.mixer.mamba) });
    case 'mlp':
    case 'moe':
      return cacheBytes({ kind: 'mlp' });
  }
}
