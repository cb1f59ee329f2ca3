// Seeded, exactly portable random integers for the phonebook generator.
//
// training/phonebook.py implements the same three functions; every value here is a uint32 computed
// with 32-bit multiplies (Math.imul) and unsigned shifts, so Python's `(a * b) & 0xFFFFFFFF` gives
// the same bits. No floating point is involved in any draw, so both languages agree on every machine.

/** Murmur3's 32-bit finaliser: a bijective mix of a uint32. */
export function fmix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x = (x ^ (x >>> 13)) >>> 0;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * An independent seed for stream `k` of `seed` (names, numbers, layout; sweep sample k).
 * 0x9E3779B9 is the golden-ratio increment, so consecutive k land far apart before mixing.
 */
export function deriveSeed(seed: number, k: number): number {
  return fmix32((toUint32(seed) + Math.imul(toUint32(k), 0x9e3779b9)) >>> 0);
}

export function toUint32(seed: number): number {
  if (!Number.isSafeInteger(seed)) throw new Error(`phonebook: seed must be an integer, got ${typeof seed === 'number' ? seed : JSON.stringify(seed)}`);
  // Reduce modulo 2^32 exactly as Python's `seed & 0xFFFFFFFF` (also for negative and > 2^32 seeds).
  return Number(BigInt.asUintN(32, BigInt(seed)));
}

/** mulberry32 (Tommy Ettinger): a 32-bit state, one uint32 per call. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = toUint32(seed);
  }

  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), this.state | 1) >>> 0;
    t = ((t + Math.imul(t ^ (t >>> 7), t | 61)) >>> 0) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform integer in [0, n) by rejection, so no value is favoured (n ≤ 2^32). */
  below(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new Error(`phonebook: bad range ${n}`);
    const limit = 2 ** 32 - (2 ** 32 % n); // largest multiple of n not above 2^32
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }
}
