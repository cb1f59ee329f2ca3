// The statistics every recall number is shown with: a Wilson 95 % interval on an accuracy (Wilson
// 1927; it stays inside [0, 1] and keeps its coverage at 0 or n of n, where the normal interval
// collapses to a point), the sample count that keeps those intervals narrow, and the chance level of
// the digits right in a wrong answer.

/** z of a two-sided 95 % interval. */
export const Z95 = 1.959964;

export interface Interval { lo: number; hi: number }

/** The Wilson score interval of `k` successes in `n` trials (n ≥ 1, 0 ≤ k ≤ n). */
export function wilson(k: number, n: number, z = Z95): Interval {
  if (!(n >= 1) || !(k >= 0) || k > n) throw new Error(`wilson: need 0 ≤ k ≤ n and n ≥ 1, got k=${k}, n=${n}`);
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // at k = 0 or k = n one end is exactly 0 or 1; rounding must not put it a hair inside
  return { lo: k === 0 ? 0 : Math.max(0, centre - half), hi: k === n ? 1 : Math.min(1, centre + half) };
}

/** The Wilson half-width is largest at p = 1/2, where it is z / (2 √(n + z²)). */
export const worstHalfWidth = (n: number, z = Z95) => z / (2 * Math.sqrt(n + z * z));

/** The fewest samples whose interval is at most ±`half` wherever the accuracy lies: 93 for ±10 points. */
export function samplesForHalfWidth(half: number, z = Z95): number {
  return Math.max(1, Math.ceil((z / (2 * half)) ** 2 - z * z));
}

/** Prompts per point that the recall sweeps start with: 100, above the 93 that ±10 points need (at
 *  50 % the interval is ±9.6), and the shipped evaluations' count, so that a sweep's sample k is the
 *  reference's sample k (the same book) and the two curves are paired. */
export const DEFAULT_SAMPLES = 100;

/** Digits right in a wrong answer by chance: a number drawn as the book draws them (first digit 6–9,
 *  then nine digits 0–9; engine/phonebook/book.ts) matches the asked number's digit at each place with
 *  chance 1/4 for the first and 1/10 for the rest, (1/4 + 9 · 1/10) / 10 = 11.5 % of its digits. A copy
 *  of another entry's number is such a draw. */
export const CHANCE_WRONG_DIGITS = (1 / 4 + 9 / 10) / 10;
