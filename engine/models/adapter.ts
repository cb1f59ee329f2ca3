// What an architecture adapter provides: config parsing, the block kinds, the tensors it expects
// (checked against safetensors headers before any weight is read) and the mapping of weights
// into the engine's blocks. One adapter per model_type, registered in registry.ts.
import type { ConfigReader, ModelConfig } from '../io/config';
import type { BlockKind } from '../layout';
import type { Block, HiddenStateConvention, Linear, RMSNorm } from '../model';
import type { CacheShape } from '../layers/state';
import type { WeightArray } from '../tensor';

export interface TensorSpec {
  name: string;
  shape: number[];
  /** Biases and other tensors a checkpoint may leave out. */
  optional?: boolean;
  /** A matrix the kernels read in its stored precision (a Linear's weight; `linearSpec` sets it):
   *  loaded as BF16/F16 bits or float32, fetched with `Weights.matrix`. The embeddings and
   *  lm_head.weight are always matrices. */
  matrix?: boolean;
}

/** Weights by full checkpoint name, already validated against the specs. */
export interface Weights {
  /** As float32 (vectors, conv and norm weights; a matrix asked for this way is widened to a copy). */
  get(name: string): Float32Array;
  opt(name: string): Float32Array | undefined;
  /** A matrix in its stored precision (`TensorSpec.matrix`, the embeddings, lm_head.weight). */
  matrix(name: string): WeightArray;
}

export interface BuiltModel {
  blocks: Block[];
  embeddings: WeightArray; // (V, D), from Weights.matrix
  normF: RMSNorm;
  embeddingScale?: number;
  logitScale?: number;
}

export interface ArchitectureAdapter<C extends ModelConfig = ModelConfig> {
  modelType: C['model_type'];
  /** Prefixes tried in order; the one under which `embeddingKey` exists wins. */
  prefixes: string[];
  embeddingKey: string;
  hiddenStates: HiddenStateConvention;
  parse(r: ConfigReader): C;
  kinds(c: C): BlockKind[];
  /** For blocks that run a transformer shared between depths (zamba2), which one; undefined elsewhere. */
  sharedOf?(c: C): (number | undefined)[];
  tensors(c: C, prefix: string): TensorSpec[];
  build(c: C, w: Weights, prefix: string): BuiltModel;
  /** Per block, what its cache size depends on, from the config alone (the built mixers carry the same,
   *  layers/state.ts blockCacheBytes): a model's memory is known before its weights are read. */
  cacheShapes(c: C): CacheShape[];
}

export function linearSpec(name: string, out: number, inp: number): TensorSpec[] {
  return [{ name: `${name}.weight`, shape: [out, inp], matrix: true }, { name: `${name}.bias`, shape: [out], optional: true }];
}

export function linear(w: Weights, name: string, out: number, inp: number): Linear {
  return { weight: w.matrix(`${name}.weight`), bias: w.opt(`${name}.bias`), outFeatures: out, inFeatures: inp };
}

export function rmsNorm(w: Weights, name: string, eps: number, groupSize?: number): RMSNorm {
  const weight = w.get(name);
  return { weight, eps, groupSize: groupSize ?? weight.length };
}

/**
 * Rows [first, first + out) of an (·, inp) weight as a Linear of its own: a view, never a copy. For
 * fused projections (granitemoehybrid's shared_mlp.input_linear holds gate | up) and stacked expert
 * weights ((E, out, inp) is E·out rows).
 */
export function linearRows(w: Weights, name: string, first: number, out: number, inp: number, bias?: string): Linear {
  const b = bias === undefined ? undefined : w.opt(bias)?.subarray(first, first + out);
  return { weight: w.get(name).subarray(first * inp, (first + out) * inp), bias: b, inFeatures: inp, outFeatures: out };
}
