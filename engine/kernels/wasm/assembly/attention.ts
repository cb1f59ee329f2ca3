// Pieces of causal attention, p = softmax(q·kᵀ · scaling) over the causal prefix, out = p·v.
// Prefill multiplies row blocks with gemm (matmul.ts) against K and Vᵀ packed once per KV head,
// with softmaxRows in between; decoding (a few rows) uses attendRow directly on the cache.
import { exp4 } from './exp';
import { gemm } from './matmul';
import { hsum, madd } from './simd';

/**
 * In place on R rows of scores at stride `stride`: row r keeps its first L = first + r entries as
 * softmax(scaling · row) and sets entries L … width-1 to 0 (the causal mask; width ≥ every L).
 */
export function softmaxRows(scores: usize, R: i32, stride: i32, first: i32, width: i32, scaling: f32): void {
  const sc = f32x4.splat(scaling);
  for (let r = 0; r < R; r++) {
    const row = scores + ((<usize>r * stride) << 2);
    const L = first + r;
    const L4 = L & ~3;
    let m: f32 = -Infinity;
    for (let i = 0; i < L; i++) m = max(m, load<f32>(row + (<usize>i << 2)));
    const shift = f32x4.splat(-m * scaling);
    let sum = f32x4.splat(0);
    let i = 0;
    for (; i < L4; i += 4) {
      const e = exp4(madd(v128.load(row + (<usize>i << 2)), sc, shift));
      v128.store(row + (<usize>i << 2), e);
      sum = f32x4.add(sum, e);
    }
    let tail: f32 = 0;
    for (; i < L; i++) {
      const e = <f32>Math.exp(<f64>(load<f32>(row + (<usize>i << 2)) * scaling - m * scaling));
      store<f32>(row + (<usize>i << 2), e);
      tail += e;
    }
    const inv = f32x4.splat(<f32>1 / (hsum(sum) + tail));
    for (i = 0; i < L4; i += 4) v128.store(row + (<usize>i << 2), f32x4.mul(v128.load(row + (<usize>i << 2)), inv));
    const invs = f32x4.extract_lane(inv, 0);
    for (; i < L; i++) store<f32>(row + (<usize>i << 2), load<f32>(row + (<usize>i << 2)) * invs);
    for (i = L; i < width; i++) store<f32>(row + (<usize>i << 2), 0);
  }
}

/**
 * One query position for the `rep` query heads that share a KV head (GQA), hd % 8 == 0: q and out
 * hold the rep heads' rows back to back (hd floats each), k and v the L cached rows at stride kvs.
 * probs (rep, L) ← softmax(scaling · q·kᵀ), out ← probs · v. Each cached row is read once for all
 * rep heads (decoding is bound by reading the cache).
 */
export function attendRow(
  out: usize, probs: usize, q: usize, k: usize, v: usize, L: i32, kvs: i32, hd: i32, scaling: f32, rep: i32,
): void {
  const hb = <usize>hd << 2;
  const rs = <usize>kvs << 2;
  const pb = <usize>L << 2;
  for (let s = 0; s < L; s++) {
    const kp = k + <usize>s * rs;
    for (let r = 0; r < rep; r++) {
      const qp = q + <usize>r * hb;
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
      for (let i: usize = 0; i < hb; i += 32) {
        a0 = madd(v128.load(qp + i), v128.load(kp + i), a0);
        a1 = madd(v128.load(qp + i, 16), v128.load(kp + i, 16), a1);
      }
      store<f32>(probs + <usize>r * pb + (<usize>s << 2), hsum(f32x4.add(a0, a1)));
    }
  }
  for (let r = 0; r < rep; r++) {
    softmaxRows(probs + <usize>r * pb, 1, L, L, L, scaling);
    const op = out + <usize>r * hb;
    for (let i: usize = 0; i < hb; i += 16) v128.store(op + i, f32x4.splat(0));
  }
  for (let s = 0; s < L; s++) {
    const vp = v + <usize>s * rs;
    for (let r = 0; r < rep; r++) {
      const p = v128.load32_splat(probs + <usize>r * pb + (<usize>s << 2));
      const op = out + <usize>r * hb;
      for (let i: usize = 0; i < hb; i += 16) v128.store(op + i, madd(p, v128.load(vp + i), v128.load(op + i)));
    }
  }
}

/**
 * One block of R query rows of one head in prefill: scores (R, L) at stride `width` ← q·Kᵀ with K
 * packed by packRows, softmaxRows with the causal prefix first + r, then out rows (stride os) ←
 * scores · V with Vᵀ packed by packColumns over S keys. The probabilities stay in `scores`.
 */
export function attendBlock(
  out: usize, scores: usize, q: usize, kPacked: usize, vPacked: usize, R: i32, hd: i32, L: i32,
  qs: i32, width: i32, first: i32, scaling: f32, os: i32, S: i32,
): void {
  gemm(scores, q, kPacked, R, hd, L, qs, width, hd);
  softmaxRows(scores, R, width, first, L, scaling);
  gemm(out, scores, vPacked, R, L, hd, width, os, S);
}
