// The memory budget of every Node host (the CLI, the desktop app's engine host): the bytes this
// process can still get. process.availableMemory() (Node ≥ 20.13) asks libuv, which counts a
// container's cgroup limit and what the kernel can reclaim; os.freemem() knows no cgroup limit (a
// 2 GiB container on a 64 GiB machine reads as tens of GiB free) and, on older libuv, leaves the page
// cache out.
import { freemem, totalmem } from 'node:os';

/** The parts of `process` read here (optional: older runtimes lack them). */
export interface ProcessMemory {
  availableMemory?: () => number;
  constrainedMemory?: () => number;
  memoryUsage: { rss(): number };
}

export interface SystemMemory {
  freemem(): number;
  totalmem(): number;
}

export function availableMemory(proc: ProcessMemory = process, os: SystemMemory = { freemem, totalmem }): number {
  if (typeof proc.availableMemory === 'function') return proc.availableMemory();
  // Without it: free memory, capped by the cgroup limit less what this process already holds.
  // constrainedMemory() says 0, or a huge number (cgroup "max"), when there is no limit.
  const free = os.freemem();
  const limit = proc.constrainedMemory?.() ?? 0;
  if (limit <= 0 || limit >= os.totalmem()) return free;
  return Math.max(0, Math.min(free, limit - proc.memoryUsage.rss()));
}
