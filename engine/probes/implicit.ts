// Implicit attention of Mamba layers, row by row (the SSD duality, Dao & Gu 2024 §3). Shared by the
// default captures and the on-demand tiles.
import { kernels } from '../kernels/backend';

/** cum (H, T) = Σ_{k≤t} dt[k, h]·A[h] for dt (T, H); without A, plain prefix sums of dt. Float64. */
export function prefixSums(dt: Float32Array, A: Float64Array | undefined, T: number, H: number): Float64Array {
  const cum = new Float64Array(H * T);
  for (let h = 0; h < H; h++) {
    let c = 0;
    const a = A ? A[h] : 1;
    for (let t = 0; t < T; t++) cum[h * T + t] = c += dt[t * H + h] * a;
  }
  return cum;
}

/**
 * row (T) = M[t, s] of Mamba-2 head h for s ≤ t, 0 after: (C_t·B_s)·exp(cum_t − cum_s)·dt_s.
 * `cb`, if given, holds C_t·B_s for s ≤ t from cbRow (the same for every head of a group).
 */
export function mamba2ImplicitRow(
  row: Float32Array, t: number, h: number, dt: Float32Array, cum: Float64Array,
  B: Float32Array, C: Float32Array, T: number, H: number, G: number, N: number, cb?: Float64Array,
): void {
  const g = Math.floor(h / (H / G));
  const dots = cb ?? cbRow(new Float64Array(t + 1), t, g, B, C, G, N);
  for (let s = 0; s < T; s++) {
    if (s > t) { row[s] = 0; continue; }
    row[s] = dots[s] * Math.exp(cum[h * T + t] - cum[h * T + s]) * dt[s * H + h];
  }
}

/** cb[s] = C_t·B_s of group g for s ≤ t (float64 sums in n order); returns cb. */
export function cbRow(cb: Float64Array, t: number, g: number, B: Float32Array, C: Float32Array, G: number, N: number): Float64Array {
  const co = (t * G + g) * N;
  for (let s = 0; s <= t; s++) {
    const bo = (s * G + g) * N;
    let dot = 0;
    for (let n = 0; n < N; n++) dot += C[co + n] * B[bo + n];
    cb[s] = dot;
  }
  return cb;
}

/** One Mamba-1 channel's cumulative Δ (T) and Δ (T). */
export interface Mamba1Channel { cum: Float64Array; delta: Float32Array }

/** Channel d's column of delta (T, I). */
export function deltaColumn(delta: Float32Array, d: number, T: number, I: number): Float32Array {
  const col = new Float32Array(T);
  for (let t = 0; t < T; t++) col[t] = delta[t * I + d];
  return col;
}

/**
 * row (T) = mean over channels d0, d0+step, … < d1 of the Mamba-1 kernel
 * M_d[t, s] = Δ_s[d] · Σ_n C_t[n] B_s[n] exp(A[d, n]·(cumΔ_d(t) − cumΔ_d(s))), s ≤ t.
 * channel(d) is channel d's (T) prefix sums of Δ (a row of prefixSums(delta, undefined, T, I)) and
 * its (T) column of Δ.
 */
export function mamba1ImplicitRow(
  row: Float32Array, t: number, d0: number, d1: number, step: number, channel: (d: number) => Mamba1Channel,
  A: Float64Array, B: Float32Array, C: Float32Array, N: number,
): void {
  row.fill(0);
  let count = 0;
  for (let d = d0; d < d1; d += step) {
    count++;
    const { cum, delta } = channel(d);
    kernels().mamba1ImplicitTerms(row, t, cum, delta, 0, 1, A.subarray(d * N, (d + 1) * N), B, C, N);
  }
  for (let s = 0; s <= t; s++) row[s] /= count;
}
