import { describe, expect, it } from 'vitest';
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { curvePath } from './curvePath';

const points = (d: string) => d.split(/[ML]/).filter(Boolean).map((p) => p.split(',').map(Number));

describe('curvePath', () => {
  it('draws what d3-shape line draws, within 0.1 px, linear and log', () => {
    const values = Float32Array.from({ length: 997 }, (_, i) => Math.sin(i / 17) * Math.exp(-i / 300) * (i % 5 === 0 ? 1e-6 : 1));
    for (const logFloor of [null, -4]) {
      const d = logFloor === null ? [-0.8, 1.1] : [logFloor, 0];
      const x = scaleLinear().domain([0, values.length - 1]).range([52, 750]);
      const y = scaleLinear().domain(d).range([260, 12]);
      const yv = (v: number) => y(logFloor === null ? v : Math.max(logFloor, Math.log10(Math.abs(v) || 1e-30)));
      const ref = points(line<number>().x((_, i) => x(i)).y(yv)(Array.from(values))!);
      const mine = points(curvePath(values, 52, 750, 260, 12, d[0], d[1], logFloor));
      expect(mine.length).toBe(ref.length);
      for (let i = 0; i < ref.length; i++) {
        expect(Math.abs(mine[i][0] - ref[i][0])).toBeLessThanOrEqual(0.05 + 1e-9);
        expect(Math.abs(mine[i][1] - ref[i][1])).toBeLessThanOrEqual(0.05 + 1e-9);
      }
    }
  });

  it('is empty for no values and one point for one', () => {
    expect(curvePath(new Float32Array(0), 0, 10, 10, 0, 0, 1, null)).toBe('');
    expect(curvePath(Float32Array.of(0.5), 0, 10, 10, 0, 0, 1, null)).toBe('M0,5');
  });
});
