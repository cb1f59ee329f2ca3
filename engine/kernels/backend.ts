// The kernel table. Layers call kernels through `kernels()`, so a faster backend (WASM SIMD,
// engine/kernels/wasm/) can be swapped in behind the same signatures; this reference backend is
// what every other backend is tested against. All kernels take the output first and never allocate.
import { siluGate, softplusInPlace } from './activations';
import { causalAttention } from './attention';
import { conv1dCausal } from './conv1d';
import { matmul } from './matmul';
import { gatedRmsnorm, rmsnorm } from './rmsnorm';
import { residualAdd } from './residual';
import { rope } from './rope';
import { mamba1ImplicitTerms, mamba1Scan, mamba2Scan } from './scan';

/** A layer's SSM state: float64 for the reference kernels, float32 where the backend computes the
 *  recurrence in float32 anyway (stateFloat32): the same values, half the bytes, no conversion. */
export type SsmState = Float64Array | Float32Array;

export interface KernelBackend {
  name: string;
  /** Threads its kernels run on now (1 when absent). */
  threads?(): number;
  /** The scans compute in float32: new states are Float32Array (layers/state.ts). */
  stateFloat32?: boolean;
  /** out (T, Out) = x (T, In) · w (Out, In)ᵀ + bias (Out); T = 1 is the decoding GEMV. */
  matmul: typeof matmul;
  /** out (T, D) = grouped RMSNorm(x) · weight; out may alias x. */
  rmsnorm: typeof rmsnorm;
  /** In place: y (T, D) ← grouped RMSNorm(y ⊙ silu(z)) · weight (Mamba-2's gated norm). */
  gatedRmsnorm: typeof gatedRmsnorm;
  /** In place: y (T, I) ⊙= silu(z) (Mamba-1's output gate). */
  siluGate: typeof siluGate;
  /** In place: x[0 … n) ← softplus(x), torch's (Mamba-1's Δ). */
  softplus: typeof softplusInPlace;
  /** depthwise causal conv1d continued from history (K-1, C), optionally followed by silu; updates history. */
  conv1dCausal: typeof conv1dCausal;
  /** Mamba-2 recurrent scan, state (H, P, N) in/out (float64, or float32 states); optional probe side outputs. */
  mamba2Scan: typeof mamba2Scan;
  /** Mamba-1 selective scan, state (I, N) in/out. */
  mamba1Scan: typeof mamba1Scan;
  /** One Mamba-1 channel's implicit-attention terms of a focus row (the probes); float32 in wasm. */
  mamba1ImplicitTerms: typeof mamba1ImplicitTerms;
  /** causal GQA attention over a KV cache with an optional per-row probability hook. */
  causalAttention: typeof causalAttention;
  /** In place: x (T, D) += y, with the norms of y's and x's rows after it (each block's record). */
  residualAdd: typeof residualAdd;
  /** In place: RoPE on q or k rows (T, heads, hd) by the angles' cos and sin (T, half). */
  rope: typeof rope;
  /**
   * Optional: storage for a loaded weight matrix of n values (float32, or 16-bit bits) that the
   * kernels read in place, with no copy (the wasm backend: its own memory, while it has room);
   * undefined (a small matrix the backend copies instead, no room left), or no such function:
   * the loader uses a plain array.
   */
  placeWeights?: (kind: 'f32' | 'u16', n: number) => Float32Array | Uint16Array | undefined;
  /** Optional: a zeroed float32 SSM state of n values that the scans read and write in place (the
   *  wasm backend, for large states); undefined, or no such function: a plain array. */
  placeState?: (n: number) => Float32Array | undefined;
  /** Optional: a working array of n floats (layers/working.ts) in the memory the kernels read, so
   *  a kernel given it reads or writes it where it lies instead of copying it in and out; undefined,
   *  or no such function: a plain array. Handed back with freeWorking once its role lets it go. */
  placeWorking?: (n: number) => Float32Array | undefined;
  freeWorking?: (a: Float32Array) => void;
}

/** Matrices up to this many values may be kept by a backend as a float32 copy beside the loaded
 *  ones (the wasm backend's packed panels: the bundled models' speed); loadModel's memory estimate
 *  counts that copy. Larger ones are only read where they are, in their stored precision. */
export const SMALL_MATRIX_WEIGHTS = 1 << 20;

export const referenceBackend: KernelBackend = {
  name: 'reference', matmul, rmsnorm, gatedRmsnorm, siluGate, softplus: softplusInPlace, conv1dCausal, mamba2Scan, mamba1Scan, causalAttention,
  mamba1ImplicitTerms, residualAdd, rope,
};

let active: KernelBackend = referenceBackend;

export function kernels(): KernelBackend {
  return active;
}

/** Install a backend (all of it: a partial one should spread `referenceBackend` first). */
export function useBackend(backend: KernelBackend): void {
  active = backend;
}
