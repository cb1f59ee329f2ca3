// The limit every kernel is measured against: this machine's WebAssembly 128-bit FMA throughput,
// per thread and on two threads at once. bench/assembly/peak.ts (twelve register-resident chains of
// c ← c·a + b) is compiled here with the engine's own toolchain and flags (AssemblyScript, as
// engine/kernels/wasm/build.mjs does), in both of the engine's flavours: relaxed SIMD
// (f32x4.relaxed_madd, one vfmadd on x64 — what the engine's matmul runs wherever relaxed SIMD
// validates: Node with --experimental-wasm-relaxed-simd, Electron, Chromium) and plain SIMD (mul then
// add, the fallback build). Each thread is a worker; two-thread figures are all FLOPs over the wall
// time from the first start to the last end. Medians of REPEATS, both flavours and thread counts in
// turns so background load hits them alike. Beside each figure, GFLOP per CPU-second (the process's
// CPU time, all threads): the limit that kernels' CPU-time figures are shares of, since on a shared
// machine load stretches wall time tenfold where the CPU time of the same loop moves by a few percent.
import asc from 'assemblyscript/asc';
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WasmFlavor } from '../engine/kernels/wasm/loader';
import { fmt, type Row } from './table';
import { cpuNow, median } from './timing';

const SOURCE = new URL('./assembly/peak.ts', import.meta.url).pathname;
const FLAGS = ['-O3', '--noAssert', '--runtime', 'stub', '--use', 'abort=', '--enable', 'simd'];
const FLAVOURS: Record<WasmFlavor, string[]> = { relaxed: ['--enable', 'relaxed-simd'], simd: [] };
const FLOPS_PER_ITERATION = 12 * 4 * 2; // peak.ts flopsPerIteration()
const RUN_MS = 150; // each timed loop
const REPEATS = 7;

/** GFLOP/s of the FMA loop: limit[flavour][threads]. */
export type FmaLimit = Record<WasmFlavor, Record<number, number>>;

/** One timed loop: GFLOP/s over wall time, and GFLOP per CPU-second (the process's, all threads). */
interface Rate { wall: number; cpu: number }

async function compile(flavour: WasmFlavor): Promise<WebAssembly.Module> {
  let binary: Uint8Array | null = null;
  const stderr: string[] = [];
  const { error } = await asc.main([SOURCE, ...FLAGS, ...FLAVOURS[flavour], '--outFile', 'peak.wasm'], {
    writeFile: (name, contents) => { if (name.endsWith('.wasm') && typeof contents !== 'string') binary = contents; },
    stderr: { write: (chunk) => { stderr.push(String(chunk)); } },
  });
  if (error || !binary) throw new Error(`asc failed on bench/assembly/peak.ts: ${error?.message ?? 'no output'}\n${stderr.join('')}`);
  return new WebAssembly.Module(binary);
}

interface Thread { worker: Worker; next(): Promise<{ t0: number; t1: number; sum: number }> }

function thread(module: WebAssembly.Module, ctrl: SharedArrayBuffer): Promise<Thread> {
  const worker = new Worker(new URL('./fma-worker.mjs', import.meta.url));
  worker.unref();
  const queue: ((m: { t0: number; t1: number; sum: number }) => void)[] = [];
  return new Promise((ready, fail) => {
    worker.once('error', fail);
    worker.on('message', (m) => (m.ready ? ready({ worker, next: () => new Promise((r) => queue.push(r)) }) : queue.shift()!(m)));
    worker.postMessage({ module, ctrl });
  });
}

