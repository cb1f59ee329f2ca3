import { describe, expect, it } from 'vitest';
import type { LayerRecord, PromptInfo } from '../../../app/protocol';
import { scoreAnswer } from '../../../engine/phonebook/score';
import { answerCells, entryMassAtRow, expertLoad, queryRow, recordsBySlot, routingMap, targetShare } from './derive';
import { expectedLogprobs, targetShareByBlock } from './compare';
import type { RunData } from './runCache';

const prompt = (T: number, target: number, E: number): PromptInfo => ({
  ids: new Int32Array(T), tokens: [], focus: [T - 1],
  phonebook: { entries: Array.from({ length: E }, (_, i) => ({ name: `N${i}`, number: '6000000000', tokens: [i * 2, i * 2 + 2] as [number, number] })), target, examples: [], expected: '6123456789' },
});

function record(block: number, mass: number[][], focus: number[]): LayerRecord {
  // mass: per head, per entry, at the single focus row → (H, 1, E)
  const H = mass.length;
  const E = mass[0].length;
  return {
    index: block, block, kind: 'attention', name: `layers.${block}.mixer`, T: 0, residualNorm: new Float32Array(0), contributionNorm: new Float32Array(0), focus, ms: 1,
    attention: { H, entryMass: { dtype: 'f32', shape: [H, 1, E], data: Float32Array.from(mass.flat()) } },
  };
}

