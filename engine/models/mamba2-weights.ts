// The Mamba-2 mixer's tensors, shared by the nemotron_h and mamba2 adapters. Names as in
// transformers: in_proj (z | xBC | dt), conv1d over x|B|C, dt_bias, A_log, D, norm (gated), out_proj.
import type { Mamba2Mixer } from '../model';
import type { Mamba2CacheShape } from '../layers/state';
import type { TensorSpec, Weights } from './adapter';
import { linear, linearSpec } from './adapter';

export interface Mamba2Dims { H: number; P: number; N: number; G: number; K: number; I: number; chunkSize: number }

/** Channels the causal conv mixes: x, B and C. */
export const mamba2ConvDim = (d: Mamba2Dims) => d.I + 2 * d.G * d.N;

/** A Mamba-2 mixer's cache shape (layers/state.ts). */
export const mamba2Cache = (d: Mamba2Dims): Mamba2CacheShape => ({ kind: 'mamba2', K: d.K, convDim: mamba2ConvDim(d), H: d.H, P: d.P, N: d.N });

/** `norm` false: a mixer without the gated norm (falcon_h1's mamba_rms_norm false) has no norm.weight. */
export function mamba2Specs(p: string, D: number, d: Mamba2Dims, norm = true): TensorSpec[] {
  const convDim = mamba2ConvDim(d);
  return [
    ...linearSpec(`${p}.in_proj`, d.I + convDim + d.H, D),
    { name: `${p}.conv1d.weight`, shape: [convDim, 1, d.K] },
    { name: `${p}.conv1d.bias`, shape: [convDim], optional: true },
    { name: `${p}.dt_bias`, shape: [d.H] },
    { name: `${p}.A_log`, shape: [d.H] },
    { name: `${p}.D`, shape: [d.H] },
    ...(norm ? [{ name: `${p}.norm.weight`, shape: [d.I] }] : []),
    ...linearSpec(`${p}.out_proj`, D, d.I),
  ];
}

export function buildMamba2(
  w: Weights, p: string, D: number, d: Mamba2Dims, normGroupSize: number, eps: number, dtLimit: [number, number],
): Mamba2Mixer {
  const convDim = mamba2ConvDim(d);
  return {
    ...d, convDim, dMlp: 0,
    in_proj: linear(w, `${p}.in_proj`, d.I + convDim + d.H, D),
    conv1d: { weight: w.get(`${p}.conv1d.weight`), bias: w.opt(`${p}.conv1d.bias`) },
    dt_bias: w.get(`${p}.dt_bias`), A_log: w.get(`${p}.A_log`), D: w.get(`${p}.D`),
    norm: { weight: w.opt(`${p}.norm.weight`) ?? new Float32Array(0), eps, groupSize: normGroupSize }, // absent only for gate 'no-norm'
    out_proj: linear(w, `${p}.out_proj`, D, d.I),
    dtMin: dtLimit[0], dtMax: dtLimit[1],
  };
}
