import { describe, expect, it } from 'vitest';
import { meanPlane, paintMatrix, paintMatrixRef, paintMatrixScaled, paintMatrixScaledRef, plane } from './paintMatrix';
import { colorMap } from './scales';

describe('paintMatrix', () => {
  it('agrees with its naive twin on random data, including out-of-range and NaN values', () => {
    const rows = 17;
    const cols = 23;
    const data = new Float32Array(rows * cols).map((_, i) => Math.sin(i * 12.9898) * 1.4);
    data[5] = NaN;
    const { lut } = colorMap(-1, 1);
    const fast = new Uint8ClampedArray(rows * cols * 4);
    const ref = new Uint8ClampedArray(rows * cols * 4);
    paintMatrix(fast, data, rows, cols, -1, 1, lut);
    paintMatrixRef(ref, data, rows, cols, -1, 1, lut);
    expect(fast).toEqual(ref);
  });

  it('paints at the displayed size like its twin, shrinking (4k tokens into 700 px) and growing', () => {
    const { lut } = colorMap(-1, 1);
    for (const [rows, cols, W, H] of [[8, 3990, 701, 130], [5, 7, 64, 33], [17, 23, 17, 23]]) {
      const data = new Float32Array(rows * cols).map((_, i) => Math.sin(i * 12.9898) * 1.4);
      data[3] = NaN;
      const fast = new Uint8ClampedArray(W * H * 4);
      const ref = new Uint8ClampedArray(W * H * 4);
      paintMatrixScaled(fast, W, H, data, rows, cols, -1, 1, lut);
      paintMatrixScaledRef(ref, W, H, data, rows, cols, -1, 1, lut);
      expect(fast).toEqual(ref);
    }
    // at its own size it is paintMatrix
    const data = new Float32Array(6 * 9).map((_, i) => Math.cos(i));
    const a = new Uint8ClampedArray(6 * 9 * 4), b = new Uint8ClampedArray(6 * 9 * 4);
    paintMatrixScaled(a, 9, 6, data, 6, 9, -1, 1, lut);
    paintMatrix(b, data, 6, 9, -1, 1, lut);
    expect(a).toEqual(b);
  });

  it('refuses an output buffer that is too small', () => {
    expect(() => paintMatrix(new Uint8ClampedArray(4), [0, 1], 1, 2, 0, 1, colorMap(0, 1).lut)).toThrow(RangeError);
  });

  it('takes planes and head means of (H, R, T) arrays', () => {
    const d = Float32Array.from({ length: 2 * 2 * 3 }, (_, i) => i);
    expect([...plane(d, [2, 2, 3], 1)]).toEqual([6, 7, 8, 9, 10, 11]);
    expect([...meanPlane(d, [2, 2, 3])]).toEqual([3, 4, 5, 6, 7, 8]);
  });
});
