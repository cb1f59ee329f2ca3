import { describe, expect, it } from 'vitest';
import { Digest } from './digest';

const digestOf = (...arrays: Float32Array[]) => {
  const d = new Digest();
  for (const a of arrays) d.addArray(a);
  return d.hex();
};

describe('records digest', () => {
  it('is stable, and changes with any value, its position or the array boundaries', () => {
    const a = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    expect(digestOf(a)).toBe(digestOf(a.slice()));
    for (const i of [0, 499, 999]) {
      const b = a.slice();
      b[i] = Math.fround(b[i] + 1e-6);
      expect(digestOf(b)).not.toBe(digestOf(a));
    }
    const swapped = a.slice();
    [swapped[3], swapped[4]] = [swapped[4], swapped[3]];
    expect(digestOf(swapped)).not.toBe(digestOf(a));
    expect(digestOf(a.subarray(0, 500), a.subarray(500))).not.toBe(digestOf(a.subarray(0, 499), a.subarray(499)));
    expect(digestOf(a)).toMatch(/^[0-9a-f]{16}$/);
  });
});