describe('derived numbers', () => {
  it('finds the query row: the last prompt token, or the nearest captured row before it', () => {
    expect(queryRow({ focus: [3, 9, 12] }, { ids: new Int32Array(10) })).toBe(1);
    expect(queryRow({ focus: [3, 7, 12] }, { ids: new Int32Array(10) })).toBe(1);
    expect(queryRow({ focus: [3, 5] }, null)).toBe(0);
  });

  it('averages entry mass over heads at a row, and takes the target share', () => {
    const r = record(0, [[0.1, 0.7, 0.2], [0.3, 0.5, 0.2]], [5]);
    expect([...entryMassAtRow(r.attention!.entryMass!, 0)].map((v) => +v.toFixed(3))).toEqual([0.2, 0.6, 0.2]);
    expect(targetShare(r, prompt(6, 1, 3))).toBeCloseTo(0.6);
    expect(targetShare(r, { ...prompt(6, 1, 3), phonebook: undefined })).toBeNull();
  });

  it('marks digits by the engine scorer, separators shown but not scored', () => {
    const c = answerCells('612-345-6789', ' 612-345-0789\n999');
    expect(c.exact).toBe(false);
    expect(c.cells.filter((x) => !x.right).map((x) => x.expected)).toEqual(['6']);
    expect(c.digitAccuracy).toBeCloseTo(9 / 10);
    expect(answerCells('6123456789', ' 6123456789\n').exact).toBe(true);
    expect(answerCells('6123456789', '').digitAccuracy).toBe(0);
    // digits are compared in order whatever separates them, as sweeps and the CLI score them
    const shifted = answerCells('612-345-6789', ' 612345-6789\n');
    expect(shifted.cells.every((x) => x.right)).toBe(true);
    expect(shifted.digitAccuracy).toBe(scoreAnswer(' 612345-6789\n', '612-345-6789').digitAccuracy);
    expect(shifted.exact).toBe(false);
  });

  it('names the generated token that wrote each digit when BPE tokens write several ("612", "-34")', () => {
    const pieces = [' 612', '-34', '5', '-67', '80', '\n', '99'];
    const c = answerCells('612-345-6789', pieces.join(''), pieces);
    expect(c.cells.map((x) => x.token)).toEqual([0, 0, 0, null, 1, 1, 2, null, 3, 3, 4, 4]);
    expect(c.cells.filter((x) => !x.right).map((x) => x.expected)).toEqual(['9']);
    expect(c.digitAccuracy).toBeCloseTo(9 / 10);
    // a digit the answer line lacks has no token; without the pieces no digit has one
    expect(answerCells('6123456789', ' 61\n2', [' 61', '\n2']).cells.map((x) => x.token)).toEqual([0, 0, null, null, null, null, null, null, null, null]);
    expect(answerCells('6123456789', ' 61').cells.every((x) => x.token === null)).toBe(true);
  });

  it('takes the expected log-probs step by step when a token writes several digits', () => {
    const data: RunData = {
      spec: null, prompt: prompt(6, 0, 2), summary: null, states: new Map(), records: [],
      tokens: [
        { step: 0, id: 1, text: ' 6', logprob: -0.1, top: [] },
        { step: 1, id: 2, text: '124', logprob: -3, top: [{ id: 9, text: '124', logprob: -3 }, { id: 3, text: '123', logprob: -0.5 }] },
        { step: 2, id: 4, text: '45', logprob: -0.3, top: [] },
        { step: 3, id: 5, text: '000', logprob: -0.2, top: [{ id: 6, text: '999', logprob: -4 }] },
      ],
    };
    expect(expectedLogprobs(data)).toEqual([
      { text: '6', logprob: -0.1 }, { text: '123', logprob: -0.5 }, { text: '45', logprob: -0.3 }, { text: '678', logprob: null },
      { text: '9', logprob: null },
    ]);
  });

  it('matches duplicated blocks to their n-th record', () => {
    const rs = [record(2, [[1]], [0]), record(0, [[1]], [0]), record(2, [[1]], [0])].map((r, i) => ({ ...r, index: i }));
    const bySlot = recordsBySlot([2, 0, 2, 1], rs);
    expect(bySlot.map((r) => r?.index)).toEqual([0, 1, 2, undefined]);
  });

  it('collects per-block target shares and the expected digits\' log-probs from top-k', () => {
    const data: RunData = {
      spec: null, prompt: prompt(6, 0, 2), summary: null, states: new Map(),
      records: [record(3, [[0.9, 0.1]], [5])],
      tokens: [
        { step: 0, id: 1, text: ' ', logprob: -0.1, top: [] },
        { step: 1, id: 2, text: '6', logprob: -0.2, top: [] },
        { step: 2, id: 3, text: '7', logprob: -1, top: [{ id: 4, text: '1', logprob: -2 }] },
      ],
    };
    expect(targetShareByBlock(data).get(3)).toBeCloseTo(0.9);
    const lp = expectedLogprobs(data);
    expect(lp.slice(0, 3)).toEqual([{ text: '6', logprob: -0.2 }, { text: '1', logprob: -2 }, { text: '2', logprob: null }]);
  });
});

describe('expert routing (MoE records)', () => {
  // 3 tokens, 4 experts, top-2: token 0 → experts 2 (0.7), 0 (0.3); token 1 → 1, 2; token 2 → 2, 3
  const moe = {
    E: 4, topK: 2,
    experts: { dtype: 'f32' as const, shape: [3, 2], data: Float32Array.from([2, 0, 1, 2, 2, 3]) },
    weights: { dtype: 'f32' as const, shape: [3, 2], data: Float32Array.from([0.7, 0.3, 0.6, 0.4, 0.5, 0.5]) },
  };

  it('spreads each token over the experts it went to, columns summing to 1', () => {
    const m = routingMap(moe); // (E, T)
    expect(Array.from(m.subarray(2 * 3, 3 * 3)).map((v) => +v.toFixed(3))).toEqual([0.7, 0.4, 0.5]);
    for (let t = 0; t < 3; t++) expect(m[t] + m[3 + t] + m[6 + t] + m[9 + t]).toBeCloseTo(1, 6);
  });

  it('counts tokens and weight per expert', () => {
    const { tokens, weight } = expertLoad(moe);
    expect(Array.from(tokens)).toEqual([1, 1, 3, 1]);
    expect(Array.from(weight).map((v) => +v.toFixed(3))).toEqual([0.3, 0.6, 1.6, 0.5]);
  });
});
