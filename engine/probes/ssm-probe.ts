// SSM captures for one Mamba block: dt and ‖h‖ per head (Mamba-1: per channel group) and token, the
// cumulative decay, full states at the focus positions, implicit-attention rows at the focus rows and
// their mass per entry. Implicit attention (the SSD duality, Dao & Gu 2024 §3):
//   Mamba-2  M[t,s] = (C_t·B_s) · exp(Σ_{s<k≤t} dt_k A) · dt_s          (y_t = Σ_s M[t,s] x_s + D x_t)
//   Mamba-1  M_d[t,s] = Δ_s[d] · Σ_n C_t[n] B_s[n] exp(A[d,n] Σ_{s<k≤t} Δ_k[d]), averaged over a group's channels
import type { Mamba1Capture, Mamba1Internals } from '../layers/mamba1';
import type { Mamba2Capture, Mamba2Internals } from '../layers/mamba2';
import type { Mamba1Mixer, Mamba2Mixer } from '../model';
import type { CaptureBudget } from './budget';
import type { CapturePlan } from './plan';
import type { Tensor } from '../tensor';
import type { SsmRecord } from '../records';
import { cbRow, mamba1ImplicitRow, mamba2ImplicitRow, prefixSums } from './implicit';

export interface Mamba2Context { kind: 'mamba2'; dt: Float32Array; B: Float32Array; C: Float32Array; A: Float64Array; H: number; G: number; N: number; T: number }
export interface Mamba1Context { kind: 'mamba1'; delta: Float32Array; B: Float32Array; C: Float32Array; A: Float64Array; I: number; N: number; T: number; groups: number }

/** Cap on exp() evaluations for Mamba-1 implicit rows; beyond it channels are sampled evenly. */
const MAMBA1_ROW_COST = 5e7;

export function mamba2Capture(m: Mamba2Mixer, T: number, plan: CapturePlan, budget: CaptureBudget, name: string) {
  const { H, P, N } = m;
  const R = plan.focus.length;
  const run: { capture: Mamba2Capture; probe?: SsmRecord; context?: Mamba2Context } = { capture: {} };
  if (!plan.ssm) return run;
  const stateNorm = budget.floats(H * T, `${name} state norms`);
  const snapshots = plan.states ? budget.floats(R * H * P * N, `${name} states at focus positions`) : undefined;
  run.capture.probe = { stateNorm, snapshotAt: plan.focus, snapshots };
  const dtT = budget.floats(H * T, `${name} dt`);
  const decay = budget.floats(H * T, `${name} decay`);
  const rows = budget.floats(H * R * T, `${name} implicit rows`);
  const E = plan.entries.length;
  const mass = E > 0 ? budget.floats(H * R * E, `${name} implicit entry mass`) : undefined;
  const keep = plan.keepContext && budget.take(T * (H + 2 * m.G * N) * 4, `${name} dt/B/C for tiles`);
  run.capture.internals = (i: Mamba2Internals) => {
    const cum = prefixSums(i.dt, i.A, T, H);
    // C_t·B_s of a focus row is shared by the heads of a group: computed once per (group, row);
    // dots[r][g] is (t_r + 1,) for focus row r
    const scratch = rows ? undefined : new Float32Array(T); // rows dropped: mass still needs each row
    const dots = rows || mass ? Array.from(plan.focus, (t) => Array.from({ length: m.G }, (_, g) => cbRow(new Float64Array(t + 1), t, g, i.B, i.C, m.G, N))) : [];
    for (let h = 0; h < H; h++) {
      for (let t = 0; t < T; t++) {
        if (dtT) dtT[h * T + t] = i.dt[t * H + h];
        if (decay) decay[h * T + t] = Math.exp(cum[h * T + t]);
      }
      if (!rows && !mass) continue;
      plan.focus.forEach((t, r) => {
        const row = rows ? rows.subarray((h * R + r) * T, (h * R + r + 1) * T) : scratch!.fill(0);
        mamba2ImplicitRow(row, t, h, i.dt, cum, i.B, i.C, T, H, m.G, N, dots[r][Math.floor(h / (H / m.G))]);
        if (mass) entryMass(mass, row, plan.entries, (h * R + r) * E);
      });
    }
    if (keep) run.context = { kind: 'mamba2', dt: i.dt, B: i.B, C: i.C, A: i.A, H, G: m.G, N, T };
  };
  run.probe = present({
    variant: 'mamba2', H, channelsPerGroup: P,
    dt: f32([H, T], dtT), stateNorm: f32([H, T], stateNorm), decay: f32([H, T], decay),
    states: f32([R, H, P, N], snapshots), statePositions: snapshots ? Array.from(plan.focus) : [],
    implicitRows: f32([H, R, T], rows), entryMass: f32([H, R, E], mass),
  });
  return run;
}

