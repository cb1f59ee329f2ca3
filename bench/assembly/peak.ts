// The machine's WebAssembly 128-bit FMA limit (bench/fma.ts compiles this with the engine's flags).
// Twelve independent chains c ← c·a + b stay in registers (12 of x64's 16 vector registers, with a
// and b: no chain spilled to the stack, checked with --print-wasm-code), enough to cover FMA latency × issue
// width (4 cycles × 2 a cycle on current x64 cores), with nothing loaded or stored in the loop. The
// relaxed build spells each step f32x4.relaxed_madd, which V8 lowers to one vfmadd on x64 with FMA3 —
// the instruction the engine's matmul micro-kernel runs (engine/kernels/wasm/assembly/simd.ts); the
// plain SIMD build spells it mul then add, as the engine's fallback build does. The chains go through
// c, so neither binaryen nor V8 can hoist the product out of the loop. With a = 0.5 and b = 1 every
// chain converges to 2: no overflow, no subnormals.

@inline
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** FLOPs of one call: 12 chains × 4 lanes × 2 (multiply and add) per iteration. */
export function flopsPerIteration(): i32 {
  return 12 * 4 * 2;
}

/** n iterations of the twelve chains; returns their sum so no step is dead code. */
export function fmaLoop(n: i32, a: f32, b: f32): f32 {
  const va = f32x4.splat(a);
  const vb = f32x4.splat(b);
  let c0 = f32x4.splat(0), c1 = f32x4.splat(1), c2 = f32x4.splat(2), c3 = f32x4.splat(3);
  let c4 = f32x4.splat(4), c5 = f32x4.splat(5), c6 = f32x4.splat(6), c7 = f32x4.splat(7);
  let c8 = f32x4.splat(8), c9 = f32x4.splat(9), c10 = f32x4.splat(10), c11 = f32x4.splat(11);
  for (let i = 0; i < n; i++) {
    c0 = madd(c0, va, vb); c1 = madd(c1, va, vb); c2 = madd(c2, va, vb); c3 = madd(c3, va, vb);
    c4 = madd(c4, va, vb); c5 = madd(c5, va, vb); c6 = madd(c6, va, vb); c7 = madd(c7, va, vb);
    c8 = madd(c8, va, vb); c9 = madd(c9, va, vb); c10 = madd(c10, va, vb); c11 = madd(c11, va, vb);
  }
  const s = f32x4.add(
    f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7))),
    f32x4.add(f32x4.add(c8, c9), f32x4.add(c10, c11)),
  );
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}
