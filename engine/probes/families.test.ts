// Captures of the block kinds the families beyond the bundled four bring: a parallel layer records
// both its attention and its Mamba-2 (named after its parts), tiles are recomputed from either part,
// and an MoE MLP records where each token was routed.
import { widened } from '../kernels/widen';
import { describe, expect, it } from 'vitest';
import type { LayerRecord } from '../records';
import type { CaptureSpec } from './plan';
import { forward, forwardSteps } from '../forward';
import { loadModel } from '../io/checkpoint';
import { route } from '../layers/moe';
import { applyNorm } from '../layers/norm';
import { rng, tinyCheckpoint } from '../test/tiny';
import { attentionTile, implicitTile, stateAt } from './ondemand';

const rand = rng(17);
const ids = (T: number, V: number) => Array.from({ length: T }, () => Math.floor(rand() * V));

function records(model: Parameters<typeof forwardSteps>[0], prompt: number[], spec: CaptureSpec): LayerRecord[] {
  const out: LayerRecord[] = [];
  const it = forwardSteps(model, prompt, spec);
  for (let n = it.next(); !n.done; n = it.next()) out.push(n.value);
  return out;
}

describe('parallel layers (falcon_h1)', async () => {
  const model = await loadModel(tinyCheckpoint('falcon_h1', { seed: 4 })); // P-P-
  const T = 13;
  const prompt = ids(T, model.embeddings.V);

  it('record attention and SSM summaries, name full captures after their parts, and keep both contexts', () => {
    const r = forward(model, prompt, { focus: [5, 12] }, { outputs: { attentions: true, ssmStates: true } });
    expect(r.context.layers[2]?.kind).toBe('compound');
    const full = r.attentions![2]; // (H, T, T)
    const tile = attentionTile(r.context, { layer: 2, head: 1, rows: [0, T], cols: [0, T] }).data;
    for (let i = 0; i < T * T; i++) expect(tile[i]).toBeCloseTo(full.data[T * T + i], 6);
    expect(implicitTile(r.context, { layer: 2, head: 0, rows: [3, 6], cols: [0, T] }).shape).toEqual([3, T]);
    expect(() => attentionTile(r.context, { layer: 1, head: 0, rows: [0, 1], cols: [0, 1] })).toThrow(/kept no context/);
    const s = stateAt(model, prompt, 2, T - 1);
    expect(Array.from(s.data)).toEqual(Array.from(r.ssmStates![2].data));
  });

  it('streams one record per block with both probes on the parallel ones', () => {
    const recs = records(model, prompt, { focus: [12], names: ['layers.0.self_attn.attn_probs', 'layers.0.mamba.ssm_state', 'layers.0.attn_probs'] });
    expect(recs.map((r) => r.kind)).toEqual(['parallel', 'mlp', 'parallel', 'mlp']);
    expect(recs[0].attention?.focusProbs?.shape).toEqual([4, 1, T]);
    expect(recs[0].ssm?.variant).toBe('mamba2');
    expect(recs[0].ssm?.dt?.shape).toEqual([3, T]);
    expect(Object.keys(recs[0].named ?? {}).sort()).toEqual(['layers.0.mamba.ssm_state', 'layers.0.self_attn.attn_probs']);
    expect(recs[1].attention).toBeUndefined();
  });
});

describe('mixture-of-experts MLPs (granitemoehybrid)', async () => {
  const model = await loadModel(tinyCheckpoint('granitemoehybrid', { seed: 6 })); // ME*EME, 4 experts, top-2
  const T = 11;
  const prompt = ids(T, model.embeddings.V);

  it('record which experts each token went to, best first, with weights that sum to 1', () => {
    const moe = records(model, prompt, { focus: [T - 1] }).filter((r) => r.kind === 'moe');
    expect(moe).toHaveLength(3);
    for (const r of moe) {
      const m = r.moe!;
      expect([m.E, m.topK]).toEqual([4, 2]);
      expect(m.experts.shape).toEqual([T, 2]);
      for (let t = 0; t < T; t++) {
        const [a, b] = [m.experts.data[2 * t], m.experts.data[2 * t + 1]];
        expect(a).not.toBe(b);
        expect(Number.isInteger(a) && a >= 0 && a < 4).toBe(true);
        expect(m.weights.data[2 * t] + m.weights.data[2 * t + 1]).toBeCloseTo(1, 6);
        expect(m.weights.data[2 * t]).toBeGreaterThanOrEqual(m.weights.data[2 * t + 1]);
      }
    }
  });

  it('routes to the experts with the highest router scores', () => {
    const block = model.blocks[1];
    if (block.kind !== 'moe') throw new Error('expected an MoE block');
    const D = model.embeddings.D;
    const x = Float32Array.from({ length: 5 * D }, () => rand() * 2 - 1);
    const u = new Float32Array(x.length);
    applyNorm(u, x, block.norm, 5);
    const r = route(block.mixer, u, 5);
    const W = widened(block.mixer.router.weight);
    for (let t = 0; t < 5; t++) {
      const scores = Array.from({ length: 4 }, (_, e) => {
        let s = 0;
        for (let d = 0; d < D; d++) s += W[e * D + d] * u[t * D + d];
        return s;
      });
      const best = scores.map((s, e) => [s, e]).sort((p, q) => q[0] - p[0]).slice(0, 2).map((p) => p[1]);
      expect(Array.from(r.experts.subarray(2 * t, 2 * t + 2))).toEqual(best);
    }
  });

  it('records no routing when asked not to', () => {
    expect(records(model, prompt, { focus: [T - 1], moe: false }).some((r) => r.moe)).toBe(false);
  });
});
