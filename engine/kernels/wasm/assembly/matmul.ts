// y (T, Out) = x (T, In) · Wᵀ, W (Out, In) as in torch.nn.Linear, with W packed once at load.
//
// Packed layout: panels of NR = 8 output columns, k-major inside a panel:
//   wp[(p·In + k)·8 + j] = W[p·8 + j, k]   (zero where p·8 + j ≥ Out)
// so the micro-kernel reads 8 consecutive weights (two v128) per k. It keeps a 4 × 8 block of y in
// 8 v128 accumulators and streams k: per k, two weight loads, four broadcasts of x[i, k], eight
// multiply-adds. Eight independent accumulators cover FMA latency × throughput (4 cycles × 2 per
// cycle on current x64). Measured (bench/README.md): 6 × 8 and 5 × 8 spill accumulators under V8's
// register allocator and run at half the speed; unrolling k by 2 also spills. Rows go in blocks of
// ROW_BLOCK and k in blocks of K_BLOCK; each (row block, k block) of x is first packed into quads
// of 4 rows, k-major (packQuads), in a scratch buffer the caller owns (one per thread), so the
// micro-kernel reads x as one sequential stream at fixed offsets instead of four rows at a stride
// (power-of-two strides alias in the cache, and each broadcast needed its own address arithmetic:
// 64–70 % → 75–85 % of the FMA peak, bench/README.md change 26). A panel's 8 × K_BLOCK weights
// (16 KB) and a quad's 4 × K_BLOCK values (8 KB) stay in L1 while the row block streams by; for
// In > K_BLOCK the partial sums of each k block are added into y.
import { madd } from './simd';

export const NR: i32 = 8;
export const MR: i32 = 4;
export const ROW_BLOCK: i32 = 64;
/** k per pass: a panel's 8 × K_BLOCK weights (16 KB) stay in L1 while the row block streams by. */
export const K_BLOCK: i32 = 512;

/** Bytes of the scratch buffer gemm packs x into (one per thread running gemm at the same time). */
export function gemmScratchBytes(): i32 {
  return ROW_BLOCK * K_BLOCK * 4;
}

/** Floats needed for the packed form of a W with `Out` rows of `In`. */
export function packedSize(In: i32, Out: i32): i32 {
  return ((Out + NR - 1) / NR) * NR * In;
}

/** wp ← W (Out, In) in panels of 8 output columns (see the layout above). */
export function packWeights(wp: usize, w: usize, In: i32, Out: i32): void {
  packRows(wp, w, In, Out, In);
}

/**
 * packWeights for rows of W at a stride of ws floats (a head's keys inside a (S, KVH, hd) cache).
 * A full panel goes 4 k at a time: four values from each of its 8 rows, two 4 × 4 transposes (the
 * prefill packs each attention layer's keys this way, 4,000 × 64 of them at 4k tokens).
 */
export function packRows(wp: usize, w: usize, In: i32, Out: i32, ws: i32): void {
  const panels = (Out + NR - 1) / NR;
  const In4 = In & ~3;
  const rs = <usize>ws << 2;
  for (let p = 0; p < panels; p++) {
    let k = 0;
    if (p * NR + NR <= Out) {
      const r0 = w + ((<usize>(p * NR) * ws) << 2);
      for (; k < In4; k += 4) {
        const lo = r0 + (<usize>k << 2);
        const hi = lo + 4 * rs;
        const dst = wp + ((<usize>(p * In + k) * NR) << 2);
        transpose4(dst, v128.load(lo), v128.load(lo + rs), v128.load(lo + 2 * rs), v128.load(lo + 3 * rs));
        transpose4(dst + 16, v128.load(hi), v128.load(hi + rs), v128.load(hi + 2 * rs), v128.load(hi + 3 * rs));
      }
    }
    for (; k < In; k++) {
      const dst = wp + ((<usize>(p * In + k) * NR) << 2);
      for (let j = 0; j < NR; j++) {
        const o = p * NR + j;
        store<f32>(dst + (<usize>j << 2), o < Out ? load<f32>(w + ((<usize>o * ws + k) << 2)) : 0);
      }
    }
  }
}

