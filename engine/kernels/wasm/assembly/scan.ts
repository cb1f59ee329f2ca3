// Selective-scan recurrences on f32x4 lanes; the math and the float64 reference twins are in
// engine/kernels/scan.ts. The state is f32 here (the TypeScript side converts the float64 state in
// and out once per call): over thousands of decaying steps its rounding stays near 1e-7 relative.
// Mamba-2: h_t = exp(dt_t·A) h_{t-1} + dt_t · x_t ⊗ B_t,  y_t = h_t C_t + D x_t   (per head, A scalar)
// Mamba-1: h_t[d] = exp(Δ_t[d]·A[d]) ⊙ h_{t-1}[d] + Δ_t[d] B_t x_t[d],  y_t[d] = h_t[d]·C_t + D[d] x_t[d]
import { exp2Clamped, exp4, LOG2E } from './exp';
import { hsum, madd } from './simd';

/**
 * Mamba-2 scan over T tokens continuing from s (H, P, N), N % 8 == 0, for heads h0 … h1-1 (heads
 * are independent: two threads take a share each). x (T, H, P) read at row stride xs (≥ H·P: the
 * conv's output rows, x's columns first); y (T, H, P); dt (T, H); A, D (H);
 * B, C (T, G, N). If norm ≠ 0, norm[h·normStride + t] ← ‖h_t‖ over head h.
 * With scratch ≠ 0 (group·P·N floats, one per thread) and P % 8 == 0, the heads go in groups of
 * `group`: their states transposed there to (N, P) and scanned together, tokens outermost
 * (mamba2HeadsNP), then transposed back.
 */
export function mamba2Scan(
  y: usize, s: usize, x: usize, dt: usize, A: usize, B: usize, C: usize, D: usize,
  T: i32, H: i32, P: i32, N: i32, G: i32, xs: i32, norm: usize, normStride: i32, h0: i32, h1: i32, scratch: usize,
  group: i32,
): void {
  const headsPerGroup = H / G;
  if (scratch != 0 && P % 8 == 0) {
    const hb = (<usize>P * N) << 2;
    for (let g0 = h0; g0 < h1; g0 += group) {
      const g1 = min(g0 + group, h1);
      for (let h = g0; h < g1; h++) transpose(scratch + <usize>(h - g0) * hb, s + <usize>h * hb, P, N);
      // the norm's sums only where asked for (its two FMAs of eight a step: ~13 % of the scan)
      if (norm != 0) mamba2HeadsNP(y, scratch, x, dt, A, B, C, D, T, H, P, N, xs, norm, normStride, g0, g1, G, true);
      else mamba2HeadsNP(y, scratch, x, dt, A, B, C, D, T, H, P, N, xs, 0, 0, g0, g1, G, false);
      for (let h = g0; h < g1; h++) transpose(s + <usize>h * hb, scratch + <usize>(h - g0) * hb, N, P);
    }
    return;
  }
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
        const xv = load<f32>(x + ((<usize>t * xs + h * P + p) << 2));
        const yi = (<usize>(t * H + h) * P + p) << 2;
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
        store<f32>(y + yi, hsum(f32x4.add(a0, a1)) + Dh * xv);
      }
      if (norm != 0) store<f32>(norm + ((<usize>h * normStride + t) << 2), <f32>Math.sqrt(hsum(ss)));
    }
  }
}

/** dst (cols, rows) ← src (rows, cols). */
function transpose(dst: usize, src: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) store<f32>(dst + ((<usize>c * rows + r) << 2), load<f32>(src + ((<usize>r * cols + c) << 2)));
  }
}

/**
 * Heads h0 … h1-1 over T tokens, their states consecutive at st, each as (N, P): per token, head
 * and state index n, the P-vector h[n, :] ← exp(dt·A) h[n, :] + (dt·B[n]) x, and y += C[n] h[n, :],
 * eight values of p at a time in registers. B[n] and C[n] are broadcast once per 8 p instead of
 * being loaded for every p, and y comes out as whole vectors (the (P, N) loop ended every p with a
 * horizontal sum). Tokens outermost: x and y are read and written row after row, where one head
 * at a time took 256 bytes of every 2 KB row over 8 MB, and lost up to 2× when other work shared
 * the caches (bench/LOG.md); the group's states stay in L1. Each head's arithmetic is the same
 * either way. withNorm is a constant at each (inlined) call: without it the loop has no norm sums.
 */
