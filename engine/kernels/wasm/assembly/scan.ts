// Selective-scan recurrences on f32x4 lanes; the math and the float64 reference twins are in
// engine/kernels/scan.ts. The state is f32 here (the TypeScript side converts the float64 state in
// and out once per call): over thousands of decaying steps its rounding stays near 1e-7 relative.
// Mamba-2: h_t = exp(dt_t·A) h_{t-1} + dt_t · x_t ⊗ B_t,  y_t = h_t C_t + D x_t   (per head, A scalar)
// Mamba-1: h_t[d] = exp(Δ_t[d]·A[d]) ⊙ h_{t-1}[d] + Δ_t[d] B_t x_t[d],  y_t[d] = h_t[d]·C_t + D[d] x_t[d]
import { exp4 } from './exp';
import { hsum, madd } from './simd';

/**
 * Mamba-2 scan over T tokens continuing from s (H, P, N), N % 8 == 0, for heads h0 … h1-1 (heads
 * are independent: two threads take one half each). x, y (T, H, P); dt (T, H); A, D (H);
 * B, C (T, G, N). If norm ≠ 0, norm[h·normStride + t] ← ‖h_t‖ over head h.
 */
export function mamba2Scan(
  y: usize, s: usize, x: usize, dt: usize, A: usize, B: usize, C: usize, D: usize,
  T: i32, H: i32, P: i32, N: i32, G: i32, norm: usize, normStride: i32, h0: i32, h1: i32,
): void {
  const headsPerGroup = H / G;
  const nb = <usize>N << 2;
  // heads outermost: one head's state (P·N floats, 16 KB at 64 × 64) stays in L1 through all T
  for (let h = h0; h < h1; h++) {
    for (let t = 0; t < T; t++) {
      const g = h / headsPerGroup;
      const d = load<f32>(dt + ((<usize>(t * H + h)) << 2));
      const dA = f32x4.splat(<f32>Math.exp(<f64>d * <f64>load<f32>(A + (<usize>h << 2))));
      const Dh = load<f32>(D + (<usize>h << 2));
      const bp = B + ((<usize>(t * G + g) * N) << 2);
      const cp = C + ((<usize>(t * G + g) * N) << 2);
      let ss = f32x4.splat(0);
      for (let p = 0; p < P; p++) {
        const xi = (<usize>(t * H + h) * P + p) << 2;
        const xv = load<f32>(x + xi);
        const dx = f32x4.splat(d * xv);
        const sp = s + ((<usize>(h * P + p) * N) << 2);
        // Every accumulator starts afresh per p, so the chains of consecutive p overlap; one
        // norm accumulator across all of P was a 512-long dependent chain (the scan's bottleneck).
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
        if (norm != 0) {
          let q0 = f32x4.splat(0), q1 = f32x4.splat(0);
          for (let n: usize = 0; n < nb; n += 32) {
            const v0 = madd(dx, v128.load(bp + n), f32x4.mul(v128.load(sp + n), dA));
            const v1 = madd(dx, v128.load(bp + n, 16), f32x4.mul(v128.load(sp + n, 16), dA));
            v128.store(sp + n, v0);
            v128.store(sp + n, v1, 16);
            a0 = madd(v0, v128.load(cp + n), a0);
            a1 = madd(v1, v128.load(cp + n, 16), a1);
            q0 = madd(v0, v0, q0);
            q1 = madd(v1, v1, q1);
          }
          ss = f32x4.add(ss, f32x4.add(q0, q1));
        } else {
          for (let n: usize = 0; n < nb; n += 32) {
            const v0 = madd(dx, v128.load(bp + n), f32x4.mul(v128.load(sp + n), dA));
            const v1 = madd(dx, v128.load(bp + n, 16), f32x4.mul(v128.load(sp + n, 16), dA));
            v128.store(sp + n, v0);
            v128.store(sp + n, v1, 16);
            a0 = madd(v0, v128.load(cp + n), a0);
            a1 = madd(v1, v128.load(cp + n, 16), a1);
          }
        }
        store<f32>(y + xi, hsum(f32x4.add(a0, a1)) + Dh * xv);
      }
      if (norm != 0) store<f32>(norm + ((<usize>h * normStride + t) << 2), <f32>Math.sqrt(hsum(ss)));
    }
  }
}

/**
 * Mamba-1 selective scan over T tokens continuing from s (I, N), N % 4 == 0, for channels
 * d0 … d1-1 (multiples of normGroup; channels are independent). x, delta, y (T, I); A (I, N);
 * B, C (T, N); D (I). If norm ≠ 0, norm[(group index)·normStride + t] ← ‖h_t‖ over each group of
 * normGroup channels.
 */
export function mamba1Scan(
  y: usize, s: usize, x: usize, delta: usize, A: usize, B: usize, C: usize, D: usize,
  T: i32, I: i32, N: i32, norm: usize, normStride: i32, normGroup: i32, d0: i32, d1: i32,
): void {
  const nb = <usize>N << 2;
  for (let t = 0; t < T; t++) {
    const bp = B + ((<usize>t * N) << 2);
    const cp = C + ((<usize>t * N) << 2);
    let ss = f32x4.splat(0);
    for (let d = d0; d < d1; d++) {
      const xi = (<usize>t * I + d) << 2;
      const dl = load<f32>(delta + xi);
      const xv = load<f32>(x + xi);
      const dlv = f32x4.splat(dl);
      const dx = f32x4.splat(dl * xv);
      const sp = s + ((<usize>d * N) << 2);
      const ap = A + ((<usize>d * N) << 2);
      let acc = f32x4.splat(0);
      // a fresh norm accumulator per channel (see mamba2Scan): chains of consecutive d overlap
      let q = f32x4.splat(0);
      for (let n: usize = 0; n < nb; n += 16) {
        const dA = exp4(f32x4.mul(dlv, v128.load(ap + n)));
        const v = madd(dx, v128.load(bp + n), f32x4.mul(dA, v128.load(sp + n)));
        v128.store(sp + n, v);
        acc = madd(v, v128.load(cp + n), acc);
        q = madd(v, v, q);
      }
      ss = f32x4.add(ss, q);
      store<f32>(y + xi, hsum(acc) + load<f32>(D + (<usize>d << 2)) * xv);
      if (norm != 0 && (d + 1) % normGroup == 0) {
        store<f32>(norm + ((<usize>((d + 1) / normGroup - 1) * normStride + t) << 2), <f32>Math.sqrt(hsum(ss)));
        ss = f32x4.splat(0);
      }
    }
  }
}

