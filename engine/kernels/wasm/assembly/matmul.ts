// y (T, Out) = x (T, In) · Wᵀ, W (Out, In) as in torch.nn.Linear, with W packed once at load.
//
// Packed layout: panels of NR = 8 output columns, k-major inside a panel:
//   wp[(p·In + k)·8 + j] = W[p·8 + j, k]   (zero where p·8 + j ≥ Out)
// so the micro-kernel reads 8 consecutive weights (two v128) per k. The micro-kernel keeps an
// MR × 8 block of y in registers (MR·2 v128 accumulators) and streams k: per k it loads the two
// weight vectors once and a broadcast x[i, k] per row. x64 has 16 vector registers under V8, so
// 6 rows × 8 cols = 12 accumulators + 2 weights + 1 broadcast fits without spills; see
// bench/README.md for the measured choice. Rows are processed in blocks of ROW_BLOCK so a row
// block of x stays in L2 while each 8·In·4-byte panel (≤ 32 KB) is reused from L1 across it.
import { madd } from './simd';

const NR: i32 = 8;
const MR: i32 = 4;
const ROW_BLOCK: i32 = 96;
// 64 bytes of scratch at a fixed low address (below the arena) for partial-panel stores.
const SCRATCH: usize = 256;

/** Floats needed for the packed form of a W with `Out` rows of `In`. */
export function packedSize(In: i32, Out: i32): i32 {
  return ((Out + NR - 1) / NR) * NR * In;
}

/** wp ← W (Out, In) in panels of 8 output columns (see the layout above). */
export function packWeights(wp: usize, w: usize, In: i32, Out: i32): void {
  const panels = (Out + NR - 1) / NR;
  for (let p = 0; p < panels; p++) {
    for (let k = 0; k < In; k++) {
      const dst = wp + ((<usize>(p * In + k) * NR) << 2);
      for (let j = 0; j < NR; j++) {
        const o = p * NR + j;
        store<f32>(dst + (<usize>j << 2), o < Out ? load<f32>(w + ((<usize>o * In + k) << 2)) : 0);
      }
    }
  }
}

@inline
function storeRow(y: usize, c0: v128, c1: v128, nj: i32): void {
  if (nj == NR) {
    v128.store(y, c0);
    v128.store(y, c1, 16);
  } else {
    v128.store(SCRATCH, c0);
    v128.store(SCRATCH, c1, 16);
    for (let j = 0; j < nj; j++) store<f32>(y + (<usize>j << 2), load<f32>(SCRATCH + (<usize>j << 2)));
  }
}

// 6 rows × 8 columns of y.
@inline
function kernel6(y: usize, x: usize, b: usize, In: i32, Out: i32, nj: i32): void {
  const rs = <usize>In << 2;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0), c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  const end = x + rs;
  let xp = x;
  let bp = b;
  while (xp < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(xp);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(xp + rs);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(xp + 2 * rs);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(xp + 3 * rs);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    a = v128.load32_splat(xp + 4 * rs);
    c40 = madd(a, b0, c40); c41 = madd(a, b1, c41);
    a = v128.load32_splat(xp + 5 * rs);
    c50 = madd(a, b0, c50); c51 = madd(a, b1, c51);
    xp += 4;
    bp += 32;
  }
  const ys = <usize>Out << 2;
  storeRow(y, c00, c01, nj);
  storeRow(y + ys, c10, c11, nj);
  storeRow(y + 2 * ys, c20, c21, nj);
  storeRow(y + 3 * ys, c30, c31, nj);
  storeRow(y + 4 * ys, c40, c41, nj);
  storeRow(y + 5 * ys, c50, c51, nj);
}


// 4 rows × 8 columns of y.
@inline
function kernel4(y: usize, x: usize, b: usize, In: i32, Out: i32, nj: i32): void {
  const rs = <usize>In << 2;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = x + rs;
  let xp = x;
  let bp = b;
  while (xp + 8 <= end) {
    let b0 = v128.load(bp);
    let b1 = v128.load(bp, 16);
    let a = v128.load32_splat(xp);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(xp + rs);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(xp + 2 * rs);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(xp + 3 * rs);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    b0 = v128.load(bp, 32);
    b1 = v128.load(bp, 48);
    a = v128.load32_splat(xp, 4);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(xp + rs, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(xp + 2 * rs, 4);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(xp + 3 * rs, 4);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    xp += 8;
    bp += 64;
  }
  if (xp < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(xp);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(xp + rs);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(xp + 2 * rs);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(xp + 3 * rs);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
  }
  const ys = <usize>Out << 2;
  storeRow(y, c00, c01, nj);
  storeRow(y + ys, c10, c11, nj);
  storeRow(y + 2 * ys, c20, c21, nj);
  storeRow(y + 3 * ys, c30, c31, nj);
}

// 5 rows × 8 columns of y.
@inline
function kernel5(y: usize, x: usize, b: usize, In: i32, Out: i32, nj: i32): void {
  const rs = <usize>In << 2;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  const end = x + rs;
  let xp = x;
  let bp = b;
  while (xp < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(xp);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(xp + rs);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(xp + 2 * rs);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(xp + 3 * rs);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    a = v128.load32_splat(xp + 4 * rs);
    c40 = madd(a, b0, c40); c41 = madd(a, b1, c41);
    xp += 4;
    bp += 32;
  }
  const ys = <usize>Out << 2;
  storeRow(y, c00, c01, nj);
  storeRow(y + ys, c10, c11, nj);
  storeRow(y + 2 * ys, c20, c21, nj);
  storeRow(y + 3 * ys, c30, c31, nj);
  storeRow(y + 4 * ys, c40, c41, nj);
}

// 1 row × 8 columns of y, for the T mod MR leftover rows (and decoding, via gemv).
@inline
function kernel1(y: usize, x: usize, b: usize, In: i32, nj: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), d0 = f32x4.splat(0), d1 = f32x4.splat(0);
  const end = x + (<usize>In << 2);
  let xp = x;
  let bp = b;
  // Two independent accumulator pairs hide the add latency of the dependent chain.
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

/** y (T, Out) ← x (T, In) · Wᵀ with wp from packWeights. */
export function matmul(y: usize, x: usize, wp: usize, T: i32, In: i32, Out: i32): void {
  const panels = (Out + NR - 1) / NR;
  const panelBytes = (<usize>In * NR) << 2;
  for (let i0 = 0; i0 < T; i0 += ROW_BLOCK) {
    const i1 = min(i0 + ROW_BLOCK, T);
    for (let p = 0; p < panels; p++) {
      const b = wp + <usize>p * panelBytes;
      const j0 = p * NR;
      const nj = min(NR, Out - j0);
      let i = i0;
      for (; i + MR <= i1; i += MR) {
        if (MR == 6) kernel6(y + ((<usize>i * Out + j0) << 2), x + ((<usize>i * In) << 2), b, In, Out, nj);
        else if (MR == 5) kernel5(y + ((<usize>i * Out + j0) << 2), x + ((<usize>i * In) << 2), b, In, Out, nj);
        else kernel4(y + ((<usize>i * Out + j0) << 2), x + ((<usize>i * In) << 2), b, In, Out, nj);
      }
      for (; i < i1; i++) {
        kernel1(y + ((<usize>i * Out + j0) << 2), x + ((<usize>i * In) << 2), b, In, nj);
      }
    }
  }
}
