import { expect, it } from 'vitest';
import { Arena, RESERVED } from './arena';

it('reuses freed blocks, merges neighbours and keeps data across growth', () => {
  const a = new Arena(2);
  const p = a.alloc(100), q = a.alloc(1000), r = a.alloc(64);
  expect(p).toBeGreaterThanOrEqual(RESERVED);
  expect([p % 64, q % 64, r % 64]).toEqual([0, 0, 0]);
  a.f32()[q >> 2] = 42;
  a.release(p);
  expect(a.alloc(64)).toBe(p); // first fit
  const big = a.alloc(8 << 20); // grows the memory, detaching old views
  expect(a.f32()[q >> 2]).toBe(42);
  for (const at of [p, q, r, big]) a.release(at);
  expect(a.used).toBe(0);
  expect(a.alloc(2000)).toBe(RESERVED); // everything merged back
  expect(() => a.release(12345)).toThrow(/not an allocated block/);
});
