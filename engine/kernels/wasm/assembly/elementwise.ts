// The activation-linear kernels of a block, on f32x4 lanes: depthwise causal conv1d (optionally
// followed by silu), (grouped) RMSNorm and the silu gate of the Mamba mixers, and the float64 ↔
// float32 conversions of the SSM state, the residual add, RoPE. Their reference twins are
// engine/kernels/conv1d.ts, rmsnorm.ts, activations.ts, residual.ts and rope.ts.
import { exp4 } from './exp';
import { log1pUnit4 } from './log';
import { hsum, madd } from './simd';

/** silu(v) = v / (1 + exp(-v)) on 4 lanes. */
@inline
export function silu4(v: v128): v128 {
  return f32x4.div(v, f32x4.add(f32x4.splat(1), exp4(f32x4.neg(v))));
}

/**
 * out (T, C) = bias + Σ_j wT[j, c] · ext[t + j, c], ext = [history (K-1, C); x (T, C)] in rows of es
 * floats (≥ C: the input rows where they lie, or a copy at es = C), wT (K, C) the conv weight
 * transposed from torch's (C, 1, K); C % 4 == 0; bias may be 0 (none).
 * act ≠ 0 applies silu to each output (both Mamba mixers do right after the conv).
 */
export function conv1d(out: usize, ext: usize, wT: usize, bias: usize, T: i32, C: i32, K: i32, act: i32, es: i32): void {
  const rb = <usize>C << 2;
  const eb = <usize>es << 2;
  if (K == 4 && act != 0) {
    conv4silu(out, ext, wT, bias, T, rb, eb);
    return;
  }
  for (let t = 0; t < T; t++) {
    const o = out + <usize>t * rb;
    const e = ext + <usize>t * eb;
    for (let c: usize = 0; c < rb; c += 16) {
      let acc = bias != 0 ? v128.load(bias + c) : f32x4.splat(0);
      for (let j = 0; j < K; j++) acc = madd(v128.load(wT + <usize>j * rb + c), v128.load(e + <usize>j * eb + c), acc);
      v128.store(o + c, act != 0 ? silu4(acc) : acc);
    }
  }
}

// conv1d for the usual width K = 4 followed by silu (both Mamba mixers): the four taps unrolled
// with fixed offsets instead of a loop over j per 4 channels (measured in bench/LOG.md change 31).
function conv4silu(out: usize, ext: usize, wT: usize, bias: usize, T: i32, rb: usize, eb: usize): void {
  for (let t = 0; t < T; t++) {
    const o = out + <usize>t * rb;
    const e = ext + <usize>t * eb;
    let c: usize = 0;
    // two vectors a step: silu's exp and division are long chains, two overlap
    for (; c + 32 <= rb; c += 32) {
      let a0 = bias != 0 ? v128.load(bias + c) : f32x4.splat(0);
      let a1 = bias != 0 ? v128.load(bias + c, 16) : f32x4.splat(0);
      a0 = madd(v128.load(wT + c), v128.load(e + c), a0);
      a1 = madd(v128.load(wT + c, 16), v128.load(e + c, 16), a1);
      a0 = madd(v128.load(wT + rb + c), v128.load(e + eb + c), a0);
      a1 = madd(v128.load(wT + rb + c, 16), v128.load(e + eb + c, 16), a1);
      a0 = madd(v128.load(wT + 2 * rb + c), v128.load(e + 2 * eb + c), a0);
      a1 = madd(v128.load(wT + 2 * rb + c, 16), v128.load(e + 2 * eb + c, 16), a1);
      a0 = madd(v128.load(wT + 3 * rb + c), v128.load(e + 3 * eb + c), a0);
      a1 = madd(v128.load(wT + 3 * rb + c, 16), v128.load(e + 3 * eb + c, 16), a1);
      v128.store(o + c, silu4(a0));
      v128.store(o + c, silu4(a1), 16);
    }
    for (; c < rb; c += 16) {
      let acc = bias != 0 ? v128.load(bias + c) : f32x4.splat(0);
      acc = madd(v128.load(wT + c), v128.load(e + c), acc);
      acc = madd(v128.load(wT + rb + c), v128.load(e + eb + c), acc);
      acc = madd(v128.load(wT + 2 * rb + c), v128.load(e + 2 * eb + c), acc);
      acc = madd(v128.load(wT + 3 * rb + c), v128.load(e + 3 * eb + c), acc);
      v128.store(o + c, silu4(acc));
    }
  }
}

