// Selective-scan recurrences of Mamba-2 (scalar A per head, B/C shared per group) and Mamba-1
// (A per channel and state index). States are float64 here: they integrate thousands of steps and
// the reference is float64 (a backend that computes in float32 keeps float32 states instead,
// KernelBackend.stateFloat32). Output first; nothing is allocated.
// Mamba-2: h_t = exp(dt_t·A) h_{t-1} + dt_t · x_t ⊗ B_t,  y_t = h_t C_t + D x_t   (Dao & Gu 2024, eq. 1)
// Mamba-1: h_t[d] = exp(Δ_t[d]·A[d]) ⊙ h_{t-1}[d] + Δ_t[d] B_t x_t[d],  y_t[d] = h_t[d]·C_t + D[d] x_t[d]

/** Optional side outputs filled during a scan (probes): per-token state norms and snapshots. */
export interface ScanProbe {
  /** (groups, T): ‖h_t‖ over each group's slice of the state (a head for Mamba-2). */
  stateNorm?: Float32Array;
  /** Channels per norm group (Mamba-1 only; Mamba-2 groups by head). */
  normGroup?: number;
  /** Sorted token positions whose full state is copied into `snapshots`. */
  snapshotAt?: Int32Array;
  /** (R, state size) */
  snapshots?: Float32Array;
}

/**
 * Mamba-2 recurrent scan over T tokens continuing from `state` (H, P, N).
 * x (T, H, P) at row stride xStride (the conv's output rows, whose first H·P columns are x, are read
 * in place); dt (T, H) after softplus and clamping; A (H) = -exp(A_log); B, C (T, G, N); Dskip (H).
 * y (T, H, P) includes the D skip; gating and norm happen outside.
 */
export function mamba2Scan(
  y: Float32Array, state: Float64Array | Float32Array, x: Float32Array, dt: Float32Array, A: Float64Array,
  B: Float32Array, C: Float32Array, Dskip: Float32Array, T: number, H: number, P: number, N: number, G: number,
  probe?: ScanProbe, xStride = H * P,
): void {
  const headsPerGroup = H / G;
  const S = H * P * N;
  let snap = 0;
  for (let t = 0; t < T; t++) {
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / headsPerGroup);
      const d = dt[t * H + h];
      const dA = Math.exp(d * A[h]);
      const bo = (t * G + g) * N;
      let ss = 0;
      for (let p = 0; p < P; p++) {
        const xv = x[t * xStride + h * P + p];
        const dx = d * xv;
        const so = (h * P + p) * N;
        let acc = 0;
        for (let n = 0; n < N; n++) {
          const s = state[so + n] * dA + dx * B[bo + n];
          state[so + n] = s;
          acc += s * C[bo + n];
          ss += s * s;
        }
        y[(t * H + h) * P + p] = acc + Dskip[h] * xv;
      }
      if (probe?.stateNorm) probe.stateNorm[h * T + t] = Math.sqrt(ss);
    }
    if (probe?.snapshotAt && probe.snapshots) {
      while (snap < probe.snapshotAt.length && probe.snapshotAt[snap] === t) {
        for (let i = 0; i < S; i++) probe.snapshots[snap * S + i] = state[i];
        snap++;
      }
    }
  }
}

/**
 * The naive twin of mamba2Scan from a zero state, through the SSD duality: materialise
 * M[t, s] = (C_t·B_s) · exp(Σ_{s<k≤t} dt_k A) · dt_s per head and multiply, y = M x + D x.
 * `state` receives the final state Σ_s exp(Σ_{s<k≤T-1} dt_k A) dt_s x_s ⊗ B_s. Quadratic in T.
 */
