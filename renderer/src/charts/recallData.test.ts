import { describe, expect, it } from 'vitest';
import { accuracyInterval, copyInterval, curvePoints, depthGrid, evaluationPoints, latestPoints, referenceCurves, referenceKey, xOf } from './recallData';
import type { ModelEvaluation, ReferencePoint } from '../../../app/protocol';

const p = (series: string, entries: number, depth: number, accuracy: number, samples = 4) => ({ series, entries, depth, accuracy, digitAccuracy: accuracy, meanTokens: entries * 10, samples });

describe('recall data', () => {
  it('keeps the latest point per series, length and depth', () => {
    expect(latestPoints([p('a', 10, 0.5, 0), p('a', 10, 0.5, 1), p('a', 10, 0, 0.5)]).map((x) => x.accuracy)).toEqual([1, 0.5]);
  });

  it('averages depths into one curve point, weighted by samples', () => {
    const c = curvePoints([p('a', 10, 0, 1, 2), p('a', 10, 1, 0, 6), p('b', 10, 0, 0.5)]);
    expect(c.find((x) => x.series === 'a')).toMatchObject({ accuracy: 0.25, samples: 8 });
    expect(c.find((x) => x.series === 'b')?.accuracy).toBe(0.5);
  });

  it('builds a depth × length grid, with gaps as null, only when several depths were swept', () => {
    const g = depthGrid([p('a', 10, 0, 1), p('a', 20, 0, 0.5), p('a', 10, 1, 0)], 'a');
    expect(g).toEqual({ series: 'a', depths: [0, 1], entries: [10, 20], accuracy: [[1, 0.5], [0, null]] });
    expect(depthGrid([p('a', 10, 0.5, 1)], 'a')).toBeNull();
  });

  it('pools the wrong answers\' numbers over depths, weighted by the wrong answers', () => {
    const c = curvePoints([
      { ...p('a', 10, 0, 0.5, 10), wrongDigitAccuracy: 0.2, wrongOtherEntry: 0.4 }, // 5 wrong
      { ...p('a', 10, 1, 0.9, 10), wrongDigitAccuracy: 0.8, wrongOtherEntry: 0 }, // 1 wrong
      { ...p('b', 10, 0, 1, 10), wrongDigitAccuracy: null, wrongOtherEntry: null },
    ]);
    expect(c.find((x) => x.series === 'a')!.wrongDigitAccuracy).toBeCloseTo((5 * 0.2 + 0.8) / 6, 12);
    expect(c.find((x) => x.series === 'a')!.wrongOtherEntry).toBeCloseTo(2 / 6, 12);
    expect(c.find((x) => x.series === 'b')!.wrongDigitAccuracy).toBeNull();
  });

  it('gives each point its interval from its counts, and the copies\' share one over the wrong answers', () => {
    const q = { ...p('a', 10, 0, 0.47, 100), wrongOtherEntry: 0.25 };
    expect(accuracyInterval(q).lo).toBeCloseTo(0.3749, 3);
    expect(accuracyInterval(q).hi).toBeCloseTo(0.5667, 3);
    // 53 wrong, of which 13.25 → 13 copies
    expect(copyInterval(q)!.lo).toBeGreaterThan(0.13);
    expect(copyInterval({ ...q, accuracy: 1 })).toBeNull();
    expect(xOf(q, 'entries')).toBe(10);
    expect(xOf(q, 'tokens')).toBe(100);
  });
});

describe('reference curves', () => {
  const point = (entries: number, seed: number, over: Partial<ReferencePoint> = {}): ReferencePoint => ({
    format: 'bare', variant: 'standard', seed, entries, samples: 100, correct: 50, digitAccuracy: 0.7, wrongDigitAccuracy: 0.4, meanTokens: 16 * entries + 38, wrongOtherEntry: 10, ...over,
  });
  const ev: ModelEvaluation = {
    id: 'm', loss: [], training: null, blockCache: [], problems: [],
    points: [point(4, 7), point(32, 7), point(4, 1e6), point(16, 1e6), point(32, 1e6), point(32, 1e6, { format: 'question' })],
  };
  const catalog = [{ id: 'm', name: 'mamba2', architecture: 'x', layout: 'MM', parameters: 1 }, { id: 'v', name: 'v', architecture: 'x', layout: 'M', parameters: 1, ablation: { axis: 'seed' as const, value: 1, base: 'm' } }];

  it('takes the seed measured at the most lengths, in order of length', () => {
    expect(evaluationPoints(ev, 'bare', 'standard').map((x) => [x.seed, x.entries])).toEqual([[1e6, 4], [1e6, 16], [1e6, 32]]);
  });

  it('draws the bundled models, not the ablation variants, with copies as a share of the wrong answers', () => {
    const r = referenceCurves([ev, { ...ev, id: 'v' }], catalog, 'bare', 'standard');
    expect(new Set(r.map((x) => x.series))).toEqual(new Set([referenceKey('mamba2')]));
    expect(r[0]).toMatchObject({ entries: 4, accuracy: 0.5, wrongOtherEntry: 0.2, reference: true, samples: 100 });
  });
});
