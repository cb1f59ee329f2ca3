import { describe, expect, it } from 'vitest';
import { availableMemory, type ProcessMemory } from './available-memory';

const GiB = 2 ** 30;
const machine = { freemem: () => 60 * GiB, totalmem: () => 64 * GiB };
const rss = (bytes: number) => ({ rss: () => bytes });

describe('availableMemory', () => {
  it("prefers the runtime's own process.availableMemory() (cgroup-aware) over free memory", () => {
    expect(availableMemory({ availableMemory: () => 1.5 * GiB, constrainedMemory: () => 2 * GiB, memoryUsage: rss(0) }, machine)).toBe(1.5 * GiB);
    // and this runtime has it, so the hosts take that path
    expect(typeof (process as ProcessMemory).availableMemory).toBe('function');
  });

  it('without it, caps free memory by the cgroup limit less what the process holds', () => {
    expect(availableMemory({ constrainedMemory: () => 2 * GiB, memoryUsage: rss(0.5 * GiB) }, machine)).toBe(1.5 * GiB);
    expect(availableMemory({ constrainedMemory: () => 2 * GiB, memoryUsage: rss(3 * GiB) }, machine)).toBe(0);
    // a limit above what is free does not add memory
    expect(availableMemory({ constrainedMemory: () => 62 * GiB, memoryUsage: rss(0) }, machine)).toBe(60 * GiB);
  });

  it('without either, or with no limit (0, or cgroup "max" as a huge number), is free memory', () => {
    expect(availableMemory({ memoryUsage: rss(GiB) }, machine)).toBe(60 * GiB);
    expect(availableMemory({ constrainedMemory: () => 0, memoryUsage: rss(GiB) }, machine)).toBe(60 * GiB);
    expect(availableMemory({ constrainedMemory: () => 2 ** 64, memoryUsage: rss(GiB) }, machine)).toBe(60 * GiB);
  });
});