@inline
function mamba2HeadsNP(
  y: usize, st: usize, x: usize, dt: usize, A: usize, B: usize, C: usize, D: usize,
  T: i32, H: i32, P: i32, N: i32, xs: i32, norm: usize, normStride: i32, h0: i32, h1: i32, G: i32, withNorm: bool,
): void {
  const headsPerGroup = H / G;
  const pb = <usize>P << 2;
  const hb = <usize>N * pb;
  for (let t = 0; t < T; t++) {
    for (let h = h0; h < h1; h++) {
      const sh = st + <usize>(h - h0) * hb;
      const shEnd = sh + hb;
      const g = h / headsPerGroup;
      const d = load<f32>(dt + ((<usize>(t * H + h)) << 2));
      const dA = f32x4.splat(<f32>Math.exp(<f64>d * <f64>load<f32>(A + (<usize>h << 2))));
      const Dh = f32x4.splat(load<f32>(D + (<usize>h << 2)));
      const dv = f32x4.splat(d);
      const bp = B + ((<usize>(t * G + g) * N) << 2);
      const cp = C + ((<usize>(t * G + g) * N) << 2);
      const xp = x + ((<usize>t * xs + h * P) << 2);
      const yp = y + ((<usize>(t * H + h) * P) << 2);
      let ss = f32x4.splat(0);
      for (let p: usize = 0; p < pb; p += 32) {
        const x0 = v128.load(xp + p), x1 = v128.load(xp + p, 16);
        const dx0 = f32x4.mul(dv, x0), dx1 = f32x4.mul(dv, x1);
        let y0 = f32x4.splat(0), y1 = f32x4.splat(0);
        let q0 = f32x4.splat(0), q1 = f32x4.splat(0);
        // pointers stepped, not indices recomputed: fewer live integers (~5 % of the scan)
        let bn = bp, cn = cp;
        for (let sp = sh + p; sp < shEnd; sp += pb) {
          const b = v128.load32_splat(bn);
          const c = v128.load32_splat(cn);
          const v0 = madd(dx0, b, f32x4.mul(v128.load(sp), dA));
          const v1 = madd(dx1, b, f32x4.mul(v128.load(sp, 16), dA));
          v128.store(sp, v0);
          v128.store(sp, v1, 16);
          y0 = madd(v0, c, y0);
          y1 = madd(v1, c, y1);
          if (withNorm) {
            q0 = madd(v0, v0, q0);
            q1 = madd(v1, v1, q1);
          }
          bn += 4;
          cn += 4;
        }
        v128.store(yp + p, madd(Dh, x0, y0));
        v128.store(yp + p, madd(Dh, x1, y1), 16);
        if (withNorm) ss = f32x4.add(ss, f32x4.add(q0, q1));
      }
      if (withNorm) store<f32>(norm + ((<usize>h * normStride + t) << 2), <f32>Math.sqrt(hsum(ss)));
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
  if (N == 16) mamba1Scan16(y, s, x, delta, A, B, C, D, T, I, norm, normStride, normGroup, d0, d1);
  else mamba1ScanAnyN(y, s, x, delta, A, B, C, D, T, I, N, norm, normStride, normGroup, d0, d1);
}

/** mamba1Scan's loop for any N % 4 == 0; exported with mamba1Scan16 for the test that the two give the same bits. */
export function mamba1ScanAnyN(
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
      // exp(Δ·A) = 2^(Δ·log2(e) · A): log2(e) folded into the channel's Δ once, not into every state
      const dlv = f32x4.splat(dl * LOG2E);
      const dx = f32x4.splat(dl * xv);
      const sp = s + ((<usize>d * N) << 2);
      const ap = A + ((<usize>d * N) << 2);
      let acc = f32x4.splat(0);
      // a fresh norm accumulator per channel (see mamba2Scan): chains of consecutive d overlap
      let q = f32x4.splat(0);
      for (let n: usize = 0; n < nb; n += 16) {
        const dA = exp2Clamped(f32x4.mul(dlv, v128.load(ap + n)));
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


/**
 * mamba1Scan for N = 16, the state size of every Mamba-1 checkpoint: a channel's 16 states as four
 * vectors written out in one step of the channel loop, which is then the innermost loop. With N's
 * loop innermost (4 steps a channel) V8 peeled its first step once per channel and built exp's ten
 * constants there each time (three instructions each); here that happens once per token. The same
 * operations in the same order as the general loop, so the same bits (mamba1ScanAnyN's test).
 */
export function mamba1Scan16(
  y: usize, s: usize, x: usize, delta: usize, A: usize, B: usize, C: usize, D: usize,
  T: i32, I: i32, norm: usize, normStride: i32, normGroup: i32, d0: i32, d1: i32,
): void {
  const zero = f32x4.splat(0);
  for (let t = 0; t < T; t++) {
    const bp = B + ((<usize>t * 16) << 2);
    const cp = C + ((<usize>t * 16) << 2);
    let ss = zero;
    for (let d = d0; d < d1; d++) {
      const xi = (<usize>t * I + d) << 2;
      const dl = load<f32>(delta + xi);
      const xv = load<f32>(x + xi);
      const dlv = f32x4.splat(dl * LOG2E);
      const dx = f32x4.splat(dl * xv);
      const sp = s + (<usize>d << 6);
      const ap = A + (<usize>d << 6);
      const v0 = madd(dx, v128.load(bp), f32x4.mul(exp2Clamped(f32x4.mul(dlv, v128.load(ap))), v128.load(sp)));
      const v1 = madd(dx, v128.load(bp, 16), f32x4.mul(exp2Clamped(f32x4.mul(dlv, v128.load(ap, 16))), v128.load(sp, 16)));
      const v2 = madd(dx, v128.load(bp, 32), f32x4.mul(exp2Clamped(f32x4.mul(dlv, v128.load(ap, 32))), v128.load(sp, 32)));
      const v3 = madd(dx, v128.load(bp, 48), f32x4.mul(exp2Clamped(f32x4.mul(dlv, v128.load(ap, 48))), v128.load(sp, 48)));
      v128.store(sp, v0);
      v128.store(sp, v1, 16);
      v128.store(sp, v2, 32);
      v128.store(sp, v3, 48);
      const acc = madd(v3, v128.load(cp, 48), madd(v2, v128.load(cp, 32), madd(v1, v128.load(cp, 16), madd(v0, v128.load(cp), zero))));
      ss = f32x4.add(ss, madd(v3, v3, madd(v2, v2, madd(v1, v1, madd(v0, v0, zero)))));
      store<f32>(y + xi, hsum(acc) + load<f32>(D + (<usize>d << 2)) * xv);
      if (norm != 0 && (d + 1) % normGroup == 0) {
        store<f32>(norm + ((<usize>((d + 1) / normGroup - 1) * normStride + t) << 2), <f32>Math.sqrt(hsum(ss)));
        ss = zero;
      }
    }
  }
}

/**
 * One Mamba-1 channel's implicit-attention terms for s < S (engine/kernels/scan.ts,
 * mamba1ImplicitTerms): row[s] += dcol[s] · Σ_n ct[n] B[s, n] exp(a[n] · gap[s]); N % 4 == 0.
 * row, gap, dcol (S); a, ct (N); B (S, N).
 */
export function mamba1ImplicitTerms(row: usize, gap: usize, dcol: usize, a: usize, B: usize, ct: usize, S: i32, N: i32): void {
  const nb = <usize>N << 2;
  for (let s = 0; s < S; s++) {
    const g = v128.load32_splat(gap + (<usize>s << 2));
    const bp = B + ((<usize>s * N) << 2);
    let acc = f32x4.splat(0);
    for (let n: usize = 0; n < nb; n += 16) {
      const e = exp4(f32x4.mul(v128.load(a + n), g));
      acc = madd(f32x4.mul(v128.load(ct + n), v128.load(bp + n)), e, acc);
    }
    const p = row + (<usize>s << 2);
    store<f32>(p, load<f32>(p) + hsum(acc) * load<f32>(dcol + (<usize>s << 2)));
  }
}
