// y (T, Out) = x (T, In) · Wᵀ with W read where it is, in the precision it is stored in: the
// checkpoint's row-major (Out, In) float32 (dtype 0), bfloat16 (1) or IEEE half (2). Large models'
// matrices are loaded this way (engine/kernels/wasm/README.md): no packed copy, no float32 copy.
//
// gemmStoredCols: matmul.ts's gemm on a band of C output columns at a time. The band's weights are
// widened once per call, for every k, into scratch in packWeights' layout (C·In floats: ~0.5 MB, so
// it stays in L2 while all T rows stream by), and x comes packed once per call for every band
// (packRowBlocks: gemm's quads, row block by row block). Each weight is thus widened once a call,
// not once per 64-row block (bench/README.md change 40), and two threads share a call by bands.
// The widening is exact and the micro-kernels and their order over k are gemm's, so the sums (and
// the bits) are those of gemm on the widened matrix.
// gemvStored (decoding, T = 1): 4 rows of W at a time, 8 values per step widened in registers; it
// reads every weight once, which is what bounds a decoding step.
import { kernel1, kernel4, K_BLOCK, MR, NR, packQuads, ROW_BLOCK } from './matmul';
import { hsum, madd } from './simd';

/** 2^-14, the smallest normal half: the bias the subnormal halves are widened against. */
const HALF_MIN_NORMAL: f32 = 6.103515625e-5;

/** One IEEE half (bits in the low 16) as float32, exactly; no subnormal arithmetic on the way. */
@inline
function half(h: u32): f32 {
  const em = h & 0x7fff;
  const sign = (h & 0x8000) << 16;
  let o = (em << 13) + 0x38000000; // exponent rebased from 15 to 127
  if (em >= 0x7c00) {
    o += 0x38000000; // infinity, NaN: all-ones exponent
  } else if (em < 0x400) {
    // zero or subnormal: 2^-14 · (1 + m/1024) − 2^-14, both normal, the difference exact
    return reinterpret<f32>(reinterpret<u32>(reinterpret<f32>(o + 0x800000) - HALF_MIN_NORMAL) | sign);
  }
  return reinterpret<f32>(o | sign);
}

/** Four halves (in the low 16 bits of each u32 lane) as f32x4: `half` on lanes. */
@inline
function half4(h: v128): v128 {
  const em = v128.and(h, i32x4.splat(0x7fff));
  const sign = i32x4.shl(v128.and(h, i32x4.splat(0x8000)), 16);
  let o = i32x4.add(i32x4.shl(em, 13), i32x4.splat(0x38000000));
  o = i32x4.add(o, v128.and(i32x4.gt_s(em, i32x4.splat(0x7bff)), i32x4.splat(0x38000000)));
  const sub = f32x4.sub(i32x4.add(o, i32x4.splat(0x800000)), f32x4.splat(HALF_MIN_NORMAL));
  o = v128.bitselect(sub, o, i32x4.lt_s(em, i32x4.splat(0x400)));
  return v128.or(o, sign);
}

/** Lanes 0–3 of eight 16-bit values as f32x4. */
@inline
function low8(v: v128, dtype: i32): v128 {
  const u = i32x4.extend_low_i16x8_u(v);
  return dtype == 1 ? i32x4.shl(u, 16) : half4(u);
}

/** Lanes 4–7 of eight 16-bit values as f32x4. */
@inline
function high8(v: v128, dtype: i32): v128 {
  const u = i32x4.extend_high_i16x8_u(v);
  return dtype == 1 ? i32x4.shl(u, 16) : half4(u);
}

/** W[o, k] as f32. */
@inline
function weightAt(w: usize, o: i32, k: i32, In: i32, dtype: i32): f32 {
  const i = <usize>o * <usize>In + <usize>k;
  if (dtype == 0) return load<f32>(w + (i << 2));
  const bits = <u32>load<u16>(w + (i << 1));
  return dtype == 1 ? reinterpret<f32>(bits << 16) : half(bits);
}

/**
 * dst[k·8 + j] = W[j0 + j, k0 + k] widened, for k < kn, j < nj (0 for j ≥ nj): kn values of k of a
 * panel in packWeights' layout. 16-bit rows go 8 × 8 at a time through a transpose in registers.
 */
