import { describe, expect, it } from 'vitest';
import { forward, forwardSteps } from '../forward';
import { loadModel } from '../io/checkpoint';
import type { Mamba2Internals } from '../layers/mamba2';
import type { Mamba1Internals } from '../layers/mamba1';
import * as mamba1 from '../layers/mamba1';
import * as mamba2 from '../layers/mamba2';
import { initState } from '../layers/state';
import type { Mamba1State, Mamba2State } from '../layers/state';
import { rng, tinyCheckpoint } from '../test/tiny';
import { attentionTile, implicitTile, stateAt } from './ondemand';
import { recordBytes } from '../records';
import type { LayerRecord } from '../records';

const rand = rng(5);
const ids = (T: number, V: number) => Array.from({ length: T }, () => Math.floor(rand() * V));

describe('probes', async () => {
  const model = await loadModel(tinyCheckpoint('nemotron_h', { seed: 9 })); // M-M*-M, n_groups 2
  const V = model.embeddings.V;

  it('implicit-attention rows of a Mamba-2 layer times its values reproduce the SSM output (before D skip and gating)', () => {
    const block = model.blocks[0];
    if (block.kind !== 'mamba2') throw new Error('expected a Mamba-2 block');
    const m = block.mixer;
    const T = 29;
    const u = Float32Array.from({ length: T * 16 }, () => rand() * 2 - 1);
    let internals: Mamba2Internals | undefined;
    mamba2.forward(m, u, T, initState(block) as Mamba2State, { internals: (i) => (internals = { ...i, x: i.x.slice(), y: i.y.slice() }) });
    const focus = [0, 7, 28];
    const r = forward(model, ids(T, V), { focus });
    expect(r.context.layers[0]?.kind).toBe('mamba2');
    // rows from the on-demand path for this exact input
    const layerCtx = { ids: new Int32Array(T), layers: [{ kind: 'mamba2' as const, dt: internals!.dt, B: internals!.B, C: internals!.C, A: internals!.A, H: m.H, G: m.G, N: m.N, T }] };
    let worst = 0;
    for (let h = 0; h < m.H; h++) {
      const M = implicitTile(layerCtx, { layer: 0, head: h, rows: [0, T], cols: [0, T] }).data; // (T, T)
      for (let t = 0; t < T; t++) {
        for (let p = 0; p < m.P; p++) {
          let acc = 0;
          for (let s = 0; s <= t; s++) acc += M[t * T + s] * internals!.x[s * internals!.xStride + h * m.P + p];
          const ssm = internals!.y[(t * m.H + h) * m.P + p] - m.D[h] * internals!.x[t * internals!.xStride + h * m.P + p];
          worst = Math.max(worst, Math.abs(acc - ssm) / (Math.abs(ssm) + 1e-3));
        }
      }
    }
    expect(worst).toBeLessThan(1e-4);
  });

  it('keeps an SSM layer\'s implicit entry mass when the budget drops its implicit rows (the mass is computed from them all the same)', () => {
    const T = 40;
    const input = ids(T, V);
    const spec = { focus: [39], entries: [[0, 8], [8, 20], [20, 40]] as [number, number][], keepContext: false };
    const records = (budgetBytes?: number) => {
      const out: LayerRecord[] = [];
      const it = forwardSteps(model, input, { ...spec, ...(budgetBytes ? { budgetBytes } : {}) });
      for (let r = it.next(); !r.done; r = it.next()) out.push(r.value);
      return out;
    };
    const full = records()[0].ssm!;
    const { H, channelsPerGroup: P } = full;
    // norms, states and dt fit; decay and implicit rows do not; the mass (H·1·3 floats) does
    const fit = 2 * 5 * T * 4 + (H * T + H * P * 16 + H * T) * 4 + H * 3 * 4;
    const thin = records(fit)[0];
    expect(thin.ssm!.implicitRows).toBeUndefined();
    expect(thin.notices?.join(' ')).toMatch(/implicit rows/);
    expect(Array.from(thin.ssm!.entryMass!.data)).toEqual(Array.from(full.entryMass!.data));
    expect(Math.max(...full.entryMass!.data)).toBeGreaterThan(0);
  });

  it('records focus rows, pooled maps, entry mass, dt, decay and states, consistent with on-demand views', () => {
    const T = 40;
    const input = ids(T, V);
    const focus = [10, 39];
    const entries: [number, number][] = [[0, 8], [8, 20], [20, 40]];
    const records: LayerRecord[] = [];
    const it = forwardSteps(model, input, { focus, entries });
    let r = it.next();
    while (!r.done) { records.push(r.value); r = it.next(); }
    const res = r.value;
    const att = records[3].attention!;
    expect(att.focusProbs!.shape).toEqual([4, 2, T]);
    const tile = attentionTile(res.context, { layer: 3, head: 1, rows: [39, 40], cols: [0, T] }).data;
    expect(Array.from(att.focusProbs!.data.subarray((1 * 2 + 1) * T, (1 * 2 + 2) * T)).map((v) => +v.toFixed(6))).toEqual(Array.from(tile).map((v) => +v.toFixed(6)));
    const massSum = att.entryMass!.data.subarray((1 * 2 + 1) * 3, (1 * 2 + 2) * 3).reduce((a, b) => a + b, 0);
    expect(massSum).toBeCloseTo(1, 5);
    expect(att.pooled!.shape).toEqual([4, T, T]);
    const ssm = records[0].ssm!;
    expect(ssm.dt!.shape).toEqual([4, T]);
    expect(ssm.decay!.data[5]).toBeLessThan(ssm.decay!.data[4]);
    const st = stateAt(model, input, 0, 10);
    const snap = ssm.states!.data.subarray(0, st.data.length);
    expect(Array.from(snap).map((v) => +v.toFixed(5))).toEqual(Array.from(st.data).map((v) => +v.toFixed(5)));
    const row = implicitTile(res.context, { layer: 0, head: 2, rows: [39, 40], cols: [0, T] }).data;
    expect(Array.from(ssm.implicitRows!.data.subarray((2 * 2 + 1) * T, (2 * 2 + 2) * T))).toEqual(Array.from(row));
    expect(records.every((rec) => rec.residualNorm.every((v) => v > 0))).toBe(true);
  });

  it('keeps a 4,000-token run with default captures within its budget, dropping with notices', () => {
    const T = 4000;
    const input = ids(T, V);
    for (const budgetBytes of [64 * 2 ** 20, 2 * 2 ** 20]) {
      const records: LayerRecord[] = [];
      const it = forwardSteps(model, input, { focus: [100, 2000, 3999], entries: [[0, 1000], [1000, 4000]], budgetBytes, names: ['layers.*.mixer.attn_probs'] });
      let r = it.next();
      while (!r.done) { records.push(r.value); r = it.next(); }
      const held = records.reduce((s, rec) => s + recordBytes(rec), 0);
      expect(r.value.captureBytes).toBeLessThanOrEqual(budgetBytes);
      expect(held).toBeLessThanOrEqual(budgetBytes);
      // the full 4000 × 4000 × 4 heads attention map (256 MB) can never fit: it is dropped with a notice
      expect(records[3].named?.['layers.3.mixer.attn_probs']).toBeUndefined();
      expect(records.flatMap((rec) => rec.notices ?? []).some((n) => /dropped layers\.3\.mixer\.attn_probs/.test(n))).toBe(true);
    }
  }, 120_000);

  it('records full-resolution captures requested by name, with * for any layer', () => {
    const T = 12;
    const input = ids(T, V);
    const records: LayerRecord[] = [];
    const it = forwardSteps(model, input, { defaults: false, names: ['layers.*.mixer.ssm_state', 'layers.3.mixer.attn_probs', 'layers.4.mixer.output'] });
    let r = it.next();
    while (!r.done) { records.push(r.value); r = it.next(); }
    const full = forward(model, input, undefined, { outputs: { attentions: true, ssmStates: true, hidden: true } });
    expect(Object.keys(records[0].named!)).toEqual(['layers.0.mixer.ssm_state']);
    expect(records[5].named!['layers.5.mixer.ssm_state'].data).toEqual(full.ssmStates![5].data);
    expect(records[3].named!['layers.3.mixer.attn_probs'].data).toEqual(full.attentions![3].data);
    expect(records[4].named!['layers.4.mixer.output'].data).toEqual(full.hiddenStates![5].data); // stream entering block 5
    expect(records[1].named).toBeUndefined(); // nothing asked of it: no empty map travels
    expect(records[0].ssm).toBeUndefined();
  });

  it('Mamba-1 implicit attention per channel times its inputs reproduces the scan output (before D skip and gating)', async () => {
    const m1 = await loadModel(tinyCheckpoint('mamba', { seed: 4 }));
    const block = m1.blocks[1];
    if (block.kind !== 'mamba1') throw new Error('expected a Mamba-1 block');
    const m = block.mixer;
    const T = 17;
    const u = Float32Array.from({ length: T * 16 }, () => rand() * 2 - 1);
    let i: Mamba1Internals | undefined;
    mamba1.forward(m, u, T, initState(block) as Mamba1State, { internals: (x) => (i = { ...x, x: x.x.slice(), y: x.y.slice() }) });
    // one channel per group: the tile is that channel's exact kernel M_d[t, s]
    const ctx = { ids: new Int32Array(T), layers: [{ kind: 'mamba1' as const, delta: i!.delta, B: i!.B, C: i!.C, A: i!.A, I: m.I, N: m.N, T, groups: m.I }] };
    let worst = 0;
    for (const d of [0, 5, m.I - 1]) {
      const M = implicitTile(ctx, { layer: 0, head: d, rows: [0, T], cols: [0, T] }).data;
      for (let t = 0; t < T; t++) {
        let acc = 0;
        for (let s2 = 0; s2 <= t; s2++) acc += M[t * T + s2] * i!.x[s2 * m.I + d];
        const ssm = i!.y[t * m.I + d] - m.D[d] * i!.x[t * m.I + d];
        worst = Math.max(worst, Math.abs(acc - ssm) / (Math.abs(ssm) + 1e-3));
      }
    }
    expect(worst).toBeLessThan(1e-4);
    const r = forward(m1, ids(T, m1.embeddings.V), { focus: [T - 1] });
    expect(r.context.layers[1]?.kind).toBe('mamba1');
  });

  // I = 48: 16 groups (the probe's passes of four), 6 (one pass and two groups alone), 2 (two alone); the
  // float64 sums here, rounded to float32 as the probe stores them, must match every value exactly
  it.each([16, 6, 2])("Mamba-1 dt and decay per channel group (%i groups): the group's mean Δ, and exp of its mean of mean_n(A) · cumulative Δ, bit for bit", async (mamba1Groups) => {
    const m1 = await loadModel(tinyCheckpoint('mamba', { seed: 4, config: { intermediate_size: 48 } }));
    const T = 23;
    const records: LayerRecord[] = [];
    const it = forwardSteps(m1, ids(T, m1.embeddings.V), { focus: [T - 1], mamba1Groups });
    let step = it.next();
    while (!step.done) { records.push(step.value); step = it.next(); }
    const ctx = step.value.context.layers[1];
    if (ctx?.kind !== 'mamba1') throw new Error('expected a Mamba-1 context');
    const { delta, A, I, N, groups } = ctx;
    expect(groups).toBe(mamba1Groups);
    const ssm = records[1].ssm!;
    const cpg = I / groups;
    for (let g = 0; g < groups; g++) {
      for (let t = 0; t < T; t++) {
        let dSum = 0, logDecay = 0;
        for (let d = g * cpg; d < (g + 1) * cpg; d++) {
          dSum += delta[t * I + d];
          let aSum = 0, cum = 0;
          for (let n = 0; n < N; n++) aSum += A[d * N + n];
          for (let s2 = 0; s2 <= t; s2++) cum += delta[s2 * I + d];
          logDecay += (aSum / N) * cum;
        }
        expect(ssm.dt!.data[g * T + t]).toBe(Math.fround(dSum / cpg));
        expect(ssm.decay!.data[g * T + t]).toBe(Math.fround(Math.exp(logDecay / cpg)));
      }
    }
  });
});
