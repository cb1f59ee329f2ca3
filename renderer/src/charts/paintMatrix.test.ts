import { describe, expect, it } from 'vitest';
import { meanPlane, paintMatrix, paintMatrixRef, plane } from './paintMatrix';
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

  it('refuses an output buffer that is too small', () => {
    expect(() => paintMatrix(new Uint8ClampedArray(4), [0, 1], 1, 2, 0, 1, colorMap(0, 1).lut)).toThrow(RangeError);
  });

  it('takes planes and head means of (H, R, T) arrays', () => {
    const d = Float32Array.from({ length: 2 * 2 * 3 }, (_, i) => i);
    expect([...plane(d, [2, 2, 3], 1)]).toEqual([6, 7, 8, 9, 10, 11]);
    expect([...meanPlane(d, [2, 2, 3])]).toEqual([3, 4, 5, 6, 7, 8]);
  });
});
