import { describe, expect, it } from 'vitest';
import { bandScale, colorMap, extent, lutIndex, positionScale, quantile } from './scales';

describe('chart scales', () => {
  it('maps token positions to bands inside the margins', () => {
    const x = positionScale(100, 652, { left: 52, right: 0 });
    expect(x(0)).toBe(52);
    expect(x(100)).toBe(652);
    expect(x(50)).toBe(352);
    expect(x.invert(358)).toBeCloseTo(51);
  });

  it('never produces an empty range for tiny widths or empty prompts', () => {
    const x = positionScale(0, 10);
    expect(x.domain()).toEqual([0, 1]);
    expect(x.range()[1]).toBeGreaterThan(x.range()[0]);
  });

  it('clamps colour indices and treats NaN as the low end', () => {
    expect(lutIndex(-1, 0, 1)).toBe(0);
    expect(lutIndex(NaN, 0, 1)).toBe(0);
    expect(lutIndex(1, 0, 1)).toBe(255);
    expect(lutIndex(0.5, 0, 1)).toBe(127);
  });

  it('builds a 256-entry opaque viridis LUT from dark purple to yellow', () => {
    const m = colorMap(0, 1);
    expect(m.lut.length).toBe(1024);
    expect(m.lut[3]).toBe(255);
    expect(m.lut[0]).toBeLessThan(80); // viridis starts at #440154
    expect(m.lut[255 * 4 + 1]).toBeGreaterThan(200); // and ends at #fde725
  });

  it('band scales keep order and padding', () => {
    const b = bandScale(['h0', 'h1', 'h2'], [0, 300]);
    expect(b('h0')!).toBeLessThan(b('h1')!);
    expect(b.bandwidth()).toBeGreaterThan(80);
  });

  it('quantile is the order statistic of a sort (quickselect), on ties, runs and random data', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const cases = [
      Float32Array.from({ length: 1001 }, rand),
      Float32Array.from({ length: 5000 }, (_, i) => i % 7), // heavy ties
      Float32Array.from({ length: 300 }, (_, i) => 300 - i), // descending
      Float32Array.of(3), Float32Array.of(2, 1),
    ];
    for (const xs of cases) {
      const sorted = [...xs].sort((a, b) => a - b);
      for (const q of [0, 0.25, 0.5, 0.9, 0.995, 1]) expect(quantile(xs, q)).toBe(sorted[Math.floor(q * (sorted.length - 1))]);
    }
  });

  it('extent and quantile ignore outliers as asked', () => {
    const xs = new Float32Array(1000).map((_, i) => i / 1000);
    xs[0] = 50;
    expect(extent(xs)).toEqual([0.001, 50].map((v) => Math.fround(v)));
    expect(quantile(xs, 0.99)).toBeLessThan(1);
    expect(extent([])).toEqual([0, 1]);
  });
});
