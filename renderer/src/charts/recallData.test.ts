import { describe, expect, it } from 'vitest';
import { curvePoints, depthGrid, latestPoints } from './recallData';

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
});