export function mamba1Capture(m: Mamba1Mixer, T: number, plan: CapturePlan, budget: CaptureBudget, name: string) {
  const { I, N } = m;
  const R = plan.focus.length;
  const run: { capture: Mamba1Capture; probe?: SsmRecord; context?: Mamba1Context } = { capture: {} };
  if (!plan.ssm) return run;
  let groups = Math.max(1, Math.min(plan.mamba1Groups, I));
  while (I % groups !== 0) groups--;
  const cpg = I / groups;
  const stateNorm = budget.floats(groups * T, `${name} state norms`);
  const snapshots = plan.states ? budget.floats(R * I * N, `${name} states at focus positions`) : undefined;
  run.capture.probe = { stateNorm, normGroup: cpg, snapshotAt: plan.focus, snapshots };
  const dtG = budget.floats(groups * T, `${name} dt`);
  const decay = budget.floats(groups * T, `${name} decay`);
  const rows = budget.floats(groups * R * T, `${name} implicit rows`);
  const E = plan.entries.length;
  const mass = E > 0 ? budget.floats(groups * R * E, `${name} implicit entry mass`) : undefined;
  const cost = R * T * T * I * N / 2;
  const channelStep = Math.max(1, Math.ceil(cost / MAMBA1_ROW_COST));
  const keep = plan.keepContext && budget.take(T * (I + 2 * N) * 4, `${name} Δ/B/C for tiles`);
  run.capture.internals = (i: Mamba1Internals) => {
    const aMean = new Float64Array(I); // mean over n of A[d, n]: the channel's decay rate
    for (let d = 0; d < I; d++) {
      let sum = 0;
      for (let n = 0; n < N; n++) sum += i.A[d * N + n];
      aMean[d] = sum / N;
    }
    // one pass over t in Δ's (T, I) order: the running Σ_{k≤t} Δ_k[d] per channel (the sums of
    // prefixSums, in the same order), and the (T) rows of it kept only for the channels the
    // implicit rows sample (an (I, T) float64 table was 16 MB at 4k tokens, read across its rows)
    const sampled = rows || mass ? channelsOf(groups, cpg, channelStep) : [];
    const cumRows = sampled.map(() => new Float64Array(T));
    const columns = sampled.map(() => new Float32Array(T));
    mamba1Sums(i.delta, aMean, T, I, groups, cpg, dtG, decay, sampled, cumRows, columns);
    const channelOf = new Map(sampled.map((d, k) => [d, { cum: cumRows[k], delta: columns[k] }]));
    const channel = (d: number) => channelOf.get(d)!;
    const scratch = rows ? undefined : new Float32Array(T); // rows dropped: mass still needs each row
    if (rows || mass) {
      for (let g = 0; g < groups; g++) {
        plan.focus.forEach((t, r) => {
          const row = rows ? rows.subarray((g * R + r) * T, (g * R + r + 1) * T) : scratch!.fill(0);
          mamba1ImplicitRow(row, t, g * cpg, (g + 1) * cpg, channelStep, channel, i.A, i.B, i.C, N);
          if (mass) entryMass(mass, row, plan.entries, (g * R + r) * E);
        });
      }
    }
    if (keep) run.context = { kind: 'mamba1', delta: i.delta, B: i.B, C: i.C, A: i.A, I, N, T, groups };
  };
  run.probe = present({
    variant: 'mamba1', H: groups, channelsPerGroup: cpg,
    dt: f32([groups, T], dtG), stateNorm: f32([groups, T], stateNorm), decay: f32([groups, T], decay),
    states: f32([R, I, N], snapshots), statePositions: snapshots ? Array.from(plan.focus) : [],
    implicitRows: f32([groups, R, T], rows), implicitChannels: rows ? Math.ceil(cpg / channelStep) : undefined,
    entryMass: f32([groups, R, E], mass),
  });
  return run;
}

