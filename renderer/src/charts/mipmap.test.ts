import { describe, expect, it } from 'vitest';
import { pickLevel } from './mipmap';

describe('mip level choice', () => {
  it('uses full resolution when zoomed in and coarser levels when zoomed out', () => {
    expect(pickLevel(5, 100, 600)).toBe(0);
    expect(pickLevel(5, 600, 600)).toBe(0);
    expect(pickLevel(5, 1200, 600)).toBe(1);
    expect(pickLevel(5, 4000, 600)).toBe(2);
    expect(pickLevel(5, 4000, 250)).toBe(4); // 16 base pixels per screen pixel → the 1/16 level
  });
  it('stays inside the pyramid', () => {
    expect(pickLevel(2, 1e6, 10)).toBe(1);
    expect(pickLevel(3, 10, 0)).toBe(2);
  });
});
