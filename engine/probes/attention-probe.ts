// Attention captures for one block: focus rows (H, R, T), a max-pooled overview (H, S, S), mass per
// entry (H, R, E), the full probabilities when asked by name, and q/k for on-demand tiles.
// Everything is filled from the kernel's per-row hook, so nothing T × T is held unless requested.
import type { AttentionCapture } from '../layers/attention';
import type { AttentionMixer } from '../model';
import type { Tensor } from '../tensor';
import type { CaptureBudget } from './budget';
import type { CapturePlan } from './plan';
import type { AttentionRecord } from '../records';

/** What attention tiles are recomputed from. */
export interface AttentionContext {
  kind: 'attention';
  q: Float32Array; // (T, H, hd) after RoPE
  k: Float32Array; // (T, KVH, hd) after RoPE
  H: number; KVH: number; hd: number; T: number; scaling: number;
}

export interface AttentionCaptureRun {
  capture: AttentionCapture;
  probe?: AttentionRecord;
  full?: Tensor; // (H, T, T)
  context?: AttentionContext;
}

export function attentionCapture(
  m: AttentionMixer, T: number, plan: CapturePlan, budget: CaptureBudget, name: string, wantFull: boolean,
): AttentionCaptureRun {
  const { H } = m;
  const R = plan.focus.length;
  const E = plan.entries.length;
  const run: AttentionCaptureRun = { capture: {} };
  const rowOf = new Int32Array(T).fill(-1);
  plan.focus.forEach((t, r) => (rowOf[t] = r));

  let focusProbs: Float32Array | undefined;
  let pooled: Float32Array | undefined;
  let entryMass: Float32Array | undefined;
  const stride = Math.ceil(T / plan.pooledSize);
  const S = Math.ceil(T / stride);
  if (plan.attention) {
    focusProbs = budget.floats(H * R * T, `${name} focus rows`);
    pooled = budget.floats(H * S * S, `${name} pooled map`);
    if (E > 0) entryMass = budget.floats(H * R * E, `${name} entry mass`);
  }
  const full = wantFull ? budget.floats(H * T * T, `${name}.attn_probs`, true) : undefined;

  if (!focusProbs && !pooled && !entryMass && !full) return finishAttention(run, m, T, plan, budget, name);
  // The kernel pools every row itself and hands over only the rows read here (all of them only
  // when the full map is asked for), so the T × T probabilities need not cross into JS.
  run.capture.taps = { rows: full ? undefined : plan.focus, pooled: pooled && { data: pooled, stride, S } };
  run.capture.onRow = (h, t, probs) => {
    const L = probs.length;
    if (full) for (let s = 0; s < L; s++) full[(h * T + t) * T + s] = probs[s];
    const r = rowOf[t];
    if (r < 0) return;
    if (focusProbs) for (let s = 0; s < L; s++) focusProbs[(h * R + r) * T + s] = probs[s];
    if (entryMass) {
      plan.entries.forEach(([a, b], e) => {
        let mass = 0;
        for (let s = a; s < Math.min(b, L); s++) mass += probs[s];
        entryMass[(h * R + r) * E + e] = mass;
      });
    }
  };
  finishAttention(run, m, T, plan, budget, name);
  if (focusProbs || pooled || entryMass) {
    run.probe = { H };
    if (focusProbs) run.probe.focusProbs = { dtype: 'f32', shape: [H, R, T], data: focusProbs };
    if (pooled) Object.assign(run.probe, { pooled: { dtype: 'f32', shape: [H, S, S], data: pooled }, pooledStride: stride });
    if (entryMass) run.probe.entryMass = { dtype: 'f32', shape: [H, R, E], data: entryMass };
  }
  if (full) run.full = { dtype: 'f32', shape: [H, T, T], data: full };
  return run;
}

/**
 * Keep q/k for on-demand tiles when asked and affordable (no per-row hook needed for that). q is a
 * working array, copied; k is the cache's rows as they are (see AttentionCapture.internals).
 */
function finishAttention(run: AttentionCaptureRun, m: AttentionMixer, T: number, plan: CapturePlan, budget: CaptureBudget, name: string): AttentionCaptureRun {
  if (plan.keepContext && budget.take(T * (m.H + m.KVH) * m.hd * 4, `${name} q/k for tiles`)) {
    run.capture.internals = (q, k) => {
      run.context = { kind: 'attention', q: q.slice(), k, H: m.H, KVH: m.KVH, hd: m.hd, T, scaling: m.scaling };
    };
  }
  return run;
}
