// exp on 4 f32 lanes, the Cephes expf scheme: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two
// parts, Cody–Waite, so r is exact to f32), exp(r) by a degree-6 polynomial, times 2^n built in
// the exponent bits. Relative error ≤ 2e-7 over [-87, 88] (tested against Math.exp); inputs are
// clamped to that range, so exp of a very negative argument is ~1e-38 rather than 0.
import { madd } from './simd';

/** log2(e): exp(x) = 2^(x·LOG2E), for the callers of exp2Masked and exp2Clamped. */
export const LOG2E: f32 = 1.4426950408889634;

@inline
export function exp4(x: v128): v128 {
  // pmin/pmax are one instruction each (min/max with NaN rules are ~6 on x64); inputs are finite
  x = f32x4.pmax(f32x4.pmin(x, f32x4.splat(88.0)), f32x4.splat(-87.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.add(r, f32x4.mul(n, f32x4.splat(2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = madd(p, r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  p = madd(f32x4.mul(p, r), r, f32x4.add(r, f32x4.splat(1.0)));
  // n is integral and within ±127 here, where the relaxed truncation (one cvttps2dq) is exact
  const ni = ASC_FEATURE_RELAXED_SIMD ? i32x4.relaxed_trunc_f32x4_s(n) : i32x4.trunc_sat_f32x4_s(n);
  const scale = i32x4.shl(i32x4.add(ni, i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

/** out (n) ← exp(x (n)); n % 4 == 0. For the accuracy test of exp4. */
export function expApprox(out: usize, x: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) v128.store(out + (<usize>i << 2), exp4(v128.load(x + (<usize>i << 2))));
}

/**
 * 2^x on 4 lanes for the softmax's shifted scores in log2 units (x ≤ ~0): x = n + f with n = nearest(x)
 * and |f| ≤ 1/2, 2^f by the degree-6 Taylor polynomial of e^(f·ln 2) (the term left out bounds the
 * truncation at 1.7e-7; float32 rounding brings it to ≤ 2.4e-7 measured, about exp4's; both are tested
 * to 3e-7), times 2^n built in the exponent bits. No clamp: lanes below 2^-126 come out as garbage
 * (±Inf or NaN among it) for the caller to mask bitwise, as softmaxRows masks everything below its
 * floor. Against exp4 with the scale folded in: no clamp, no Cody–Waite split, 13 operations, not 21.
 */
@inline
export function exp2Masked(x: v128): v128 {
  const n = f32x4.nearest(x);
  const f = f32x4.sub(x, n);
  let p = f32x4.splat(1.5403530393381606e-4);
  p = madd(p, f, f32x4.splat(1.3333558146428443e-3));
  p = madd(p, f, f32x4.splat(9.618129107628477e-3));
  p = madd(p, f, f32x4.splat(5.550410866482158e-2));
  p = madd(p, f, f32x4.splat(2.402265069591007e-1));
  p = madd(p, f, f32x4.splat(6.931471805599453e-1));
  p = madd(p, f, f32x4.splat(1.0));
  const ni = ASC_FEATURE_RELAXED_SIMD ? i32x4.relaxed_trunc_f32x4_s(n) : i32x4.trunc_sat_f32x4_s(n);
  return f32x4.mul(p, i32x4.shl(i32x4.add(ni, i32x4.splat(127)), 23));
}

/**
 * 2^x on 4 lanes for any finite x: exp2Masked with x clamped to [-126, 127] first, so lanes below
 * 2^-126 give 2^-126 (as exp4's clamp at -87 gives ~1e-38) and none comes out garbage. For a
 * recurrence's decay exp(Δ·A) taken as 2^(Δ·log2(e)·A), with no mask to drop what it gets wrong.
 */
@inline
export function exp2Clamped(x: v128): v128 {
  return exp2Masked(f32x4.pmin(f32x4.pmax(x, f32x4.splat(-126.0)), f32x4.splat(127.0)));
}

/** out (n) ← 2^x (n); n % 4 == 0. For the accuracy test of exp2Masked. */
export function exp2Approx(out: usize, x: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) v128.store(out + (<usize>i << 2), exp2Masked(v128.load(x + (<usize>i << 2))));
}

/** out (n) ← 2^x (n) through exp2Clamped; n % 4 == 0. For its accuracy test. */
export function exp2ClampedApprox(out: usize, x: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) v128.store(out + (<usize>i << 2), exp2Clamped(v128.load(x + (<usize>i << 2))));
}
