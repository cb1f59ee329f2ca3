// Mamba-2 mixer (SSD), Dao & Gu 2024, arXiv 2405.21060.
//   z | xBC | dt = in_proj(u);  xBC ← silu(conv1d(xBC));  x | B | C = xBC       (x: H heads of P; B, C: G groups of N)
//   dt ← clamp(softplus(dt + dt_bias), dtMin, dtMax);  A = -exp(A_log)           (one scalar per head)
//   h_t = exp(dt_t A) h_{t-1} + dt_t x_t ⊗ B_t;  y_t = h_t C_t + D x_t            (head h uses group ⌊h·G/H⌋)
//   out = out_proj(gatedRMSNorm(y, z))
// falcon_h1 (FalconH1Mixer): u ← ssm_in_multiplier · u, in_proj's output × its μP vector, and the gate
// either norm(y) ⊙ silu(z) (norm before gate) or y ⊙ silu(z) (no norm).
// Reference: https://github.com/huggingface/transformers/blob/v5.17.0/src/transformers/models/mamba2/modeling_mamba2.py (Mamba2Mixer) and
// https://github.com/huggingface/transformers/blob/v5.17.0/src/transformers/models/nemotron_h/modeling_nemotron_h.py (NemotronHMamba2Mixer). Their
// chunked SSD computes the same recurrence; the recurrent scan here is exact and, in plain JS
// without fast matmuls, no slower. transformers' single-token decode (mamba2_selective_state_update)
// skips the dt clamp its prefill applies; here every path clamps, so stepping reproduces the
// full-sequence logits and the no-cache greedy reference exactly.
import { softplus } from '../kernels/activations';
import { kernels } from '../kernels/backend';
import type { ScanProbe } from '../kernels/scan';
import type { Mamba2Mixer } from '../model';
import { projectWorking } from './mlp';
import { applyNorm, gatedNorm } from './norm';
import { working } from './working';
import type { Mamba2State } from './state';

/** What the probes read back from a forward: the SSM's inputs, enough to recompute any tile. */
export interface Mamba2Internals {
  x: Float32Array; // (T, H, P) at row stride xStride, after conv + silu: a working array, valid only during the callback
  xStride: number;
  B: Float32Array; // (T, G, N)
  C: Float32Array; // (T, G, N)
  dt: Float32Array; // (T, H) after softplus + clamp
  A: Float64Array; // (H)
  y: Float32Array; // (T, H, P) scan output including D·x, before gating: a working array, valid only during the callback
}

export interface Mamba2Capture {
  probe?: ScanProbe;
  internals?: (i: Mamba2Internals) => void;
}

/** out (T, D) for normed u (T, D), continuing from `state` (updated). */
export function forward(m: Mamba2Mixer, u: Float32Array, T: number, state: Mamba2State, capture?: Mamba2Capture): Float32Array {
  const { H, P, N, G, I, convDim } = m;
  const width = m.in_proj.outFeatures;
  const zOff = 2 * m.dMlp;
  // proj, xBC and y are working arrays (working.ts): none outlives this call (B, C, dt go to the probes)
  const proj = projectWorking('mamba2 in_proj', m.in_proj, m.inScale === undefined ? u : scaled(u, m.inScale), T); // (T, 2·dMlp + I + convDim + H)
  if (m.projScale) for (let t = 0; t < T; t++) for (let j = 0; j < width; j++) proj[t * width + j] *= m.projScale[j];

  const xBC = working('mamba2 conv out', T * convDim);
  // the conv reads xBC's columns of proj in their rows (stride width)
  kernels().conv1dCausal(xBC, proj.subarray(zOff + I), state.conv, m.conv1d.weight, m.conv1d.bias, T, convDim, m.K, 'silu', width);

  // the scan reads x where the conv left it, xBC's first I columns (row stride convDim): a copy was
  // 8 MB a layer at 4k tokens. B and C are copied out: the probes keep them.
  const x = xBC; // (T, H, P) at row stride convDim
  const B = new Float32Array(T * G * N); // (T, G, N)
  const C = new Float32Array(T * G * N); // (T, G, N)
  const GN = G * N;
  for (let t = 0; t < T; t++) {
    const o = t * convDim + I;
    for (let j = 0; j < GN; j++) {
      B[t * GN + j] = xBC[o + j];
      C[t * GN + j] = xBC[o + GN + j];
    }
  }

  const dt = new Float32Array(T * H); // (T, H)
  const dtOff = zOff + I + convDim;
  for (let t = 0; t < T; t++) {
    for (let h = 0; h < H; h++) {
      const v = softplus(proj[t * width + dtOff + h] + m.dt_bias[h]);
      dt[t * H + h] = Math.min(Math.max(v, m.dtMin), m.dtMax);
    }
  }
  const A = negExp(m.A_log);

  const y = working('mamba2 y', T * I); // (T, H, P)
  kernels().mamba2Scan(y, state.ssm, x, dt, A, B, C, m.D, T, H, P, N, G, capture?.probe, convDim);
  capture?.internals?.({ x, xStride: convDim, B, C, dt, A, y });

  if (m.gate === undefined) gatedNorm(y, proj, zOff, width, m.norm, T); // y ← norm(y ⊙ silu(z))
  else {
    if (m.gate === 'norm-first') applyNorm(y, y, m.norm, T); // y ← norm(y), grouped
    kernels().siluGate(y, proj, zOff, width, T, I); // y ⊙= silu(z)
  }
  return projectWorking('mamba2 output', m.out_proj, y, T); // (T, D)
}

function scaled(u: Float32Array, s: number): Float32Array {
  const out = new Float32Array(u.length);
  for (let i = 0; i < u.length; i++) out[i] = u[i] * s;
  return out;
}

export function step(m: Mamba2Mixer, u: Float32Array, state: Mamba2State, capture?: Mamba2Capture): Float32Array {
  return forward(m, u, 1, state, capture);
}

const negExpOf = new WeakMap<Float32Array, Float64Array>();

/**
 * A = -exp(A_log), in float64, computed once per weight tensor: a decoding step would otherwise
 * spend more time on Mamba-1's I·N exponentials than on its matmuls. Weights are never written in
 * place (an edited model gets new arrays), and callers only read A.
 */
export function negExp(aLog: Float32Array): Float64Array {
  let A = negExpOf.get(aLog);
  if (!A) {
    A = new Float64Array(aLog.length);
    for (let i = 0; i < aLog.length; i++) A[i] = -Math.exp(aLog[i]);
    negExpOf.set(aLog, A);
  }
  return A;
}