function widenPanel(dst: usize, w: usize, j0: i32, nj: i32, k0: i32, kn: i32, In: i32, dtype: i32): void {
  let k = 0;
  if (dtype != 0 && nj == NR) {
    const rb = <usize>In << 1;
    const r0 = w + ((<usize>j0 * <usize>In + <usize>k0) << 1);
    for (; k + 8 <= kn; k += 8) {
      const p = r0 + (<usize>k << 1);
      const a0 = v128.load(p), a1 = v128.load(p + rb), a2 = v128.load(p + 2 * rb), a3 = v128.load(p + 3 * rb);
      const a4 = v128.load(p + 4 * rb), a5 = v128.load(p + 5 * rb), a6 = v128.load(p + 6 * rb), a7 = v128.load(p + 7 * rb);
      // rows pairwise interleaved: (r0 r1) at k0 … k3 and k4 … k7
      const b0 = v128.shuffle<u16>(a0, a1, 0, 8, 1, 9, 2, 10, 3, 11), b1 = v128.shuffle<u16>(a0, a1, 4, 12, 5, 13, 6, 14, 7, 15);
      const b2 = v128.shuffle<u16>(a2, a3, 0, 8, 1, 9, 2, 10, 3, 11), b3 = v128.shuffle<u16>(a2, a3, 4, 12, 5, 13, 6, 14, 7, 15);
      const b4 = v128.shuffle<u16>(a4, a5, 0, 8, 1, 9, 2, 10, 3, 11), b5 = v128.shuffle<u16>(a4, a5, 4, 12, 5, 13, 6, 14, 7, 15);
      const b6 = v128.shuffle<u16>(a6, a7, 0, 8, 1, 9, 2, 10, 3, 11), b7 = v128.shuffle<u16>(a6, a7, 4, 12, 5, 13, 6, 14, 7, 15);
      // pairs of pairs: rows 0–3 and rows 4–7, two k each
      const c0 = v128.shuffle<u32>(b0, b2, 0, 4, 1, 5), c1 = v128.shuffle<u32>(b0, b2, 2, 6, 3, 7);
      const c2 = v128.shuffle<u32>(b1, b3, 0, 4, 1, 5), c3 = v128.shuffle<u32>(b1, b3, 2, 6, 3, 7);
      const d0 = v128.shuffle<u32>(b4, b6, 0, 4, 1, 5), d1 = v128.shuffle<u32>(b4, b6, 2, 6, 3, 7);
      const d2 = v128.shuffle<u32>(b5, b7, 0, 4, 1, 5), d3 = v128.shuffle<u32>(b5, b7, 2, 6, 3, 7);
      const o = dst + (<usize>k << 5);
      storeColumn(o, v128.shuffle<u64>(c0, d0, 0, 2), dtype);
      storeColumn(o + 32, v128.shuffle<u64>(c0, d0, 1, 3), dtype);
      storeColumn(o + 64, v128.shuffle<u64>(c1, d1, 0, 2), dtype);
      storeColumn(o + 96, v128.shuffle<u64>(c1, d1, 1, 3), dtype);
      storeColumn(o + 128, v128.shuffle<u64>(c2, d2, 0, 2), dtype);
      storeColumn(o + 160, v128.shuffle<u64>(c2, d2, 1, 3), dtype);
      storeColumn(o + 192, v128.shuffle<u64>(c3, d3, 0, 2), dtype);
      storeColumn(o + 224, v128.shuffle<u64>(c3, d3, 1, 3), dtype);
    }
  }
  for (; k < kn; k++) {
    const o = dst + (<usize>k << 5);
    for (let j = 0; j < NR; j++) store<f32>(o + (<usize>j << 2), j < nj ? weightAt(w, j0 + j, k0 + k, In, dtype) : 0);
  }
}

/** One column of 8 widened weights (the 8 rows at one k) as two v128. */
@inline
function storeColumn(o: usize, v: v128, dtype: i32): void {
  v128.store(o, low8(v, dtype));
  v128.store(o, high8(v, dtype), 16);
}

/**
 * xq ← x (T, In) as gemm packs it, for all of it at once: row blocks of ROW_BLOCK rows, in each the
 * whole quads of every k block (packQuads) one after the other; the block of rows [i0, i1) and k
 * block k0 starts at float (i0·In + q4·k0), q4 = (i1 - i0) rounded down to 4. T·In floats at most.
 */
export function packRowBlocks(xq: usize, x: usize, T: i32, In: i32): void {
  for (let i0 = 0; i0 < T; i0 += ROW_BLOCK) {
    const i1 = min(i0 + ROW_BLOCK, T);
    const q4 = (i1 - i0) & ~3;
    for (let k0 = 0; k0 < In; k0 += K_BLOCK) {
      packQuads(xq + ((<usize>i0 * In + <usize>q4 * k0) << 2), x, i0, i1, k0, min(K_BLOCK, In - k0), In);
    }
  }
}

/**
 * Columns [j0, j0 + nc) of y (T rows at a stride of ys floats) ← x (T, In) · Wᵀ, W (Out, In)
 * row-major of `dtype` at w, x also packed at xq (packRowBlocks); in bands of C columns (a multiple
 * of 8), each widened into `band` (C·In floats, one per thread running at the same time).
 */
