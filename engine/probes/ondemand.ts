// Full-resolution views recomputed on request from what a run kept (RunContext), never stored:
// attention tiles from q/k, implicit-attention tiles and pooled maps from dt/B/C (Mamba-2) or Δ/B/C
// (Mamba-1), and the SSM state at any position by re-running the prefix.
import { InputError } from '../errors';
import type { RunContext } from '../forward';
import { forward } from '../forward';
import type { Model } from '../model';
import type { Tensor } from '../tensor';
import { deltaColumn, mamba1ImplicitRow, mamba2ImplicitRow, prefixSums } from './implicit';
import type { Mamba1Context, Mamba2Context } from './ssm-probe';

export interface TileRequest {
  /** Layout position of the block. */
  layer: number;
  /** Head (Mamba-1: channel group). */
  head: number;
  /** Query rows [start, end) and key columns [start, end). */
  rows: [number, number];
  cols: [number, number];
}

/** The context of the block at `layer`, or of its attention or Mamba part inside a compound block. */
function layerContext(ctx: RunContext, layer: number, part: 'attention' | 'ssm') {
  const kept = ctx.layers[layer];
  const c = kept?.kind === 'compound' ? kept[part] : kept;
  if (!c) throw new InputError(`layer ${layer} kept no context for tiles (not captured, or dropped for the budget)`);
  return c;
}

function checkRange([a, b]: [number, number], T: number, what: string): void {
  if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && a < b && b <= T)) {
    throw new InputError(`${what} [${a}, ${b}) is not a range within 0..${T}`);
  }
}

/** Attention probabilities (rows, cols) of one head, recomputed from q and k. */
export function attentionTile(ctx: RunContext, req: TileRequest): Tensor {
  const c = layerContext(ctx, req.layer, 'attention');
  if (c.kind !== 'attention') throw new InputError(`layer ${req.layer} is not an attention layer`);
  checkRange(req.rows, c.T, 'rows'); checkRange(req.cols, c.T, 'cols');
  if (req.head < 0 || req.head >= c.H) throw new InputError(`head ${req.head} is outside 0..${c.H - 1}`);
  const [r0, r1] = req.rows, [c0, c1] = req.cols;
  const out = new Float32Array((r1 - r0) * (c1 - c0));
  const kvh = Math.floor(req.head / (c.H / c.KVH));
  const scores = new Float64Array(c.T);
  for (let t = r0; t < r1; t++) {
    const qo = (t * c.H + req.head) * c.hd;
    let max = -Infinity;
    for (let s = 0; s <= t; s++) {
      let dot = 0;
      for (let i = 0; i < c.hd; i++) dot += c.q[qo + i] * c.k[(s * c.KVH + kvh) * c.hd + i];
      scores[s] = dot * c.scaling;
      if (scores[s] > max) max = scores[s];
    }
    let sum = 0;
    for (let s = 0; s <= t; s++) sum += scores[s] = Math.exp(scores[s] - max);
    for (let s = c0; s < Math.min(c1, t + 1); s++) out[(t - r0) * (c1 - c0) + (s - c0)] = scores[s] / sum;
  }
  return { dtype: 'f32', shape: [r1 - r0, c1 - c0], data: out };
}

/**
 * Implicit attention M[t, s] (rows, cols) of one Mamba head. Mamba-1: the mean over the group's
 * channels, sampled evenly when a request would cost more than MAMBA1_REQUEST_COST exp() calls.
 */
export function implicitTile(ctx: RunContext, req: TileRequest): Tensor {
  const c = layerContext(ctx, req.layer, 'ssm');
  if (c.kind === 'attention') throw new InputError(`layer ${req.layer} is not a Mamba layer`);
  checkRange(req.rows, c.T, 'rows'); checkRange(req.cols, c.T, 'cols');
  const heads = c.kind === 'mamba2' ? c.H : c.groups;
  if (req.head < 0 || req.head >= heads) throw new InputError(`head ${req.head} is outside 0..${heads - 1}`);
  const [r0, r1] = req.rows, [c0, c1] = req.cols;
  const out = new Float32Array((r1 - r0) * (c1 - c0));
  const row = new Float32Array(c.T);
  const rowAt = implicitRowFn(c, req.head, r1 - r0);
  for (let t = r0; t < r1; t++) {
    rowAt(row, t);
    out.set(row.subarray(c0, c1), (t - r0) * (c1 - c0));
  }
  return { dtype: 'f32', shape: [r1 - r0, c1 - c0], data: out };
}