export function mamba2ScanQuadratic(
  y: Float32Array, state: Float64Array | Float32Array, x: Float32Array, dt: Float32Array, A: Float64Array,
  B: Float32Array, C: Float32Array, Dskip: Float32Array, T: number, H: number, P: number, N: number, G: number,
): void {
  const cum = new Float64Array(T);
  for (let h = 0; h < H; h++) {
    const g = Math.floor(h / (H / G));
    let c = 0;
    for (let t = 0; t < T; t++) cum[t] = c += dt[t * H + h] * A[h];
    for (let t = 0; t < T; t++) {
      for (let p = 0; p < P; p++) {
        let acc = 0;
        for (let s = 0; s <= t; s++) {
          let cb = 0;
          for (let n = 0; n < N; n++) cb += C[(t * G + g) * N + n] * B[(s * G + g) * N + n];
          acc += cb * Math.exp(cum[t] - cum[s]) * dt[s * H + h] * x[(s * H + h) * P + p];
        }
        y[(t * H + h) * P + p] = acc + Dskip[h] * x[(t * H + h) * P + p];
      }
    }
    for (let p = 0; p < P; p++) {
      for (let n = 0; n < N; n++) {
        let acc = 0;
        for (let s = 0; s < T; s++) {
          acc += Math.exp(cum[T - 1] - cum[s]) * dt[s * H + h] * x[(s * H + h) * P + p] * B[(s * G + g) * N + n];
        }
        state[(h * P + p) * N + n] = acc;
      }
    }
  }
}

/**
 * Mamba-1 selective scan over T tokens continuing from `state` (I, N).
 * x, delta (T, I) (delta after softplus); A (I, N) = -exp(A_log); B, C (T, N); Dskip (I).
 * y (T, I) includes the D skip; the silu(z) gate happens outside.
 */
export function mamba1Scan(
  y: Float32Array, state: Float64Array | Float32Array, x: Float32Array, delta: Float32Array, A: Float64Array,
  B: Float32Array, C: Float32Array, Dskip: Float32Array, T: number, I: number, N: number, probe?: ScanProbe,
): void {
  const group = probe?.normGroup ?? I;
  let snap = 0;
  for (let t = 0; t < T; t++) {
    const bo = t * N;
    let ss = 0;
    for (let d = 0; d < I; d++) {
      const dl = delta[t * I + d];
      const xv = x[t * I + d];
      const dx = dl * xv;
      const so = d * N;
      let acc = 0;
      for (let n = 0; n < N; n++) {
        const s = Math.exp(dl * A[so + n]) * state[so + n] + dx * B[bo + n];
        state[so + n] = s;
        acc += s * C[bo + n];
        ss += s * s;
      }
      y[t * I + d] = acc + Dskip[d] * xv;
      if (probe?.stateNorm && (d + 1) % group === 0) {
        probe.stateNorm[((d + 1) / group - 1) * T + t] = Math.sqrt(ss);
        ss = 0;
      }
    }
    if (probe?.snapshotAt && probe.snapshots) {
      while (snap < probe.snapshotAt.length && probe.snapshotAt[snap] === t) {
        for (let i = 0; i < I * N; i++) probe.snapshots[snap * I * N + i] = state[i];
        snap++;
      }
    }
  }
}

/**
 * One Mamba-1 channel's implicit-attention terms for focus row t (the probes' M_d[t, s] before the
 * mean over channels): row[s] += Δ_s[d] · Σ_n C_t[n] B_s[n] exp(A[d, n]·(cum[t] − cum[s])), s ≤ t.
 * cum (T): the channel's prefix sums of Δ; Δ_s[d] = delta[s·dStride + d]; A[d, n] = A[d·N + n].
 */
export function mamba1ImplicitTerms(
  row: Float32Array, t: number, cum: Float64Array, delta: Float32Array, d: number, dStride: number, A: Float64Array,
  B: Float32Array, C: Float32Array, N: number,
): void {
  const ct = cum[t];
  for (let s = 0; s <= t; s++) {
    const gap = ct - cum[s];
    let acc = 0;
    for (let n = 0; n < N; n++) acc += C[t * N + n] * B[s * N + n] * Math.exp(A[d * N + n] * gap);
    row[s] += acc * delta[s * dStride + d];
  }
}