/** Runs the loop on `threads` at once: GFLOP/s over the wall time of all of them, and per CPU-second. */
async function measure(threads: Thread[], ctrl: Int32Array, n: number): Promise<Rate> {
  Atomics.store(ctrl, 0, 0);
  Atomics.store(ctrl, 1, threads.length);
  const c0 = cpuNow();
  const results = await Promise.all(threads.map((t) => {
    const r = t.next();
    t.worker.postMessage({ n });
    return r;
  }));
  const cpu = cpuNow() - c0;
  for (const r of results) if (r.sum !== 2 * 12 * 4) throw new Error(`FMA loop: chains summed to ${r.sum}, not 96`);
  const wall = Math.max(...results.map((r) => r.t1)) - Math.min(...results.map((r) => r.t0));
  const flops = threads.length * n * FLOPS_PER_ITERATION;
  return { wall: flops / wall / 1e6, cpu: flops / cpu / 1e6 };
}

export async function benchFma(maxThreads: number): Promise<{ rows: Row[]; limit: FmaLimit; cpuLimit: FmaLimit }> {
  const counts = maxThreads >= 2 ? [1, 2] : [1];
  const ctrlBuffer = new SharedArrayBuffer(8);
  const ctrl = new Int32Array(ctrlBuffer);
  const pools = {} as Record<WasmFlavor, Thread[]>;
  for (const flavour of Object.keys(FLAVOURS) as WasmFlavor[]) {
    const module = await compile(flavour);
    pools[flavour] = await Promise.all(counts.map(() => thread(module, ctrlBuffer)));
  }
  // iterations for RUN_MS, from an unrecorded run of each flavour on one thread (twice: tiering)
  const iterations = {} as Record<WasmFlavor, number>;
  for (const flavour of Object.keys(pools) as WasmFlavor[]) {
    let gf = 0;
    for (let i = 0; i < 2; i++) gf = (await measure(pools[flavour].slice(0, 1), ctrl, 2_000_000)).wall;
    iterations[flavour] = Math.round((RUN_MS * gf * 1e6) / FLOPS_PER_ITERATION);
  }
  const loadStart = loadavg()[0];
  const runs: Record<string, Rate[]> = {};
  for (let r = 0; r < REPEATS; r++) {
    for (const flavour of Object.keys(pools) as WasmFlavor[]) {
      for (const n of counts) (runs[`${flavour}${n}`] ??= []).push(await measure(pools[flavour].slice(0, n), ctrl, iterations[flavour]));
    }
  }
  for (const pool of Object.values(pools)) for (const t of pool) await t.worker.terminate();
  const load = `load ${loadStart.toFixed(1)} → ${loadavg()[0].toFixed(1)}`;
  const limit = { relaxed: {}, simd: {} } as FmaLimit;
  const cpuLimit = { relaxed: {}, simd: {} } as FmaLimit;
  const rows: Row[] = [];
  for (const flavour of Object.keys(pools) as WasmFlavor[]) {
    for (const n of counts) {
      const xs = runs[`${flavour}${n}`].map((r) => r.wall);
      const gf = median(xs);
      const cpu = median(runs[`${flavour}${n}`].map((r) => r.cpu));
      limit[flavour][n] = gf;
      cpuLimit[flavour][n] = cpu;
      const op = flavour === 'relaxed' ? 'f32x4.relaxed_madd' : 'f32x4.mul + f32x4.add';
      const vs = n > 1 ? `${fmt(gf / limit[flavour][1], 2)}× 1 thread` : flavour === 'simd' ? `${fmt(gf / limit.relaxed[1], 2)}× relaxed` : '—';
      rows.push({
        part: 'a', name: `FMA limit: ${op} loop in registers, ${n} thread${n > 1 ? 's' : ''}`, engine: `${fmt(gf)} GFLOP/s`,
        reference: `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`, ratio: vs, cpuLimit: `${fmt(cpu)} GFLOP/cpu-s`, target: '—', status: 'info',
        note: n === counts[counts.length - 1] && flavour === 'simd' ? `median of ${REPEATS} × ${RUN_MS} ms in turns (range in the reference column); ${load}` : undefined,
        values: { threads: n, gflops: gf, cpuGflops: cpu, min: Math.min(...xs), max: Math.max(...xs), repeats: REPEATS, load: loadStart },
      });
    }
  }
  return { rows, limit, cpuLimit };
}
