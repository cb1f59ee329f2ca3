// Pieces of causal attention, p = softmax(q·kᵀ · scaling) over the causal prefix, out = p·v.
// Prefill multiplies row blocks with gemm (matmul.ts) against K and Vᵀ packed once per KV head,
// with softmaxRows in between; decoding (a few rows) uses attendRow directly on the cache.
import { exp4 } from './exp';
import { gemm } from './matmul';
import { hsum, madd, sum4 } from './simd';

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
    // pmax is one maxps (no NaN fix-ups); scores are finite
    let mv = f32x4.splat(-Infinity);
    for (let i = 0; i < L4; i += 4) mv = f32x4.pmax(mv, v128.load(row + (<usize>i << 2)));
    let m: f32 = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    for (let i = L4; i < L; i++) m = max(m, load<f32>(row + (<usize>i << 2)));
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

/** Rows of V per pass of e · v: 64 rows of hd ≤ 64 floats stay in L1 while every head reads them. */
const V_BLOCK = 64;

/**
 * One query position for the `rep` query heads that share a KV head (GQA), hd % 8 == 0: q and out
 * hold the rep heads' rows back to back (hd floats each), k and v the L cached rows at stride kvs.
 * probs (rep, L) ← softmax(scaling · q·kᵀ), out ← probs · v. `part` holds rep · (hd + 2) floats of
 * scratch (attendPart over all keys, then normalised).
 */
export function attendRow(
  out: usize, probs: usize, part: usize, q: usize, k: usize, v: usize, L: i32, kvs: i32, hd: i32, scaling: f32, rep: i32,
): void {
  attendPart(part, probs, q, k, v, 0, L, L, kvs, hd, scaling, rep);
  const hb = <usize>hd << 2;
  for (let r = 0; r < rep; r++) {
    const pp = part + ((<usize>r * (hd + 2)) << 2);
    const inv = f32x4.splat(<f32>1 / load<f32>(pp, 4));
    const op = out + <usize>r * hb;
    for (let i: usize = 0; i < hb; i += 16) v128.store(op + i, f32x4.mul(v128.load(pp + 8 + i), inv));
    scaleRange(probs + ((<usize>r * L) << 2), 0, L, inv);
  }
}

/**
 * Keys s0 … s1-1 of one query position for the rep heads of a KV group (layout as attendRow):
 * a partial softmax that merges with other key ranges (flash-decoding). Writes e = exp(scaling ·
 * (q·kᵀ − m)) at probs[r·L + s] and part (rep, hd + 2) = [m, Σ e, Σ e·v] per head, m the range's
 * largest q·kᵀ. Decoding is bound by reading the cache, so each cached row is read once for all rep
 * heads: scores four keys at a time (one transpose-add instead of four horizontal sums), e · v in
 * blocks of V_BLOCK rows with the output accumulated in registers.
 */
