// The memory budget of every Node host (the CLI, the desktop app's engine host): the bytes this
// process can still get. process.availableMemory() (Node ≥ 20.13, so every runtime the project
// supports) asks libuv, which counts a container's cgroup limit and what the kernel can reclaim;
// os.freemem() knows no cgroup limit (a 2 GiB container on a 64 GiB machine reads as tens of GiB
// free) and, on older libuv, leaves the page cache out.

/** The part of `process` read here. */
export interface ProcessMemory {
  availableMemory(): number;
}

export function availableMemory(proc: ProcessMemory = process): number {
  return proc.availableMemory();
}