// Rows a0–a3 (4 values each) stored as columns: column c (a0[c], a1[c], a2[c], a3[c]) at dst + c · 32
// bytes, the first half of a packed panel's row of 8 (the second half is the panel's rows 4–7).
@inline
function transpose4(dst: usize, a0: v128, a1: v128, a2: v128, a3: v128): void {
  const t0 = v128.shuffle<u32>(a0, a1, 0, 4, 1, 5); // a0[0] a1[0] a0[1] a1[1]
  const t1 = v128.shuffle<u32>(a2, a3, 0, 4, 1, 5);
  const t2 = v128.shuffle<u32>(a0, a1, 2, 6, 3, 7);
  const t3 = v128.shuffle<u32>(a2, a3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<u64>(t0, t1, 0, 2));
  v128.store(dst, v128.shuffle<u64>(t0, t1, 1, 3), 32);
  v128.store(dst, v128.shuffle<u64>(t2, t3, 0, 2), 64);
  v128.store(dst, v128.shuffle<u64>(t2, t3, 1, 3), 96);
}

/**
 * wp ← Vᵀ packed, for V (S, hd) rows at stride vs: the product P (R, S) · V (R, hd) is then a gemm
 * with In = S and Out = hd. Panel p holds columns p·8 … p·8+7 of V, row by row (hd % 8 == 0).
 */
export function packColumns(wp: usize, v: usize, S: i32, hd: i32, vs: i32): void {
  const panels = hd / NR;
  for (let p = 0; p < panels; p++) {
    for (let s = 0; s < S; s++) {
      const src = v + ((<usize>s * vs + p * NR) << 2);
      const dst = wp + ((<usize>(p * S + s) * NR) << 2);
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
    }
  }
}

// Stores the first nj ≤ 8 lanes of (c0, c1) at y. The partial case goes lane by lane (no shared
// scratch memory, so two threads can run kernels at once).
@inline
function storeRow(y: usize, c0: v128, c1: v128, nj: i32): void {
  if (nj == NR) {
    v128.store(y, c0);
    v128.store(y, c1, 16);
    return;
  }
  if (nj > 0) store<f32>(y, f32x4.extract_lane(c0, 0));
  if (nj > 1) store<f32>(y, f32x4.extract_lane(c0, 1), 4);
  if (nj > 2) store<f32>(y, f32x4.extract_lane(c0, 2), 8);
  if (nj > 3) store<f32>(y, f32x4.extract_lane(c0, 3), 12);
  if (nj > 4) store<f32>(y, f32x4.extract_lane(c1, 0), 16);
  if (nj > 5) store<f32>(y, f32x4.extract_lane(c1, 1), 20);
  if (nj > 6) store<f32>(y, f32x4.extract_lane(c1, 2), 24);
}

// The first nj ≤ 8 lanes at y as (lanes 0–3, lanes 4–7), zeros beyond: the partial sums of an
// earlier k block.
@inline
function loadRow(y: usize, nj: i32, hi: bool): v128 {
  if (nj == NR) return v128.load(hi ? y + 16 : y);
  let v = f32x4.splat(0);
  const o = hi ? 4 : 0;
  if (nj > o) v = f32x4.replace_lane(v, 0, load<f32>(y + (<usize>o << 2)));
  if (nj > o + 1) v = f32x4.replace_lane(v, 1, load<f32>(y + (<usize>(o + 1) << 2)));
  if (nj > o + 2) v = f32x4.replace_lane(v, 2, load<f32>(y + (<usize>(o + 2) << 2)));
  if (nj > o + 3) v = f32x4.replace_lane(v, 3, load<f32>(y + (<usize>(o + 3) << 2)));
  return v;
}

// Rows [i0, i1) × k [k0, k0 + kn) of x (row stride xs) → quads of 4 rows, k-major:
//   xq[((i - i0) / 4 · kn + k) · 4 + r] = x[i + r, k0 + k]   for whole quads only (i1 - i0 rounded down).
// Four rows at a time: four v128 loads and a 4 × 4 transpose per 4 k.
export function packQuads(xq: usize, x: usize, i0: i32, i1: i32, k0: i32, kn: i32, xs: i32): void {
  const rs = <usize>xs << 2;
  const kn4 = kn & ~3;
  for (let i = i0; i + MR <= i1; i += MR) {
    const q = xq + ((<usize>(i - i0) * kn) << 2);
    const r0 = x + ((<usize>i * xs + k0) << 2);
    let k = 0;
    for (; k < kn4; k += 4) {
      const src = r0 + (<usize>k << 2);
      const a0 = v128.load(src);
      const a1 = v128.load(src + rs);
      const a2 = v128.load(src + 2 * rs);
      const a3 = v128.load(src + 3 * rs);
      const t0 = v128.shuffle<u32>(a0, a1, 0, 4, 1, 5); // a0[0] a1[0] a0[1] a1[1]
      const t1 = v128.shuffle<u32>(a2, a3, 0, 4, 1, 5);
      const t2 = v128.shuffle<u32>(a0, a1, 2, 6, 3, 7);
      const t3 = v128.shuffle<u32>(a2, a3, 2, 6, 3, 7);
      const dst = q + (<usize>k << 4);
      v128.store(dst, v128.shuffle<u64>(t0, t1, 0, 2)); // column k: rows 0–3
      v128.store(dst, v128.shuffle<u64>(t0, t1, 1, 3), 16);
      v128.store(dst, v128.shuffle<u64>(t2, t3, 0, 2), 32);
      v128.store(dst, v128.shuffle<u64>(t2, t3, 1, 3), 48);
    }
    for (; k < kn; k++) {
      const src = r0 + (<usize>k << 2);
      const dst = q + (<usize>k << 4);
      store<f32>(dst, load<f32>(src));
      store<f32>(dst, load<f32>(src + rs), 4);
      store<f32>(dst, load<f32>(src + 2 * rs), 8);
      store<f32>(dst, load<f32>(src + 3 * rs), 12);
    }
  }
}