export function attendPart(
  part: usize, probs: usize, q: usize, k: usize, v: usize, s0: i32, s1: i32, L: i32, kvs: i32, hd: i32, scaling: f32, rep: i32,
): void {
  const hb = <usize>hd << 2;
  const rs = <usize>kvs << 2;
  const pb = <usize>L << 2;
  let s = s0;
  for (; s + 4 <= s1; s += 4) {
    const k0 = k + <usize>s * rs, k1 = k0 + rs, k2 = k1 + rs, k3 = k2 + rs;
    for (let r = 0; r < rep; r++) {
      const qp = q + <usize>r * hb;
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      for (let i: usize = 0; i < hb; i += 16) {
        const qv = v128.load(qp + i);
        a0 = madd(qv, v128.load(k0 + i), a0);
        a1 = madd(qv, v128.load(k1 + i), a1);
        a2 = madd(qv, v128.load(k2 + i), a2);
        a3 = madd(qv, v128.load(k3 + i), a3);
      }
      v128.store(probs + <usize>r * pb + (<usize>s << 2), sum4(a0, a1, a2, a3));
    }
  }
  for (; s < s1; s++) {
    const kp = k + <usize>s * rs;
    for (let r = 0; r < rep; r++) {
      const qp = q + <usize>r * hb;
      let a0 = f32x4.splat(0);
      for (let i: usize = 0; i < hb; i += 16) a0 = madd(v128.load(qp + i), v128.load(kp + i), a0);
      store<f32>(probs + <usize>r * pb + (<usize>s << 2), hsum(a0));
    }
  }
  for (let r = 0; r < rep; r++) {
    const row = probs + <usize>r * pb;
    const n = s1 - s0;
    const n4 = n & ~3;
    const x = row + (<usize>s0 << 2);
    let mv = f32x4.splat(-Infinity);
    for (let i = 0; i < n4; i += 4) mv = f32x4.pmax(mv, v128.load(x + (<usize>i << 2)));
    let m: f32 = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    for (let i = n4; i < n; i++) m = max(m, load<f32>(x + (<usize>i << 2)));
    const sc = f32x4.splat(scaling);
    const shift = f32x4.splat(-m * scaling);
    let sum = f32x4.splat(0);
    for (let i = 0; i < n4; i += 4) {
      const e = exp4(madd(v128.load(x + (<usize>i << 2)), sc, shift));
      v128.store(x + (<usize>i << 2), e);
      sum = f32x4.add(sum, e);
    }
    let tail: f32 = 0;
    for (let i = n4; i < n; i++) {
      const e = <f32>Math.exp(<f64>(load<f32>(x + (<usize>i << 2)) * scaling - m * scaling));
      store<f32>(x + (<usize>i << 2), e);
      tail += e;
    }
    const pp = part + ((<usize>r * (hd + 2)) << 2);
    store<f32>(pp, m);
    store<f32>(pp, hsum(sum) + tail, 4);
    for (let i: usize = 0; i < hb; i += 16) v128.store(pp + 8 + i, f32x4.splat(0));
  }
  for (let b0 = s0; b0 < s1; b0 += V_BLOCK) {
    const b1 = min(s1, b0 + V_BLOCK);
    for (let r = 0; r < rep; r++) {
      const pp = probs + <usize>r * pb;
      const op = part + ((<usize>r * (hd + 2)) << 2) + 8;
      let i: usize = 0;
      // 16 output floats: two keys per step into two sets of four accumulators
      for (; i + 64 <= hb; i += 64) {
        let c0 = v128.load(op + i), c1 = v128.load(op + i, 16), c2 = v128.load(op + i, 32), c3 = v128.load(op + i, 48);
        let d0 = f32x4.splat(0), d1 = f32x4.splat(0), d2 = f32x4.splat(0), d3 = f32x4.splat(0);
        let t = b0;
        for (; t + 2 <= b1; t += 2) {
          const p0 = v128.load32_splat(pp + (<usize>t << 2));
          const p1 = v128.load32_splat(pp + (<usize>t << 2), 4);
          const v0 = v + <usize>t * rs + i;
          const v1 = v0 + rs;
          c0 = madd(p0, v128.load(v0), c0); c1 = madd(p0, v128.load(v0, 16), c1);
          c2 = madd(p0, v128.load(v0, 32), c2); c3 = madd(p0, v128.load(v0, 48), c3);
          d0 = madd(p1, v128.load(v1), d0); d1 = madd(p1, v128.load(v1, 16), d1);
          d2 = madd(p1, v128.load(v1, 32), d2); d3 = madd(p1, v128.load(v1, 48), d3);
        }
        if (t < b1) {
          const p0 = v128.load32_splat(pp + (<usize>t << 2));
          const v0 = v + <usize>t * rs + i;
          c0 = madd(p0, v128.load(v0), c0); c1 = madd(p0, v128.load(v0, 16), c1);
          c2 = madd(p0, v128.load(v0, 32), c2); c3 = madd(p0, v128.load(v0, 48), c3);
        }
        v128.store(op + i, f32x4.add(c0, d0)); v128.store(op + i, f32x4.add(c1, d1), 16);
        v128.store(op + i, f32x4.add(c2, d2), 32); v128.store(op + i, f32x4.add(c3, d3), 48);
      }
      // the last 8 floats when hd % 16 == 8
      for (; i < hb; i += 32) {
        let c0 = v128.load(op + i), c1 = v128.load(op + i, 16);
        let d0 = f32x4.splat(0), d1 = f32x4.splat(0);
        let t = b0;
        for (; t + 2 <= b1; t += 2) {
          const p0 = v128.load32_splat(pp + (<usize>t << 2));
          const p1 = v128.load32_splat(pp + (<usize>t << 2), 4);
          const v0 = v + <usize>t * rs + i;
          c0 = madd(p0, v128.load(v0), c0); c1 = madd(p0, v128.load(v0, 16), c1);
          d0 = madd(p1, v128.load(v0 + rs), d0); d1 = madd(p1, v128.load(v0 + rs, 16), d1);
        }
        if (t < b1) {
          const p0 = v128.load32_splat(pp + (<usize>t << 2));
          const v0 = v + <usize>t * rs + i;
          c0 = madd(p0, v128.load(v0), c0); c1 = madd(p0, v128.load(v0, 16), c1);
        }
        v128.store(op + i, f32x4.add(c0, d0)); v128.store(op + i, f32x4.add(c1, d1), 16);
      }
    }
  }
}

