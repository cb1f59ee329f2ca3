// Mixture-of-experts MLP (Shazeer et al. 2017; the Mixtral/Granite form): a router scores E experts per
// token, the k best run and their outputs are summed, weighted by the softmax of the k scores
// (granitemoehybrid) or by their probabilities under the softmax over all E scores (jamba).
//   r_t = x_t W_rᵀ;  S_t = top-k(r_t);  g_t = softmax(r_t[S_t])  (jamba: softmax(r_t)[S_t])   (r: E; S, g: k)
//   out_t = Σ_{e ∈ S_t} g_t[e] · down_e(silu(gate_e x_t) ⊙ up_e x_t)  (+ shared(x_t), always on)
// Reference: https://github.com/huggingface/transformers/blob/v5.17.0/src/transformers/models/granitemoehybrid/modeling_granitemoehybrid.py
// (GraniteMoeHybridTopKRouter, GraniteMoeHybridExperts, GraniteMoeHybridMoE; the decoder layer adds shared_mlp),
// jamba/modeling_jamba.py (JambaSparseMoeBlock).
// Ties between router scores (measure zero with real weights) go to the lower expert index.
import { kernels } from '../kernels/backend';
import type { MoeMixer } from '../model';
import * as mlp from './mlp';
import { project } from './mlp';

/** Where each token went: expert indices best first and their weights, both (T, k). */
export interface MoeRouting {
  experts: Int32Array;
  weights: Float32Array;
}

/** The router's choice for x (T, D). */
export function route(m: MoeMixer, x: Float32Array, T: number): MoeRouting {
  const { E, topK: k } = m;
  const scores = project(m.router, x, T); // (T, E)
  const experts = new Int32Array(T * k);
  const weights = new Float32Array(T * k);
  const order = Array.from({ length: E }, (_, e) => e);
  const over = m.softmaxOver === 'all' ? E : k; // the softmax's denominator: all experts, or the chosen k
  for (let t = 0; t < T; t++) {
    const r = scores.subarray(t * E, (t + 1) * E);
    order.sort((a, b) => r[b] - r[a] || a - b);
    let sum = 0;
    const top = r[order[0]];
    for (let j = 0; j < over; j++) sum += Math.exp(r[order[j]] - top);
    for (let j = 0; j < k; j++) {
      experts[t * k + j] = order[j];
      weights[t * k + j] = Math.exp(r[order[j]] - top) / sum;
    }
  }
  return { experts, weights };
}

/** out (T, D) for normed x (T, D); `onRouting` sees the router's choice. */
export function forward(m: MoeMixer, x: Float32Array, T: number, onRouting?: (r: MoeRouting) => void): Float32Array {
  const D = m.router.inFeatures;
  const k = m.topK;
  const routing = route(m, x, T);
  onRouting?.(routing);
  const out = m.shared ? mlp.forward(m.shared, x, T) : new Float32Array(T * D); // (T, D)
  // Each expert runs once over the tokens routed to it (gathered into rows), then scatters back.
  const rowsOf: number[][] = Array.from({ length: m.E }, () => []);
  for (let i = 0; i < T * k; i++) rowsOf[routing.experts[i]].push(i);
  for (let e = 0; e < m.E; e++) {
    const picks = rowsOf[e];
    if (picks.length === 0) continue;
    const n = picks.length;
    const { gate, up, down } = m.experts[e];
    const F = down.inFeatures;
    const xs = new Float32Array(n * D); // (n, D)
    picks.forEach((p, r) => xs.set(x.subarray(Math.floor(p / k) * D, (Math.floor(p / k) + 1) * D), r * D));
    const h = project(up, xs, n); // (n, F)
    kernels().siluGate(h, project(gate, xs, n), 0, F, n, F); // h = up ⊙ silu(gate)
    const y = project(down, h, n); // (n, D)
    picks.forEach((p, r) => {
      const t = Math.floor(p / k);
      const w = routing.weights[p];
      for (let d = 0; d < D; d++) out[t * D + d] += w * y[r * D + d];
    });
  }
  return out;
}
