// Repeat-and-take-the-median timing. The machine is shared (2 cores), so single runs are noisy;
// every figure the bench prints is a median over `repeats` runs after `warmup` unrecorded ones.

export interface Timing {
  median: number; // ms
  min: number; // ms
  repeats: number;
  /** Median CPU time of the whole process per run (ms, all its threads): what other work on a shared
   *  machine does not stretch, where wall time is stretched by every descheduling. */
  cpuMedian: number;
}

/** CPU time the process has used, all threads (ms). */
export function cpuNow(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function time(fn: () => unknown, repeats: number, warmup = 1): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const c0 = cpuNow();
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
    cpu.push(cpuNow() - c0);
  }
  return { median: median(ms), min: Math.min(...ms), repeats, cpuMedian: median(cpu) };
}

/** Times several functions in turns (a, b, a, b, …) so background load hits them alike. */
export async function timeInterleaved(fns: (() => unknown)[], repeats: number, warmup = 1): Promise<Timing[]> {
  for (let i = 0; i < warmup; i++) for (const fn of fns) await fn();
  const ms: number[][] = fns.map(() => []);
  const cpu: number[][] = fns.map(() => []);
  for (let r = 0; r < repeats; r++) {
    for (let i = 0; i < fns.length; i++) {
      const c0 = cpuNow();
      const t0 = performance.now();
      await fns[i]();
      ms[i].push(performance.now() - t0);
      cpu[i].push(cpuNow() - c0);
    }
  }
  return ms.map((m, i) => ({ median: median(m), min: Math.min(...m), repeats, cpuMedian: median(cpu[i]) }));
}