export function gemmStoredCols(
  y: usize, xq: usize, x: usize, w: usize, T: i32, In: i32, j0: i32, nc: i32, ys: i32, dtype: i32, band: usize, C: i32,
): void {
  const panelBytes = (<usize>In * NR) << 2;
  for (let b0 = j0; b0 < j0 + nc; b0 += C) {
    const bn = min(C, j0 + nc - b0);
    const panels = (bn + NR - 1) / NR;
    for (let p = 0; p < panels; p++) widenPanel(band + <usize>p * panelBytes, w, b0 + p * NR, min(NR, bn - p * NR), 0, In, In, dtype);
    for (let i0 = 0; i0 < T; i0 += ROW_BLOCK) {
      const i1 = min(i0 + ROW_BLOCK, T);
      const q4 = (i1 - i0) & ~3;
      for (let k0 = 0; k0 < In; k0 += K_BLOCK) {
        const kn = min(K_BLOCK, In - k0);
        const acc = k0 > 0;
        const quads = xq + ((<usize>i0 * In + <usize>q4 * k0) << 2);
        const quadBytes = (<usize>kn * MR) << 2;
        for (let p = 0; p < panels; p++) {
          const b = band + <usize>p * panelBytes + ((<usize>k0 * NR) << 2);
          const jj = b0 + p * NR;
          const nj = min(NR, bn - p * NR);
          let i = i0;
          for (let q = quads; i + MR <= i1; i += MR, q += quadBytes) {
            kernel4(y + ((<usize>i * ys + jj) << 2), q, b, kn, ys, nj, acc);
          }
          for (; i < i1; i++) kernel1(y + ((<usize>i * ys + jj) << 2), x + ((<usize>i * In + k0) << 2), b, kn, nj, acc);
        }
      }
    }
  }
}

/** y (Out) ← W · x for one token, W (Out, In) row-major of `dtype` at w. */
export function gemvStored(y: usize, x: usize, w: usize, In: i32, Out: i32, dtype: i32): void {
  const es: usize = dtype == 0 ? 4 : 2;
  const rb = <usize>In * es;
  const k8 = In & ~7;
  let o = 0;
  for (; o + 4 <= Out; o += 4) {
    const r = w + <usize>o * rb;
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
    if (dtype == 0) {
      for (let k = 0; k < k8; k += 8) {
        const xp = x + (<usize>k << 2);
        const x0 = v128.load(xp), x1 = v128.load(xp, 16);
        const p = r + (<usize>k << 2);
        a0 = madd(v128.load(p), x0, a0); b0 = madd(v128.load(p, 16), x1, b0);
        a1 = madd(v128.load(p + rb), x0, a1); b1 = madd(v128.load(p + rb, 16), x1, b1);
        a2 = madd(v128.load(p + 2 * rb), x0, a2); b2 = madd(v128.load(p + 2 * rb, 16), x1, b2);
        a3 = madd(v128.load(p + 3 * rb), x0, a3); b3 = madd(v128.load(p + 3 * rb, 16), x1, b3);
      }
    } else if (dtype == 1) {
      for (let k = 0; k < k8; k += 8) {
        const xp = x + (<usize>k << 2);
        const x0 = v128.load(xp), x1 = v128.load(xp, 16);
        const p = r + (<usize>k << 1);
        let v = v128.load(p);
        a0 = madd(low8(v, 1), x0, a0); b0 = madd(high8(v, 1), x1, b0);
        v = v128.load(p + rb);
        a1 = madd(low8(v, 1), x0, a1); b1 = madd(high8(v, 1), x1, b1);
        v = v128.load(p + 2 * rb);
        a2 = madd(low8(v, 1), x0, a2); b2 = madd(high8(v, 1), x1, b2);
        v = v128.load(p + 3 * rb);
        a3 = madd(low8(v, 1), x0, a3); b3 = madd(high8(v, 1), x1, b3);
      }
    } else {
      for (let k = 0; k < k8; k += 8) {
        const xp = x + (<usize>k << 2);
        const x0 = v128.load(xp), x1 = v128.load(xp, 16);
        const p = r + (<usize>k << 1);
        let v = v128.load(p);
        a0 = madd(low8(v, 2), x0, a0); b0 = madd(high8(v, 2), x1, b0);
        v = v128.load(p + rb);
        a1 = madd(low8(v, 2), x0, a1); b1 = madd(high8(v, 2), x1, b1);
        v = v128.load(p + 2 * rb);
        a2 = madd(low8(v, 2), x0, a2); b2 = madd(high8(v, 2), x1, b2);
        v = v128.load(p + 3 * rb);
        a3 = madd(low8(v, 2), x0, a3); b3 = madd(high8(v, 2), x1, b3);
      }
    }
    store<f32>(y + (<usize>o << 2), hsum(f32x4.add(a0, b0)) + tail(w, x, o, k8, In, dtype));
    store<f32>(y + (<usize>(o + 1) << 2), hsum(f32x4.add(a1, b1)) + tail(w, x, o + 1, k8, In, dtype));
    store<f32>(y + (<usize>(o + 2) << 2), hsum(f32x4.add(a2, b2)) + tail(w, x, o + 2, k8, In, dtype));
    store<f32>(y + (<usize>(o + 3) << 2), hsum(f32x4.add(a3, b3)) + tail(w, x, o + 3, k8, In, dtype));
  }
  for (; o < Out; o++) store<f32>(y + (<usize>o << 2), tail(w, x, o, 0, In, dtype));
}

/** Σ_{k0 ≤ k < In} W[o, k] · x[k], one at a time (the columns after the last 8). */
@inline
function tail(w: usize, x: usize, o: i32, k0: i32, In: i32, dtype: i32): f32 {
  let s: f32 = 0;
  for (let k = k0; k < In; k++) s += weightAt(w, o, k, In, dtype) * load<f32>(x + (<usize>k << 2));
  return s;
}
