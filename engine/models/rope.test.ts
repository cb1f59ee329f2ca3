import { describe, expect, it } from 'vitest';
import type { RopeConfig } from '../io/config';
import { ropeFor } from './llama';

const base: RopeConfig = { type: 'default', theta: 10000, factor: 1, lowFreqFactor: 1, highFreqFactor: 1, originalMaxPositions: 0 };

describe('RoPE inverse frequencies', () => {
  it('default: 1 / theta^(2i/hd), float32', () => {
    const inv = ropeFor(base, 8).invFreq;
    expect(Array.from(inv)).toEqual([1, 0.1, 0.01, 0.001].map(Math.fround));
  });

  it('linear divides by the factor; llama3 keeps high, divides low and blends medium frequencies', () => {
    const hd = 64;
    const plain = ropeFor({ ...base, theta: 500000 }, hd).invFreq;
    const linear = ropeFor({ ...base, theta: 500000, type: 'linear', factor: 4 }, hd).invFreq;
    plain.forEach((v, i) => expect(linear[i]).toBeCloseTo(v / 4, 12));
    const l3 = ropeFor({ ...base, theta: 500000, type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 }, hd).invFreq;
    plain.forEach((v, i) => {
      const wavelen = (2 * Math.PI) / v;
      if (wavelen < 8192 / 4) expect(l3[i]).toBe(v);
      else if (wavelen > 8192) expect(l3[i]).toBeCloseTo(v / 8, 12);
      else expect(l3[i] < v && l3[i] > v / 8).toBe(true);
    });
  });
});
