// How the layer strip lays out n blocks in a row of `width` pixels: full-size blocks when they fit;
// else narrower blocks that still fit in one row, so that a 56-block model (the study's 8B hybrid)
// reads left to right as one sequence with every index label; else, on a narrow window, rows of
// narrow blocks. Pure, tested in Node (stripFit.test.ts); the sizes match strip.css.

export const STRIP = {
  /** Full block width and gap (strip.css `.block`). */
  full: 36, gap: 4,
  /** Narrow blocks: gap, and the narrowest a block gets before the strip wraps instead — wide
   *  enough for a two-digit index label at 9 px in a 2 px border. */
  narrowGap: 2, minNarrow: 17,
  /** The narrow block's width in rows, wide enough for a three-digit index. */
  wrapped: 24,
} as const;

export type StripFit = { mode: 'full' } | { mode: 'narrow'; block: number } | { mode: 'wrap'; block: number };

export function stripFit(n: number, width: number): StripFit {
  if (n <= 0 || n * STRIP.full + (n - 1) * STRIP.gap <= width) return { mode: 'full' };
  const block = Math.floor((width - (n - 1) * STRIP.narrowGap) / n);
  return block >= STRIP.minNarrow && n < 100 ? { mode: 'narrow', block } : { mode: 'wrap', block: STRIP.wrapped };
}