/** x[s0 … s1-1] ⊙= f (f splat). */
@inline
function scaleRange(x: usize, s0: i32, s1: i32, f: v128): void {
  let i = s0;
  for (; i + 4 <= s1; i += 4) v128.store(x + (<usize>i << 2), f32x4.mul(v128.load(x + (<usize>i << 2)), f));
  const fs = f32x4.extract_lane(f, 0);
  for (; i < s1; i++) store<f32>(x + (<usize>i << 2), load<f32>(x + (<usize>i << 2)) * fs);
}

/**
 * One block of R query rows of one head in prefill: scores (R, L) at stride `width` ← q·Kᵀ with K
 * packed by packRows, softmaxRows with the causal prefix first + r, then out rows (stride os) ←
 * scores · V with Vᵀ packed by packColumns over S keys. The probabilities stay in `scores`.
 * If pooled ≠ 0, the rows are also max-pooled into it (see poolRows; row r sits at position pos0 + r).
 */
export function attendBlock(
  out: usize, scores: usize, q: usize, kPacked: usize, vPacked: usize, R: i32, hd: i32, L: i32,
  qs: i32, width: i32, first: i32, scaling: f32, os: i32, S: i32, pooled: usize, stride: i32, PS: i32, pos0: i32,
): void {
  gemm(scores, q, kPacked, R, hd, L, qs, width, hd);
  softmaxRows(scores, R, width, first, L, scaling);
  if (pooled != 0) poolRows(pooled, scores, R, width, first, pos0, stride, PS);
  gemm(out, scores, vPacked, R, L, hd, width, os, S);
}

/**
 * Max-pools R rows of probabilities (row r: first + r entries at stride `width`, position pos0 + r)
 * into one head's map (PS, PS): map[⌊pos/stride⌋, ⌊s/stride⌋] = max(itself, p[s]). The twin is
 * poolRow in engine/kernels/attention.ts; this saves the probes a pass over every row in JS.
 */
export function poolRows(map: usize, probs: usize, R: i32, width: i32, first: i32, pos0: i32, stride: i32, PS: i32): void {
  const vec = stride % 4 == 0;
  for (let r = 0; r < R; r++) {
    const tr = (pos0 + r) / stride;
    if (tr >= PS) break;
    const row = probs + ((<usize>r * width) << 2);
    const mp = map + ((<usize>tr * PS) << 2);
    const L = min(first + r, PS * stride);
    const full = L / stride;
    for (let c = 0; c < full; c++) {
      const s0 = c * stride;
      let m = load<f32>(mp + (<usize>c << 2));
      if (vec) {
        let mv = f32x4.splat(m);
        for (let s = s0; s < s0 + stride; s += 4) mv = f32x4.pmax(mv, v128.load(row + (<usize>s << 2)));
        m = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
      } else {
        for (let s = s0; s < s0 + stride; s++) m = max(m, load<f32>(row + (<usize>s << 2)));
      }
      store<f32>(mp + (<usize>c << 2), m);
    }
    if (full * stride < L) {
      let m = load<f32>(mp + (<usize>full << 2));
      for (let s = full * stride; s < L; s++) m = max(m, load<f32>(row + (<usize>s << 2)));
      store<f32>(mp + (<usize>full << 2), m);
    }
  }
}
