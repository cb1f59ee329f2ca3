// Mamba-1 mixer (selective SSM), Gu & Dao 2023, arXiv 2312.00752.
//   x | z = in_proj(u);  x ← silu(conv1d(x));  dt_r | B | C = x_proj(x)            (x, z: I channels; B, C: N)
//   Δ = softplus(dt_proj(dt_r));  A = -exp(A_log)                                    (Δ: I; A: I × N)
//   h_t[d] = exp(Δ_t[d] A[d]) ⊙ h_{t-1}[d] + Δ_t[d] B_t x_t[d];  y_t[d] = h_t[d]·C_t + D[d] x_t[d]
//   out = out_proj(y ⊙ silu(z))
// falcon_mamba normalises dt_r, B and C (RMS, no weight) right after x_proj (FalconMambaMixer); jamba
// does the same with weights (JambaMambaMixer's dt/b/c_layernorm).
// Reference: https://github.com/huggingface/transformers/blob/v5.17.0/src/transformers/models/mamba/modeling_mamba.py (MambaMixer.slow_forward);
// https://github.com/johnma2006/mamba-minimal
import { kernels } from '../kernels/backend';
import type { ScanProbe } from '../kernels/scan';
import type { Mamba1Mixer } from '../model';
import { negExp } from './mamba2';
import { project, projectWorking } from './mlp';
import { weightlessNorm } from './norm';
import { working } from './working';
import type { Mamba1State } from './state';

export interface Mamba1Internals {
  x: Float32Array; // (T, I) after conv + silu: a working array, valid only during the callback
  delta: Float32Array; // (T, I) after softplus
  A: Float64Array; // (I, N)
  B: Float32Array; // (T, N)
  C: Float32Array; // (T, N)
  y: Float32Array; // (T, I) scan output including D·x, before gating: a working array, valid only during the callback
}

export interface Mamba1Capture {
  probe?: ScanProbe;
  internals?: (i: Mamba1Internals) => void;
}

/** out (T, D) for normed u (T, D), continuing from `state` (updated). */
export function forward(m: Mamba1Mixer, u: Float32Array, T: number, state: Mamba1State, capture?: Mamba1Capture): Float32Array {
  const { I, N, R } = m;
  // xz, x and y are working arrays (working.ts): none outlives this call (delta, B, C go to the probes)
  const xz = projectWorking('mamba1 in_proj', m.in_proj, u, T); // (T, 2I)
  const x = working('mamba1 x', T * I);
  // the conv reads x's columns of xz in their rows (stride 2I)
  kernels().conv1dCausal(x, xz, state.conv, m.conv1d.weight, m.conv1d.bias, T, I, m.K, 'silu', 2 * I);

  const dbl = project(m.x_proj, x, T); // (T, R + 2N)
  const W = R + 2 * N;
  const dtr = new Float32Array(T * R); // (T, R)
  const B = new Float32Array(T * N); // (T, N)
  const C = new Float32Array(T * N); // (T, N)
  for (let t = 0; t < T; t++) {
    dtr.set(dbl.subarray(t * W, t * W + R), t * R);
    B.set(dbl.subarray(t * W + R, t * W + R + N), t * N);
    C.set(dbl.subarray(t * W + R + N, t * W + W), t * N);
  }
  if (m.dtBCNorm) {
    const { eps } = m.dtBCNorm;
    weightlessNorm(dtr, T, R, eps, m.dtBCNorm.dt);
    weightlessNorm(B, T, N, eps, m.dtBCNorm.B);
    weightlessNorm(C, T, N, eps, m.dtBCNorm.C);
  }
  const delta = project(m.dt_proj, dtr, T, 'softplus'); // (T, I)
  const A = negExp(m.A_log); // (I, N)

  const y = working('mamba1 y', T * I); // (T, I)
  kernels().mamba1Scan(y, state.ssm, x, delta, A, B, C, m.D, T, I, N, capture?.probe);
  capture?.internals?.({ x, delta, A, B, C, y });

  kernels().siluGate(y, xz, I, 2 * I, T, I); // y ⊙= silu(z)
  return projectWorking('mamba1 output', m.out_proj, y, T); // (T, D)
}

export function step(m: Mamba1Mixer, u: Float32Array, state: Mamba1State, capture?: Mamba1Capture): Float32Array {
  return forward(m, u, 1, state, capture);
}
