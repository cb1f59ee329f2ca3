import { describe, expect, it } from 'vitest';
import { CHANCE_WRONG_DIGITS, DEFAULT_SAMPLES, samplesForHalfWidth, wilson, worstHalfWidth } from './recallStats';

describe('wilson', () => {
  it('matches published values (Newcombe 1998, table I: 81 of 263, 15 of 148, 0 of 20, 1 of 29)', () => {
    const r = (k: number, n: number) => Object.values(wilson(k, n)).map((v) => Math.round(v * 1e4) / 1e4);
    expect(r(81, 263)).toEqual([0.2553, 0.3662]);
    expect(r(15, 148)).toEqual([0.0624, 0.1605]);
    expect(r(0, 20)).toEqual([0, 0.1611]);
    expect(r(1, 29)).toEqual([0.0061, 0.1718]);
  });

  it('stays in [0, 1], contains the estimate, and is symmetric under k → n − k', () => {
    for (const n of [1, 2, 7, 100]) {
      for (let k = 0; k <= n; k++) {
        const { lo, hi } = wilson(k, n);
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThanOrEqual(1);
        expect(lo).toBeLessThanOrEqual(k / n);
        expect(hi).toBeGreaterThanOrEqual(k / n);
        const m = wilson(n - k, n);
        expect(m.lo).toBeCloseTo(1 - hi, 12);
      }
    }
    expect(wilson(100, 100).hi).toBe(1);
  });

  it('refuses counts that are not counts', () => {
    expect(() => wilson(3, 2)).toThrow('wilson: need 0 ≤ k ≤ n');
    expect(() => wilson(0, 0)).toThrow('wilson');
  });
});

describe('sample count', () => {
  it('93 prompts keep every interval within ±10 points, 92 do not; the default is above that', () => {
    expect(samplesForHalfWidth(0.1)).toBe(93);
    expect(worstHalfWidth(93)).toBeLessThanOrEqual(0.1);
    expect(worstHalfWidth(92)).toBeGreaterThan(0.1);
    // the widest interval is at one half: the largest of all k at n = 93
    const widest = Math.max(...Array.from({ length: 94 }, (_, k) => { const i = wilson(k, 93); return (i.hi - i.lo) / 2; }));
    expect(widest).toBeCloseTo(worstHalfWidth(93), 3);
    expect(DEFAULT_SAMPLES).toBeGreaterThanOrEqual(samplesForHalfWidth(0.1));
  });
});

describe('chance of a wrong answer\'s digits', () => {
  it('is the per-digit match of a random number drawn as the book draws them', () => {
    // exhaustively over the first digit, and by linearity over the other nine
    let first = 0;
    for (const t of [6, 7, 8, 9]) for (const g of [6, 7, 8, 9]) first += t === g ? 1 / 16 : 0;
    expect(CHANCE_WRONG_DIGITS).toBeCloseTo((first + 9 * 0.1) / 10, 12);
    expect(CHANCE_WRONG_DIGITS).toBeCloseTo(0.115, 12);
  });
});
