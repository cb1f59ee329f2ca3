// MLP blocks. nemotron_h: down(relu(up(x))²) (squared ReLU, "relu2");
// llama: down(silu(gate(x)) ⊙ up(x)) (SwiGLU); zamba2: down(gelu(gate(x)) ⊙ up(x)) with per-depth adapters.
// Reference: https://github.com/huggingface/transformers/blob/v5.17.0/src/transformers/models/nemotron_h/modeling_nemotron_h.py (NemotronHMLP), llama/modeling_llama.py (LlamaMLP).
import { kernels } from '../kernels/backend';
import type { MatmulAct } from '../kernels/matmul';
import { gelu } from '../kernels/activations';
import type { Linear, LoRA, MlpMixer } from '../model';
import type { WorkingRole } from './working';
import { working } from './working';

/** x (T, in) · Wᵀ (+ bias, act) as a fresh (T, out) array. */
export function project(lin: Linear, x: Float32Array, T: number, act?: MatmulAct): Float32Array {
  return projectInto(new Float32Array(T * lin.outFeatures), lin, x, T, act);
}

/** The same into the working array of `role`, for a result that never outlives the call (working.ts). */
export function projectWorking(role: WorkingRole, lin: Linear, x: Float32Array, T: number, act?: MatmulAct): Float32Array {
  return projectInto(working(role, T * lin.outFeatures), lin, x, T, act);
}

function projectInto(out: Float32Array, lin: Linear, x: Float32Array, T: number, act?: MatmulAct): Float32Array {
  kernels().matmul(out, x, lin.weight, T, lin.inFeatures, lin.outFeatures, lin.bias, act);
  return out;
}

/** out (T, D) for normed input x (T, D). */
export function forward(m: MlpMixer, x: Float32Array, T: number): Float32Array {
  const up = projectWorking('mlp up', m.up_proj, x, T, m.act === 'relu2' ? 'relu2' : undefined); // (T, F)
  if (m.act !== 'relu2') {
    const gate = projectWorking('mlp gate', m.gate_proj!, x, T); // (T, F)
    if (m.lora) {
      addLora(gate, m.lora.gate, x, T);
      addLora(up, m.lora.up, x, T);
    }
    if (m.gateScale !== undefined) for (let i = 0; i < gate.length; i++) gate[i] *= m.gateScale; // falcon_h1
    if (m.act === 'swiglu') kernels().siluGate(up, gate, 0, up.length / T, T, up.length / T); // up ⊙= silu(gate)
    else for (let i = 0; i < up.length; i++) up[i] *= gelu(gate[i]); // up ⊙= gelu(gate)
  }
  return projectWorking('mlp output', m.down_proj, up, T); // (T, D)
}

/** In place: y (T, out) += up(down(x)) for x (T, in): a low-rank adapter's contribution. */
export function addLora(y: Float32Array, lora: LoRA, x: Float32Array, T: number): void {
  const r = project(lora.up, project(lora.down, x, T), T); // (T, rank) → (T, out)
  for (let i = 0; i < y.length; i++) y[i] += r[i];
}

/** One token: x (D) → (D). An MLP has no state. */
export function step(m: MlpMixer, x: Float32Array): Float32Array {
  return forward(m, x, 1);
}
