// log and log1p on 4 f32 lanes, for softplus (Mamba-1's Δ). The Cephes logf scheme: u = m · 2^k
// with m in [√½, √2), log(m) = f − f²/2 + f³·P(f) for f = m − 1 (degree-8 P), plus k·ln2 in two
// parts (Cody–Waite). log1p(e) = log(u) · e / (u − 1) with u = 1 + e in f32 (Goldberg's correction
// for the rounding of 1 + e; u − 1 is exact), and e itself where u rounds to 1.
import { madd } from './simd';

/** log(u) for u in [1, 2] (all softplus needs); 4 lanes. */
@inline
function logOneToTwo(u: v128): v128 {
  const big = f32x4.gt(u, f32x4.splat(1.41421356237)); // then m = u / 2, k = 1
  const m = v128.bitselect(f32x4.mul(u, f32x4.splat(0.5)), u, big);
  const k = v128.and(f32x4.splat(1), big);
  const f = f32x4.sub(m, f32x4.splat(1));
  const z = f32x4.mul(f, f);
  let p = f32x4.splat(7.0376836292e-2);
  p = madd(p, f, f32x4.splat(-1.1514610310e-1));
  p = madd(p, f, f32x4.splat(1.1676998740e-1));
  p = madd(p, f, f32x4.splat(-1.2420140846e-1));
  p = madd(p, f, f32x4.splat(1.4249322787e-1));
  p = madd(p, f, f32x4.splat(-1.6668057665e-1));
  p = madd(p, f, f32x4.splat(2.0000714765e-1));
  p = madd(p, f, f32x4.splat(-2.4999993993e-1));
  p = madd(p, f, f32x4.splat(3.3333331174e-1));
  let y = f32x4.mul(f32x4.mul(p, f), z);
  y = madd(k, f32x4.splat(-2.12194440e-4), y);
  y = madd(z, f32x4.splat(-0.5), y);
  return madd(k, f32x4.splat(0.693359375), f32x4.add(f, y));
}

/** log1p(e) for e in [0, 1]; 4 lanes. */
@inline
export function log1pUnit4(e: v128): v128 {
  const u = f32x4.add(f32x4.splat(1), e);
  const d = f32x4.sub(u, f32x4.splat(1));
  const one = f32x4.eq(d, f32x4.splat(0)); // e below half an ulp of 1: log1p(e) = e to f32
  const safe = v128.bitselect(f32x4.splat(1), d, one);
  return v128.bitselect(e, f32x4.div(f32x4.mul(logOneToTwo(u), e), safe), one);
}
