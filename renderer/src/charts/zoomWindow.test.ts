import { describe, expect, it } from 'vitest';
import { needsTile, visibleWindow } from './zoomWindow';

describe('zoom window', () => {
  it('shows every token unzoomed', () => {
    expect(visibleWindow({ k: 1, x: 0, y: 0 }, 4000, 500)).toEqual({ rows: [0, 4000], cols: [0, 4000] });
  });

  it('maps a 4× zoom panned to the middle onto a quarter of the tokens', () => {
    // canvas pixel 250 (token 2000) at the left edge: x = −250·4
    const w = visibleWindow({ k: 4, x: -1000, y: -500 }, 4000, 500);
    expect(w.cols).toEqual([2000, 3000]);
    expect(w.rows).toEqual([1000, 2000]);
  });

  it('asks for a tile only once the overview is coarser than the screen', () => {
    expect(needsTile({ k: 1, x: 0, y: 0 }, 4000, 500, 8)).toBe(false);
    expect(needsTile({ k: 2, x: 0, y: 0 }, 4000, 500, 8)).toBe(false); // 4 tokens per pixel, 8 per cell
    expect(needsTile({ k: 3, x: 0, y: 0 }, 4000, 500, 8)).toBe(true);
  });
});