// 4 rows × 8 columns of y (nj ≤ 8 of them stored) from a packed quad xq (packQuads) over kn values
// of k; with `acc`, added to y.
@inline
export function kernel4(y: usize, xq: usize, b: usize, kn: i32, ys: i32, nj: i32, acc: bool): void {
  const yb = <usize>ys << 2;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (acc) {
    c00 = loadRow(y, nj, false); c01 = loadRow(y, nj, true);
    c10 = loadRow(y + yb, nj, false); c11 = loadRow(y + yb, nj, true);
    c20 = loadRow(y + 2 * yb, nj, false); c21 = loadRow(y + 2 * yb, nj, true);
    c30 = loadRow(y + 3 * yb, nj, false); c31 = loadRow(y + 3 * yb, nj, true);
  }
  const end = xq + (<usize>kn << 4);
  let xp = xq;
  let bp = b;
  while (xp < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(xp);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(xp, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(xp, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(xp, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    xp += 16;
    bp += 32;
  }
  storeRow(y, c00, c01, nj);
  storeRow(y + yb, c10, c11, nj);
  storeRow(y + 2 * yb, c20, c21, nj);
  storeRow(y + 3 * yb, c30, c31, nj);
}

// 1 row × 8 columns of y: the T mod 4 leftover rows, and single-token decoding (gemv).
@inline
export function kernel1(y: usize, x: usize, b: usize, In: i32, nj: i32, acc: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), d0 = f32x4.splat(0), d1 = f32x4.splat(0);
  if (acc) {
    c0 = loadRow(y, nj, false);
    c1 = loadRow(y, nj, true);
  }
  const end = x + (<usize>In << 2);
  let xp = x;
  let bp = b;
  // Two independent accumulator pairs halve the dependent-add chain.
  while (xp + 8 <= end) {
    let a = v128.load32_splat(xp);
    c0 = madd(a, v128.load(bp), c0); c1 = madd(a, v128.load(bp, 16), c1);
    a = v128.load32_splat(xp, 4);
    d0 = madd(a, v128.load(bp, 32), d0); d1 = madd(a, v128.load(bp, 48), d1);
    xp += 8;
    bp += 64;
  }
  if (xp < end) {
    const a = v128.load32_splat(xp);
    c0 = madd(a, v128.load(bp), c0); c1 = madd(a, v128.load(bp, 16), c1);
  }
  storeRow(y, f32x4.add(c0, d0), f32x4.add(c1, d1), nj);
}

/**
 * wp16 ← the upper halves (bfloat16) of W's floats, in packWeights' panel layout (2 bytes each).
 * Returns 1 if every lower half was 0, i.e. W is exactly bfloat16 and gemv16 reproduces gemv.
 */
export function packWeights16(wp: usize, w: usize, In: i32, Out: i32): i32 {
  const panels = (Out + NR - 1) / NR;
  let low: u32 = 0;
  for (let p = 0; p < panels; p++) {
    for (let k = 0; k < In; k++) {
      const dst = wp + ((<usize>(p * In + k) * NR) << 1);
      for (let j = 0; j < NR; j++) {
        const o = p * NR + j;
        const bits = o < Out ? load<u32>(w + ((<usize>o * In + k) << 2)) : 0;
        low |= bits & 0xffff;
        store<u16>(dst + (<usize>j << 1), <u16>(bits >>> 16));
      }
    }
  }
  return low == 0 ? 1 : 0;
}

// gemv's 1 × 8 kernel over bfloat16 weights: each 16-byte load widens to two f32x4 (a bfloat16 is
// the top half of a float32, so the widening is exact). Decoding reads every weight once per token;
// half the bytes is what makes it faster.
@inline
function kernel1b(y: usize, x: usize, b: usize, In: i32, nj: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), d0 = f32x4.splat(0), d1 = f32x4.splat(0);
  const end = x + (<usize>In << 2);
  let xp = x;
  let bp = b;
  while (xp + 8 <= end) {
    const w0 = v128.load(bp);
    const w1 = v128.load(bp, 16);
    let a = v128.load32_splat(xp);
    c0 = madd(a, i32x4.shl(i32x4.extend_low_i16x8_u(w0), 16), c0);
    c1 = madd(a, i32x4.shl(i32x4.extend_high_i16x8_u(w0), 16), c1);
    a = v128.load32_splat(xp, 4);
    d0 = madd(a, i32x4.shl(i32x4.extend_low_i16x8_u(w1), 16), d0);
    d1 = madd(a, i32x4.shl(i32x4.extend_high_i16x8_u(w1), 16), d1);
    xp += 8;
    bp += 32;
  }
  if (xp < end) {
    const w0 = v128.load(bp);
    const a = v128.load32_splat(xp);
    c0 = madd(a, i32x4.shl(i32x4.extend_low_i16x8_u(w0), 16), c0);
    c1 = madd(a, i32x4.shl(i32x4.extend_high_i16x8_u(w0), 16), c1);
  }
  storeRow(y, f32x4.add(c0, d0), f32x4.add(c1, d1), nj);
}

/** y (Out) ← W · x for one token with wp from packWeights16 (W exactly bfloat16). */
export function gemv16(y: usize, x: usize, wp: usize, In: i32, Out: i32): void {
  const panels = (Out + NR - 1) / NR;
  const panelBytes = (<usize>In * NR) << 1;
  for (let p = 0; p < panels; p++) {
    const j0 = p * NR;
    kernel1b(y + (<usize>j0 << 2), x, wp + <usize>p * panelBytes, In, min(NR, Out - j0));
  }
}

/** y (T, Out) ← x (T, In) · Wᵀ with wp from packWeights; scratch: gemmScratchBytes() bytes. */
export function matmul(y: usize, x: usize, wp: usize, T: i32, In: i32, Out: i32, scratch: usize): void {
  gemm(y, x, wp, T, In, Out, In, Out, In, scratch);
}

/**
 * The general form: rows of x and y at strides xs and ys (floats), and panels packed for a K of
 * `panelK` ≥ In of which the first In are used (attention packs K and V once for the longest row
 * block and multiplies shorter causal prefixes against them). `scratch` (gemmScratchBytes() bytes)
 * receives the packed quads of x; two threads need two.
 */
export function gemm(y: usize, x: usize, wp: usize, T: i32, In: i32, Out: i32, xs: i32, ys: i32, panelK: i32, scratch: usize): void {
  const panels = (Out + NR - 1) / NR;
  const panelBytes = (<usize>panelK * NR) << 2;
  for (let i0 = 0; i0 < T; i0 += ROW_BLOCK) {
    const i1 = min(i0 + ROW_BLOCK, T);
    for (let k0 = 0; k0 < In; k0 += K_BLOCK) {
      const kn = min(K_BLOCK, In - k0);
      const acc = k0 > 0;
      packQuads(scratch, x, i0, i1, k0, kn, xs);
      const quadBytes = (<usize>kn * MR) << 2;
      for (let p = 0; p < panels; p++) {
        const b = wp + <usize>p * panelBytes + ((<usize>k0 * NR) << 2);
        const j0 = p * NR;
        const nj = min(NR, Out - j0);
        let i = i0;
        for (let q = scratch; i + MR <= i1; i += MR, q += quadBytes) {
          kernel4(y + ((<usize>i * ys + j0) << 2), q, b, kn, ys, nj, acc);
        }
        for (; i < i1; i++) kernel1(y + ((<usize>i * ys + j0) << 2), x + ((<usize>(i * xs + k0)) << 2), b, kn, nj, acc);
      }
    }
  }
}

/** y (Out) ← W · x for one token (decoding): every panel once, x (In) stays in L1. */
export function gemv(y: usize, x: usize, wp: usize, In: i32, Out: i32): void {
  const panels = (Out + NR - 1) / NR;
  const panelBytes = (<usize>In * NR) << 2;
  for (let p = 0; p < panels; p++) {
    const j0 = p * NR;
    kernel1(y + (<usize>j0 << 2), x, wp + <usize>p * panelBytes, In, min(NR, Out - j0), false);
  }
}
