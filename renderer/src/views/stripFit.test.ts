import { describe, expect, it } from 'vitest';
import { STRIP, stripFit } from './stripFit';

describe('stripFit', () => {
  it('keeps full blocks while they fit, as for the bundled 8- and 16-block models', () => {
    expect(stripFit(8, 1000)).toEqual({ mode: 'full' });
    expect(stripFit(16, 16 * 36 + 15 * 4)).toEqual({ mode: 'full' });
  });

  it('puts the study 8B hybrid\'s 56 blocks in one row of narrow blocks at a laptop window\'s width', () => {
    // 1440 px window: 300 px sidebar, 16 px padding each side and the panel's own
    const fit = stripFit(56, 1090);
    expect(fit.mode).toBe('narrow');
    if (fit.mode !== 'narrow') return;
    expect(fit.block).toBeGreaterThanOrEqual(STRIP.minNarrow);
    expect(56 * fit.block + 55 * STRIP.narrowGap).toBeLessThanOrEqual(1090);
    expect(stripFit(52, 1090)).toMatchObject({ mode: 'narrow' });
  });

  it('wraps rows of narrow blocks when even those do not fit, or for hundreds of blocks', () => {
    expect(stripFit(56, 700)).toEqual({ mode: 'wrap', block: STRIP.wrapped });
    expect(stripFit(120, 4000)).toEqual({ mode: 'wrap', block: STRIP.wrapped });
    expect(stripFit(0, 10)).toEqual({ mode: 'full' });
  });
});
