// y = x·Wᵀ (+ b), the torch.nn.Linear product. Output first, never allocates (but for one scratch
// block it keeps and reuses). JS numbers are doubles, so the dot products accumulate in float64 and
// round once on store. 16-bit weights (tensor.ts Weight16) are widened a block of rows at a time
// and multiplied exactly as float32 ones: the same values give the same bits.
import type { WeightArray } from '../tensor';
import { softplusInPlace } from './activations';
import { widen, widened } from './widen';

/** An activation applied to a matmul's output (fused so a fast backend makes no extra pass). */
export type MatmulAct = 'relu2' | 'softplus';

/**
 * out (T, Out) = act(x (T, In) · w (Out, In)ᵀ + bias (Out)); act 'relu2' is relu(v)² (nemotron_h's MLP),
 * 'softplus' torch's softplus (Mamba-1's Δ = softplus(dt_proj(dt_r))).
 * Tiles of 2 tokens × 4 outputs share each load of x and w across 8 accumulators (about twice the
 * speed of one dot product at a time in V8); leftover rows and columns take the plain loop.
 */
export function matmul(
  out: Float32Array, x: Float32Array, w: WeightArray, T: number, In: number, Out: number, bias?: Float32Array,
  act?: MatmulAct,
): void {
  if (w instanceof Float32Array) {
    matmulLinear(out, x, w, T, In, Out, bias, Out, 0);
  } else {
    // blocks of whole 4-row tiles, so the tiling (and every sum) is the float32 path's
    const rows = Math.max(4, Math.min(Out, Math.floor(BLOCK_FLOATS / In / 4) * 4));
    if (scratch.length < rows * In) scratch = new Float32Array(rows * In);
    for (let o0 = 0; o0 < Out; o0 += rows) {
      const n = Math.min(rows, Out - o0);
      widen(scratch, 0, w, o0 * In, n * In);
      matmulLinear(out, x, scratch, T, In, n, bias?.subarray(o0), Out, o0);
    }
  }
  if (act === 'relu2') for (let i = 0; i < T * Out; i++) out[i] = out[i] > 0 ? out[i] * out[i] : 0;
  else if (act === 'softplus') softplusInPlace(out, T * Out);
}

/** Floats of the widened block of a 16-bit matrix (256 KB: L2-sized). */
const BLOCK_FLOATS = 65536;
let scratch = new Float32Array(0);

/** out[t·ys + yo + o] for o < Out: rows [yo, yo + Out) of a wider output. */
function matmulLinear(
  out: Float32Array, x: Float32Array, w: Float32Array, T: number, In: number, Out: number, bias: Float32Array | undefined,
  ys: number, yo: number,
): void {
  let t = 0;
  for (; t + 1 < T; t += 2) {
    const x0 = t * In, x1 = x0 + In;
    const y0 = t * ys + yo, y1 = y0 + ys;
    let o = 0;
    for (; o + 3 < Out; o += 4) {
      const w0 = o * In, w1 = w0 + In, w2 = w1 + In, w3 = w2 + In;
      let a00 = 0, a01 = 0, a02 = 0, a03 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0;
      for (let i = 0; i < In; i++) {
        const u = x[x0 + i], v = x[x1 + i];
        const p = w[w0 + i], q = w[w1 + i], r = w[w2 + i], s = w[w3 + i];
        a00 += u * p; a01 += u * q; a02 += u * r; a03 += u * s;
        a10 += v * p; a11 += v * q; a12 += v * r; a13 += v * s;
      }
      const b0 = bias ? bias[o] : 0, b1 = bias ? bias[o + 1] : 0, b2 = bias ? bias[o + 2] : 0, b3 = bias ? bias[o + 3] : 0;
      out[y0 + o] = a00 + b0; out[y0 + o + 1] = a01 + b1; out[y0 + o + 2] = a02 + b2; out[y0 + o + 3] = a03 + b3;
      out[y1 + o] = a10 + b0; out[y1 + o + 1] = a11 + b1; out[y1 + o + 2] = a12 + b2; out[y1 + o + 3] = a13 + b3;
    }
    for (; o < Out; o++) {
      out[y0 + o] = dot(x, x0, w, o * In, In) + (bias ? bias[o] : 0);
      out[y1 + o] = dot(x, x1, w, o * In, In) + (bias ? bias[o] : 0);
    }
  }
  for (; t < T; t++) {
    for (let o = 0; o < Out; o++) out[t * ys + yo + o] = dot(x, t * In, w, o * In, In) + (bias ? bias[o] : 0);
  }
}

function dot(x: Float32Array, xo: number, w: Float32Array, wo: number, n: number): number {
  let a0 = 0, a1 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    a0 += x[xo + i] * w[wo + i];
    a1 += x[xo + i + 1] * w[wo + i + 1];
  }
  if (i < n) a0 += x[xo + i] * w[wo + i];
  return a0 + a1;
}

/** The naive twin: one accumulator, textbook loop order (16-bit weights widened first, a copy). */
export function matmulRef(
  out: Float32Array, x: Float32Array, w: WeightArray, T: number, In: number, Out: number, bias?: Float32Array,
): void {
  const wf = w instanceof Float32Array ? w : widened(w);
  for (let t = 0; t < T; t++) {
    for (let o = 0; o < Out; o++) {
      let acc = bias ? bias[o] : 0;
      for (let i = 0; i < In; i++) acc += x[t * In + i] * wf[o * In + i];
      out[t * Out + o] = acc;
    }
  }
}