/**
 * One pass over Δ (T, I) in its order: the running Σ_{k≤t} Δ_k[d] per channel (prefixSums' sums, in
 * the same order) into cumRows and Δ's column into columns for the sampled channels, and per channel group and token the mean Δ
 * (dt) and exp(mean over the group of aMean[d]·Σ Δ_d) (decay).
 */
function mamba1Sums(
  delta: Float32Array, aMean: Float64Array, T: number, I: number, groups: number, cpg: number,
  dt: Float32Array | undefined, decay: Float32Array | undefined, sampled: number[], cumRows: Float64Array[],
  columns: Float32Array[],
): void {
  const cum = new Float64Array(I);
  const dSums = new Float64Array(groups);
  const logs = new Float64Array(groups);
  const g4 = groups - (groups % 4);
  for (let t = 0; t < T; t++) {
    const o = t * I;
    // four groups a pass: four independent chains of additions instead of one, each group's own
    // additions in the same order, so the same sums (56–69 → 43–48 ms of a 4k prefill, 16 groups)
    for (let g = 0; g < g4; g += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, l0 = 0, l1 = 0, l2 = 0, l3 = 0;
      const d0 = g * cpg;
      for (let j = 0; j < cpg; j++) {
        const a = d0 + j, b = a + cpg, c = b + cpg, e = c + cpg;
        const va = delta[o + a], vb = delta[o + b], vc = delta[o + c], ve = delta[o + e];
        const ca = cum[a] + va, cb = cum[b] + vb, cc = cum[c] + vc, ce = cum[e] + ve;
        cum[a] = ca;
        cum[b] = cb;
        cum[c] = cc;
        cum[e] = ce;
        s0 += va;
        s1 += vb;
        s2 += vc;
        s3 += ve;
        l0 += aMean[a] * ca;
        l1 += aMean[b] * cb;
        l2 += aMean[c] * cc;
        l3 += aMean[e] * ce;
      }
      dSums[g] = s0;
      dSums[g + 1] = s1;
      dSums[g + 2] = s2;
      dSums[g + 3] = s3;
      logs[g] = l0;
      logs[g + 1] = l1;
      logs[g + 2] = l2;
      logs[g + 3] = l3;
    }
    for (let g = g4; g < groups; g++) {
      let dSum = 0, logDecay = 0;
      const end = (g + 1) * cpg;
      for (let d = g * cpg; d < end; d++) {
        const v = delta[o + d];
        const c = cum[d] + v;
        cum[d] = c;
        dSum += v;
        logDecay += aMean[d] * c;
      }
      dSums[g] = dSum;
      logs[g] = logDecay;
    }
    for (let g = 0; g < groups; g++) {
      if (dt) dt[g * T + t] = dSums[g] / cpg;
      if (decay) decay[g * T + t] = Math.exp(logs[g] / cpg);
    }
    for (let k = 0; k < sampled.length; k++) {
      cumRows[k][t] = cum[sampled[k]];
      columns[k][t] = delta[o + sampled[k]];
    }
  }
}

/** The channels mamba1ImplicitRow samples: d0, d0+step, … < d1 of each group. */
function channelsOf(groups: number, cpg: number, step: number): number[] {
  const out: number[] = [];
  for (let g = 0; g < groups; g++) for (let d = g * cpg; d < (g + 1) * cpg; d += step) out.push(d);
  return out;
}

/** mass[o + e] = Σ_{s in entry e} |row[s]| */
function entryMass(mass: Float32Array, row: Float32Array, entries: [number, number][], o: number): void {
  entries.forEach(([a, b], e) => {
    let sum = 0;
    for (let s = a; s < b; s++) sum += Math.abs(row[s]);
    mass[o + e] = sum;
  });
}

/** A tensor over a captured array, or undefined where the budget refused it. */
function f32(shape: number[], data: Float32Array | undefined): Tensor | undefined {
  return data && { dtype: 'f32', shape, data };
}

/** The record without the keys of what was not captured, so it reads (and travels) as absent. */
function present(r: SsmRecord): SsmRecord {
  for (const key of Object.keys(r) as (keyof SsmRecord)[]) if (r[key] === undefined) delete r[key];
  return r;
}
