// Small numbers derived from a run's records for views: which focus row is the query, how much
// attention / implicit attention a block puts on the target entry, the answer's digits as scored.
import type { PromptInfo } from '../../../app/protocol';
import type { LayerRecord } from '../../../app/protocol';
import { markAnswer, type DigitMark } from '../../../engine';

/** Row (into record.focus) of the query: the last prompt token, where the answer is decided. */
export function queryRow(record: Pick<LayerRecord, 'focus'>, prompt: Pick<PromptInfo, 'ids'> | null): number {
  const last = prompt ? prompt.ids.length - 1 : -1;
  const exact = record.focus.indexOf(last);
  if (exact >= 0) return exact;
  let best = 0;
  record.focus.forEach((p, i) => { if (p <= last && p >= record.focus[best]) best = i; });
  return best;
}

/** entryMass (H, R, E) → mass per entry at one row, averaged over heads: (E). */
export function entryMassAtRow(mass: { shape: number[]; data: Float32Array }, row: number): Float32Array {
  const [H, R, E] = mass.shape;
  const out = new Float32Array(E);
  if (row < 0 || row >= R) return out;
  for (let h = 0; h < H; h++) {
    const base = (h * R + row) * E;
    for (let e = 0; e < E; e++) out[e] += mass.data[base + e] / H;
  }
  return out;
}

/** The mass map of a record: attention for attention blocks, implicit attention for Mamba blocks. */
export function recordEntryMass(record: LayerRecord) {
  return record.attention?.entryMass ?? record.ssm?.entryMass ?? null;
}

/** Share of the query row's entry mass that lands on the target entry (0–1), or null. */
export function targetShare(record: LayerRecord, prompt: PromptInfo | null): number | null {
  const mass = recordEntryMass(record);
  const target = prompt?.phonebook?.target;
  if (!mass || target === undefined) return null;
  const m = entryMassAtRow(mass, queryRow(record, prompt));
  let total = 0;
  for (const v of m) total += v;
  return total > 0 ? m[target] / total : null;
}

/** The expected answer as written (separators included) with each digit marked by the engine's
 *  scorer (engine/phonebook/score.ts) and the generated token that wrote it (`pieces`: the generated
 *  tokens' texts; a BPE token writes several digits), and its exact match and per-digit accuracy. */
export function answerCells(expected: string, generated: string, pieces?: readonly string[]): { cells: DigitMark[]; digitAccuracy: number; exact: boolean } {
  const { score, marks } = markAnswer(generated, expected, pieces);
  let k = 0;
  const cells = Array.from(expected, (e) => (/[0-9]/.test(e) ? marks[k++] : { expected: e, got: e, right: true, token: null }));
  return { cells, digitAccuracy: score.digitAccuracy, exact: score.exact };
}

/** For each strip slot (original block, in order), the record of that block in a run, matching
 *  the n-th occurrence of a duplicated block to its n-th record. */
export function recordsBySlot(slotBlocks: readonly number[], records: readonly (LayerRecord | undefined)[]): (LayerRecord | undefined)[] {
  const seen = new Map<number, number>();
  return slotBlocks.map((b) => {
    const n = seen.get(b) ?? 0;
    seen.set(b, n + 1);
    let k = 0;
    for (const r of records) if (r && r.block === b && k++ === n) return r;
    return undefined;
  });
}

/** An MoE record's routing as a dense experts × tokens map (E, T): each token's weight on the experts
 *  it went to, 0 elsewhere (a column sums to 1). */
export function routingMap(moe: NonNullable<LayerRecord['moe']>): Float32Array {
  const [T, k] = moe.experts.shape;
  const out = new Float32Array(moe.E * T);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < k; j++) out[moe.experts.data[t * k + j] * T + t] += moe.weights.data[t * k + j];
  }
  return out;
}

/** Tokens routed to each expert (any rank) and the routing weight each expert received in all: (E) each. */
export function expertLoad(moe: NonNullable<LayerRecord['moe']>): { tokens: Float32Array; weight: Float32Array } {
  const tokens = new Float32Array(moe.E);
  const weight = new Float32Array(moe.E);
  moe.experts.data.forEach((e, i) => {
    tokens[e] += 1;
    weight[e] += moe.weights.data[i];
  });
  return { tokens, weight };
}
