// MLP blocks. nemotron_h: down(relu(up(x))²) (squared ReLU, "relu2");
// llama: down(silu(gate(x)) ⊙ up(x)) (SwiGLU).
// Reference: https://github.com/huggingface/transformers/blob/v5.17.0/src/transformers/models/nemotron_h/modeling_nemotron_h.py (NemotronHMLP), llama/modeling_llama.py (LlamaMLP).
import { kernels } from '../kernels/backend';
import type { MatmulAct } from '../kernels/matmul';
import type { Linear, MlpMixer } from '../model';
import { working } from './working';

/** x (T, in) · Wᵀ (+ bias, act) into `out` (T, out), a fresh array unless given one. */
export function project(lin: Linear, x: Float32Array, T: number, act?: MatmulAct, out: Float32Array = new Float32Array(T * lin.outFeatures)): Float32Array {
  kernels().matmul(out, x, lin.weight, T, lin.inFeatures, lin.outFeatures, lin.bias, act);
  return out;
}

/** out (T, D) for normed input x (T, D). */
export function forward(m: MlpMixer, x: Float32Array, T: number): Float32Array {
  const F = m.up_proj.outFeatures;
  const up = project(m.up_proj, x, T, m.act === 'relu2' ? 'relu2' : undefined, working('mlp up', T * F)); // (T, F)
  if (m.act !== 'relu2') {
    const gate = project(m.gate_proj!, x, T, undefined, working('mlp gate', T * F)); // (T, F)
    kernels().siluGate(up, gate, 0, up.length / T, T, up.length / T); // up ⊙= silu(gate)
  }
  return project(m.down_proj, up, T); // (T, D)
}

/** One token: x (D) → (D). An MLP has no state. */
export function step(m: MlpMixer, x: Float32Array): Float32Array {
  return forward(m, x, 1);
}