/** Overview of one head's implicit attention: max of |M| over stride × stride cells, (S, S), S ≤ size. */
export function implicitPooled(ctx: RunContext, layer: number, head: number, size = 512): { map: Tensor; stride: number } {
  const c = layerContext(ctx, layer, 'ssm');
  if (c.kind === 'attention') throw new InputError(`layer ${layer} is not a Mamba layer`);
  const stride = Math.ceil(c.T / Math.min(size, 512));
  const S = Math.ceil(c.T / stride);
  const map = new Float32Array(S * S);
  const row = new Float32Array(c.T);
  const rowAt = implicitRowFn(c, head, c.T);
  for (let t = 0; t < c.T; t++) {
    rowAt(row, t);
    const o = Math.floor(t / stride) * S;
    for (let s = 0; s <= t; s++) {
      const v = Math.abs(row[s]);
      const cell = o + Math.floor(s / stride);
      if (v > map[cell]) map[cell] = v;
    }
  }
  return { map: { dtype: 'f32', shape: [S, S], data: map }, stride };
}

/** Cap on exp() evaluations of one on-demand Mamba-1 request; beyond it channels are sampled evenly. */
const MAMBA1_REQUEST_COST = 2e8;

function implicitRowFn(c: Mamba2Context | Mamba1Context, head: number, rows = 1): (row: Float32Array, t: number) => void {
  if (c.kind === 'mamba2') {
    const cum = prefixSums(c.dt, c.A, c.T, c.H);
    return (row, t) => mamba2ImplicitRow(row, t, head, c.dt, cum, c.B, c.C, c.T, c.H, c.G, c.N);
  }
  if (c.kind === 'mamba1') {
    const cumDelta = prefixSums(c.delta, undefined, c.T, c.I);
    const cpg = c.I / c.groups;
    const columns = new Map<number, Float32Array>();
    const channel = (d: number) => {
      if (!columns.has(d)) columns.set(d, deltaColumn(c.delta, d, c.T, c.I));
      return { cum: cumDelta.subarray(d * c.T, (d + 1) * c.T), delta: columns.get(d)! };
    };
    const step = Math.max(1, Math.ceil((rows * c.T * cpg * c.N) / MAMBA1_REQUEST_COST));
    return (row, t) => mamba1ImplicitRow(row, t, head * cpg, (head + 1) * cpg, step, channel, c.A, c.B, c.C, c.N);
  }
  throw new InputError('not a Mamba layer');
}

/** The SSM state of the block at layout position `layer` after token `position`, by re-running the prefix. */
export function stateAt(model: Model, ids: Int32Array | number[], layer: number, position: number): Tensor {
  const block = model.blocks[layer];
  if (!block || (block.kind !== 'mamba2' && block.kind !== 'mamba1' && block.kind !== 'parallel' && block.kind !== 'shared')) throw new InputError(`layer ${layer} is not a Mamba layer`);
  if (!Number.isInteger(position) || position < 0 || position >= ids.length) throw new InputError(`position ${position} is outside 0..${ids.length - 1}`);
  const r = forward(model, Array.from(ids).slice(0, position + 1), { defaults: false, keepContext: false }, { outputs: { ssmStates: true }, lastLogitsOnly: true });
  return r.ssmStates![layer];
}

/** A tile of an attention or implicit-attention map, at most `size` cells a side. */
export interface PooledTileRequest extends TileRequest {
  map: 'attention' | 'implicit';
  size: number;
}

/** A tile of a map at most `size` cells a side: computed a band of rows at a time and max-pooled
 *  (by magnitude, keeping the sign) so a 4k × 4k range never exists at full resolution at once. */
export function pooledTile(ctx: RunContext, q: PooledTileRequest): { tile: Tensor; stride: [number, number] } {
  const [r0, r1] = q.rows, [c0, c1] = q.cols;
  const sr = Math.ceil((r1 - r0) / q.size), sc = Math.ceil((c1 - c0) / q.size);
  const R = Math.ceil((r1 - r0) / sr), C = Math.ceil((c1 - c0) / sc);
  const out = new Float32Array(R * C); // (R, C)
  const compute = q.map === 'attention' ? attentionTile : implicitTile;
  const width = c1 - c0;
  for (let band = 0; band < R; band++) {
    const rows: [number, number] = [r0 + band * sr, Math.min(r1, r0 + (band + 1) * sr)];
    const t = compute(ctx, { layer: q.layer, head: q.head, rows, cols: q.cols }).data; // (rows, width)
    for (let i = 0; i < rows[1] - rows[0]; i++) {
      for (let j = 0; j < width; j++) {
        const v = t[i * width + j];
        const cell = band * C + Math.floor(j / sc);
        if (Math.abs(v) > Math.abs(out[cell])) out[cell] = v;
      }
    }
  }
  return { tile: { dtype: 'f32', shape: [R, C], data: out }, stride: [sr, sc] };
}
