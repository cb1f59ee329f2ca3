// Pieces of causal attention, p = softmax(q·kᵀ · scaling) over the causal prefix, out = p·v.
// Prefill multiplies row blocks with gemm (matmul.ts) against K and Vᵀ packed once per KV head,
// with softmaxRows in between; decoding does the same on packed mirrors of the cache (packed-kv.ts).
import { exp2Masked, LOG2E } from './exp';
import { gemm } from './matmul';
import { hsum, madd } from './simd';

// exp(x − max) below e^FLOOR is stored as 0. Without it a sharp row is mostly values near the
// smallest normal floats, which become subnormal once divided by the row's sum (and in p·v), and x86
// takes a slow microcode path for every subnormal operand: a trained hybrid's 4k prefill spent 1.8×
// as long in attention as the same shapes with flatter weights (bench/LOG.md). The dropped mass is
// below L · e^-40 ≈ 4e-18 · L of a sum ≥ 1, far under float32 rounding for any row the engine sees.
// The floor is also what makes exp2Masked (no clamp) safe: every lane it gets wrong lies below it.
const FLOOR: f32 = -40;

/**
 * In place on R rows of scores at stride `stride`: row r keeps its first L = first + r entries as
 * softmax(scaling · row) and sets entries L … width-1 to 0 (the causal mask; width ≥ every L).
 * Entries whose exponent is below FLOOR are 0.
 */
