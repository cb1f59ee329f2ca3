import { describe, expect, it } from 'vitest';
import { availableMemory, type ProcessMemory } from './available-memory';

describe('availableMemory', () => {
  it("is the runtime's own process.availableMemory() (cgroup-aware), which this runtime has", () => {
    expect(availableMemory({ availableMemory: () => 1.5 * 2 ** 30 })).toBe(1.5 * 2 ** 30);
    expect(typeof (process as ProcessMemory).availableMemory).toBe('function');
    expect(availableMemory()).toBeGreaterThan(0);
  });
});