/** out (T, D) = w · x / sqrt(mean(x²) + eps) over each group of g channels (g % 4 == 0); out may be x. */
export function rmsnorm(out: usize, x: usize, w: usize, T: i32, D: i32, eps: f32, g: i32): void {
  const gb = <usize>g << 2;
  for (let t = 0; t < T; t++) {
    for (let g0 = 0; g0 < D; g0 += g) {
      const off = (<usize>t * D + g0) << 2;
      const xp = x + off;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
      let i: usize = 0;
      for (; i + 32 <= gb; i += 32) {
        const a = v128.load(xp + i), b = v128.load(xp + i, 16);
        s0 = madd(a, a, s0);
        s1 = madd(b, b, s1);
      }
      for (; i < gb; i += 16) {
        const a = v128.load(xp + i);
        s0 = madd(a, a, s0);
      }
      const r = f32x4.splat(<f32>(1 / Math.sqrt(<f64>hsum(f32x4.add(s0, s1)) / <f64>g + <f64>eps)));
      const op = out + off;
      const wp = w + (<usize>g0 << 2);
      for (i = 0; i < gb; i += 16) v128.store(op + i, f32x4.mul(v128.load(wp + i), f32x4.mul(v128.load(xp + i), r)));
    }
  }
}

/** Lanes 0, 1 (or 2, 3: high) of a squared in float64 (exact for float32 values). */
@inline
function squares(a: v128, high: bool): v128 {
  const v = f64x2.promote_low_f32x4(high ? v128.shuffle<u32>(a, a, 2, 3, 2, 3) : a);
  return f64x2.mul(v, v);
}

/** (s0 + s1) + (s2 + s3) of the four float64 sums in (lo, hi) = (s0, s1), (s2, s3), square-rooted, as float32. */
@inline
function norm(lo: v128, hi: v128): f32 {
  return <f32>Math.sqrt((f64x2.extract_lane(lo, 0) + f64x2.extract_lane(lo, 1)) + (f64x2.extract_lane(hi, 0) + f64x2.extract_lane(hi, 1)));
}

/**
 * In place: x (T, D) += y; yn (T) = ‖y_t‖, xn (T) = ‖x_t‖ after the add; D % 4 == 0. The sums of
 * squares are float64 in the twin's order (rowNorms: four sums over i mod 4), so the bits agree.
 */
export function residualAdd(x: usize, y: usize, T: i32, D: i32, yn: usize, xn: usize): void {
  const rb = <usize>D << 2;
  for (let t = 0; t < T; t++) {
    const xr = x + <usize>t * rb, yr = y + <usize>t * rb;
    let y0 = f64x2.splat(0), y1 = f64x2.splat(0), x0 = f64x2.splat(0), x1 = f64x2.splat(0);
    for (let i: usize = 0; i < rb; i += 16) {
      const yv = v128.load(yr + i);
      const xv = f32x4.add(v128.load(xr + i), yv);
      v128.store(xr + i, xv);
      y0 = f64x2.add(y0, squares(yv, false));
      y1 = f64x2.add(y1, squares(yv, true));
      x0 = f64x2.add(x0, squares(xv, false));
      x1 = f64x2.add(x1, squares(xv, true));
    }
    store<f32>(yn + (<usize>t << 2), norm(y0, y1));
    store<f32>(xn + (<usize>t << 2), norm(x0, x1));
  }
}

/**
 * In place on x (T, heads, hd): RoPE by cos, sin (T, half), half % 2 == 0. Two channel pairs at a
 * time in float64, each value rounded once to float32: the twin's arithmetic (engine/kernels/rope.ts,
 * JavaScript numbers), so the bits agree.
 */
export function rope(x: usize, cos: usize, sin: usize, T: i32, heads: i32, hd: i32, half: i32): void {
  const hb = <usize>half << 2;
  for (let t = 0; t < T; t++) {
    const cr = cos + <usize>t * hb, sr = sin + <usize>t * hb;
    for (let h = 0; h < heads; h++) {
      const row = x + ((<usize>(t * heads + h) * hd) << 2);
      for (let i: usize = 0; i < hb; i += 8) {
        const a = f64x2.promote_low_f32x4(v128.load64_zero(row + i));
        const b = f64x2.promote_low_f32x4(v128.load64_zero(row + hb + i));
        const c = f64x2.promote_low_f32x4(v128.load64_zero(cr + i));
        const s = f64x2.promote_low_f32x4(v128.load64_zero(sr + i));
        v128.store64_lane(row + i, f32x4.demote_f64x2_zero(f64x2.sub(f64x2.mul(a, c), f64x2.mul(b, s))), 0);
        v128.store64_lane(row + hb + i, f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(b, c), f64x2.mul(a, s))), 0);
      }
    }
  }
}