export function softmaxRows(scores: usize, R: i32, stride: i32, first: i32, width: i32, scaling: f32): void {
  // exp(scaling·(s − m)) = 2^(s·c − m·c) with c = scaling·log2(e): one multiply-add a score, then exp2Masked
  const c: f32 = scaling * LOG2E;
  const sc = f32x4.splat(c);
  const floor = f32x4.splat(FLOOR * LOG2E);
  for (let r = 0; r < R; r++) {
    const row = scores + ((<usize>r * stride) << 2);
    const L = first + r;
    const L4 = L & ~3;
    // pmax is one maxps (no NaN fix-ups); scores are finite
    let mv = f32x4.splat(-Infinity);
    for (let i = 0; i < L4; i += 4) mv = f32x4.pmax(mv, v128.load(row + (<usize>i << 2)));
    let m: f32 = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    for (let i = L4; i < L; i++) m = max(m, load<f32>(row + (<usize>i << 2)));
    const shift = f32x4.splat(-m * c);
    let sum = f32x4.splat(0);
    let sum1 = f32x4.splat(0);
    let i = 0;
    // two vectors a step: two independent exp chains and sums
    for (; i + 8 <= L4; i += 8) {
      const at = row + (<usize>i << 2);
      const x0 = madd(v128.load(at), sc, shift);
      const x1 = madd(v128.load(at, 16), sc, shift);
      const e0 = v128.and(exp2Masked(x0), f32x4.ge(x0, floor));
      const e1 = v128.and(exp2Masked(x1), f32x4.ge(x1, floor));
      v128.store(at, e0);
      v128.store(at, e1, 16);
      sum = f32x4.add(sum, e0);
      sum1 = f32x4.add(sum1, e1);
    }
    sum = f32x4.add(sum, sum1);
    for (; i < L4; i += 4) {
      const x = madd(v128.load(row + (<usize>i << 2)), sc, shift);
      const e = v128.and(exp2Masked(x), f32x4.ge(x, floor));
      v128.store(row + (<usize>i << 2), e);
      sum = f32x4.add(sum, e);
    }
    let tail: f32 = 0;
    for (; i < L; i++) {
      const x = load<f32>(row + (<usize>i << 2)) * c - m * c;
      const e: f32 = x < FLOOR * LOG2E ? 0 : f32x4.extract_lane(exp2Masked(f32x4.splat(x)), 0);
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
 * One block of R query rows of one head in prefill: scores (R, L) at stride `width` ← q·Kᵀ with K
 * packed by packRows, softmaxRows with the causal prefix first + r, then out rows (stride os) ←
 * scores · V with Vᵀ packed by packColumns over S keys. The probabilities stay in `scores`.
 * If pooled ≠ 0, the rows are also max-pooled into it (see poolRows, which says what `fresh` means;
 * row r sits at position pos0 + r). `scratch` is gemm's (gemmScratchBytes(), one per thread).
 */
export function attendBlock(
  out: usize, scores: usize, q: usize, kPacked: usize, vPacked: usize, R: i32, hd: i32, L: i32,
  qs: i32, width: i32, first: i32, scaling: f32, os: i32, S: i32, pooled: usize, stride: i32, PS: i32, pos0: i32,
  fresh: i32, scratch: usize,
): void {
  gemm(scores, q, kPacked, R, hd, L, qs, width, hd, scratch);
  softmaxRows(scores, R, width, first, L, scaling);
  if (pooled != 0) poolRows(pooled, scores, R, width, first, pos0, stride, PS, fresh);
  gemm(out, scores, vPacked, R, L, hd, width, os, S, scratch);
}

/**
 * Max-pools R rows of probabilities (row r: first + r entries at stride `width`, position pos0 + r)
 * into one head's map (PS, PS): map[⌊pos/stride⌋, ⌊s/stride⌋] = max(itself, p[s]). The twin is
 * poolRow in engine/kernels/attention.ts; this saves the probes a pass over every row in JS.
 * The rows of one tile row are pooled together, tile by tile, and every max is f32x4.pmax (one
 * maxps): wasm's scalar f32.max branches on equal operands and NaN, and those branches, taken at
 * random on a map that starts at zeros, cost more than the rest of the pooling (measured: 2.4 → 7
 * ms a layer at T = 1,000, stride 4, once the map held no earlier maxima).
 * fresh = 1: a tile row whose first row is among these rows is taken to hold zeros before them, not
 * read (the same bits as a zeroed map: every max starts from +0): the caller need not zero the map
 * when every tile row reaches it in order, its first row first (a 4 MB fill a layer at T = 1,000).
 * Only tiles causality reaches are written: tile row tr's first tr + 1.
 */
export function poolRows(map: usize, probs: usize, R: i32, width: i32, first: i32, pos0: i32, stride: i32, PS: i32, fresh: i32): void {
  const cap = PS * stride;
  const zero = f32x4.splat(0);
  for (let r0 = 0; r0 < R;) {
    const tr = (pos0 + r0) / stride;
    if (tr >= PS) break;
    const r1 = min(R, (tr + 1) * stride - pos0); // rows r0 … r1-1 share tile row tr
    const starts = fresh != 0 && (pos0 + r0) % stride == 0; // this tile row's first row is r0
    const mp = map + ((<usize>tr * PS) << 2);
    const tiles = (min(first + r1 - 1, cap) + stride - 1) / stride; // the longest row's
    let c = 0;
    if (stride <= 2) {
      // strides 1 and 2 (the probes' 512-side map up to 1,024 tokens): 8 columns a step, as far as
      // the group's shortest row goes, 4 or 8 tiles out of two vectors (3.5 → ~1 ms a layer at T = 998)
      const lo = min(first + r0, cap);
      for (; (c + 8 / stride) * stride <= lo; c += 8 / stride) {
        const at = probs + ((<usize>r0 * width + c * stride) << 2);
        let v0 = v128.load(at), v1 = v128.load(at, 16);
        for (let r = r0 + 1; r < r1; r++) {
          const row = at + ((<usize>(r - r0) * width) << 2);
          v0 = f32x4.pmax(v0, v128.load(row));
          v1 = f32x4.pmax(v1, v128.load(row, 16));
        }
        const m = mp + (<usize>c << 2);
        if (stride == 2) {
          v0 = f32x4.pmax(v128.shuffle<u32>(v0, v1, 0, 2, 4, 6), v128.shuffle<u32>(v0, v1, 1, 3, 5, 7));
          v128.store(m, f32x4.pmax(starts ? zero : v128.load(m), v0));
        } else {
          v128.store(m, f32x4.pmax(starts ? zero : v128.load(m), v0));
          v128.store(m, f32x4.pmax(starts ? zero : v128.load(m, 16), v1), 16);
        }
      }
    }
    for (; c < tiles; c++) {
      const s0 = c * stride;
      let mv = starts ? zero : v128.load32_splat(mp + (<usize>c << 2));
      for (let r = r0; r < r1; r++) {
        const end = min(min(first + r, cap), s0 + stride);
        const row = probs + ((<usize>r * width) << 2);
        let s = s0;
        for (; s + 4 <= end; s += 4) mv = f32x4.pmax(mv, v128.load(row + (<usize>s << 2)));
        for (; s < end; s++) mv = f32x4.pmax(mv, v128.load32_splat(row + (<usize>s << 2)));
      }
      mv = f32x4.pmax(mv, v128.shuffle<u32>(mv, mv, 2, 3, 0, 1));
      mv = f32x4.pmax(mv, v128.shuffle<u32>(mv, mv, 1, 0, 3, 2));
      v128.store32_lane(mp + (<usize>c << 2), mv, 0);
    }
    r0 = r1;
  }
}

/** dst (n) ← max(dst, src) elementwise: the helper thread's copy of a pooled map merged into the caller's. */
export function maxInto(dst: usize, src: usize, n: i32): void {
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const at = dst + (<usize>i << 2);
    v128.store(at, f32x4.pmax(v128.load(at), v128.load(src + (<usize>i << 2))));
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), max(load<f32>(dst + (<usize>i << 2)), load<f32>(src + (<usize>i << 2))));
}
