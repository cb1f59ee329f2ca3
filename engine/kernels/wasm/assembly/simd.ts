// Fused multiply-add on 4 f32 lanes: a·b + c. The relaxed-SIMD build uses relaxed_madd (one FMA on
// x64/arm64, may round once instead of twice: well inside the 1e-4 parity budget); the baseline
// SIMD build spells it as mul then add, which every SIMD runtime has.
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Sum of the 4 lanes. */
@inline
export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}