/** In place: y (T, I) ⊙= silu(z), z's rows at stride zs floats; I % 4 == 0. */
export function siluGate(y: usize, z: usize, zs: i32, T: i32, I: i32): void {
  const ib = <usize>I << 2;
  for (let t = 0; t < T; t++) {
    const yp = y + <usize>t * ib;
    const zp = z + ((<usize>t * zs) << 2);
    let i: usize = 0;
    for (; i + 32 <= ib; i += 32) { // two vectors a step (see conv4silu)
      const g0 = silu4(v128.load(zp + i));
      const g1 = silu4(v128.load(zp + i, 16));
      v128.store(yp + i, f32x4.mul(v128.load(yp + i), g0));
      v128.store(yp + i, f32x4.mul(v128.load(yp + i, 16), g1), 16);
    }
    for (; i < ib; i += 16) v128.store(yp + i, f32x4.mul(v128.load(yp + i), silu4(v128.load(zp + i))));
  }
}

/**
 * softplus(v) = max(v, 0) + log1p(exp(−|v|)) on 4 lanes, torch's (whose threshold 20, linear above
 * it, this meets: the log1p term is below half an ulp of v there). Mamba-1's Δ.
 */
@inline
function softplus4(v: v128): v128 {
  return f32x4.add(f32x4.pmax(v, f32x4.splat(0)), log1pUnit4(exp4(f32x4.neg(f32x4.abs(v)))));
}

/** In place: x (n) ← softplus(x); a tail of n % 4 values goes through the same lanes, one at a time. */
export function softplus(x: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(x + (<usize>i << 2), softplus4(v128.load(x + (<usize>i << 2))));
  for (; i < n; i++) store<f32>(x + (<usize>i << 2), f32x4.extract_lane(softplus4(f32x4.splat(load<f32>(x + (<usize>i << 2)))), 0));
}

/** dst (n) f32 ← src (n) f64. */
export function demote(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const lo = f32x4.demote_f64x2_zero(v128.load(src + (<usize>i << 3)));
    const hi = f32x4.demote_f64x2_zero(v128.load(src + (<usize>i << 3), 16));
    v128.store(dst + (<usize>i << 2), i64x2.shuffle(lo, hi, 0, 2));
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), <f32>load<f64>(src + (<usize>i << 3)));
}

/** dst (n) f64 ← src (n) f32. */
export function promote(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(src + (<usize>i << 2));
    v128.store(dst + (<usize>i << 3), f64x2.promote_low_f32x4(v));
    v128.store(dst + (<usize>i << 3), f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 0)), 16);
  }
  for (; i < n; i++) store<f64>(dst + (<usize>i << 3), <f64>load<f32>(src + (<usize>i << 2)));
}

/** finishRows' activations: none, relu(v)² (nemotron_h's MLP), softplus (Mamba-1's Δ); exported (as
 *  globals) for the TypeScript side to pass, so the codes are written here only. */
export const ACT_NONE: i32 = 0;
export const ACT_RELU2: i32 = 1;
export const ACT_SOFTPLUS: i32 = 2;

@inline
function finish4(v: v128, b: v128, act: i32): v128 {
  v = f32x4.add(v, b);
  if (act == ACT_RELU2) {
    v = f32x4.max(v, f32x4.splat(0));
    return f32x4.mul(v, v);
  }
  return act == ACT_SOFTPLUS ? softplus4(v) : v;
}

/**
 * A matmul's epilogue, in place on T rows of Out: y ← act(y + bias), bias = 0 for none; with neither
 * it returns at once. Without a bias +0 is added, which changes no value but the sign of a −0, on
 * which neither activation's result depends. Run on each chunk of a split matmul's rows while they
 * are in cache, on both threads. A row's last Out % 4 values go through the same lanes one at a time,
 * so every value gets the same operations however the rows are chunked.
 */
export function finishRows(y: usize, bias: usize, T: i32, Out: i32, act: i32): void {
  if (bias == 0 && act == ACT_NONE) return;
  const O4 = Out & ~3;
  const zero = f32x4.splat(0);
  for (let t = 0; t < T; t++) {
    const row = y + ((<usize>t * Out) << 2);
    let o = 0;
    for (; o < O4; o += 4) {
      const at = row + (<usize>o << 2);
      v128.store(at, finish4(v128.load(at), bias != 0 ? v128.load(bias + (<usize>o << 2)) : zero, act));
    }
    for (; o < Out; o++) {
      const at = row + (<usize>o << 2);
      const b = bias != 0 ? f32x4.splat(load<f32>(bias + (<usize>o << 2))) : zero;
      store<f32>(at, f32x4.extract_lane(finish4(f32x4.splat(load<f32>(at)), b, act), 0));
    }
  }
}

/** dst (T, C) ← T rows of C floats `stride` floats apart from src; C % 4 == 0 (the conv's input
 *  columns out of a projection). */
export function copyRows(dst: usize, src: usize, T: i32, C: i32, stride: i32): void {
  const cb = <usize>C << 2;
  for (let t = 0; t < T; t++) {
    const d = dst + <usize>t * cb;
    const s = src + ((<usize>t * stride) << 2);
    for (let i: usize = 0; i < cb; i += 16) v128.store(d + i, v128.load(s + i));
  }
}
