// Part (a): matmul GFLOP/s of the engine's kernel backend against onnxruntime-node's MatMul on the
// bundled hybrid's shapes (read from assets/models/hybrid/config.json: Mamba-2 in_proj, out_proj,
// MLP up and down; with d_model 256 and state 16 those are 256→1064, 512→256, 256→1024, 1024→256),
// at T = 1,000 and 4,000 rows and T = 1 (decoding), with onnxruntime limited to 1 and to 2
// intra-op threads; the engine with the same thread count (one thread, or its helper thread as well).
import { existsSync, readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import type { KernelBackend } from '../engine/kernels/backend';
import { random } from '../engine/kernels/wasm/testing';
import { matmulModel } from './onnx-matmul';
import { fmt, share, type Row } from './table';
import { timeInterleaved } from './timing';

const HYBRID_CONFIG = new URL('../assets/models/hybrid/config.json', import.meta.url);

/** [label, In, Out] of the bundled hybrid's projections (the shapes of its first release without one). */
function shapes(): [string, number, number][] {
  const c = existsSync(HYBRID_CONFIG) ? JSON.parse(readFileSync(HYBRID_CONFIG, 'utf8')) : {};
  const D = c.hidden_size ?? 256;
  const I = (c.mamba_num_heads ?? 8) * (c.mamba_head_dim ?? 64);
  const GN = (c.n_groups ?? 1) * (c.ssm_state_size ?? 64);
  const F = c.intermediate_size ?? 1024;
  return [
    ['mamba2 in_proj', D, 2 * I + 2 * GN + (c.mamba_num_heads ?? 8)], // z, x, B, C, dt
    ['mamba2 out_proj', I, D],
    ['mlp up_proj', D, F],
    ['mlp down_proj', F, D],
  ];
}
const ROWS = [1000, 4000, 1];
// T ≥ 1000: ≥ 80 % of this machine's FMA limit on the same threads (DESIGN.md section 6; on an AVX-512
// host onnxruntime-node's native kernels are the upper anchor, not the target). T = 1, the decoding
// GEMV (bound by reading the weights, not by FMAs): ≥ 50 % of onnxruntime-node (issue 7).
const LIMIT_TARGET = 0.8;
const ORT_TARGET = 0.5;

/**
 * onnxruntime's pool threads spin after each run by default: on 2 cores they then compete with the
 * engine run timed next (the runs alternate). Off, as the engine's helper sleeps when idle.
 */
export const NO_SPIN = { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } };

export interface MatmulResult {
  rows: Row[];
  /** The best engine GFLOP/s seen at T ≥ 1000 (any thread count): the measured peak for part (d). */
  peak: number;
}

/** `engines[n]` is the engine's backend running n threads; `limit[n]` the FMA limit on n threads
 *  (bench/fma.ts), `cpuLimit[n]` the same per CPU-second. */
export async function benchMatmul(engines: Record<number, KernelBackend>, threads: number[], limit: Record<number, number>, cpuLimit: Record<number, number>): Promise<MatmulResult> {
  const rows: Row[] = [];
  let peak = 0;
  for (const [label, In, Out] of shapes()) {
    const w = random(In * Out, In + Out, 0.1);
    const sessions = await Promise.all(threads.map((n) => ort.InferenceSession.create(matmulModel(w, In, Out), {
      intraOpNumThreads: n, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', extra: NO_SPIN,
    })));
    for (const T of ROWS) {
      process.stderr.write(`  (a) ${label} T=${T}\n`);
      const x = random(T * In, T);
      const y = new Float32Array(T * Out);
      const feeds = { x: new ort.Tensor('float32', x, [T, In]) };
      const flops = 2 * T * In * Out;
      const repeats = T === 1 ? 100 : T >= 4000 ? 5 : 9;
      // x and y in each engine's own memory, as the prefill's activations are (placeWorking): the
      // kernel as a forward pass runs it. The same product on plain arrays, copied in and out per
      // call, is timed beside it for T ≥ 1000 (info: the copies are the kernel table's, not gemm's).
      const placed = threads.map((n) => {
        const be = engines[n];
        const px = be.placeWorking?.(T * In);
        const py = be.placeWorking?.(T * Out);
        if (!px || !py) throw new Error(`the ${n}-thread backend cannot place working arrays`);
        px.set(x);
        return { be, px, py };
      });
      const copied = T >= 1000 ? threads : [];
      const fns = [
        ...placed.map(({ be, px, py }) => () => be.matmul(py, px, w, T, In, Out)),
        ...copied.map((n) => () => engines[n].matmul(y, x, w, T, In, Out)),
        ...sessions.map((s) => () => s.run(feeds)),
      ];
      const timings = await timeInterleaved(fns, repeats, 2);
      const ortTiming = (i: number) => timings[threads.length + copied.length + i];
      threads.forEach((n, i) => {
        const mine = timings[i];
        const gf = flops / mine.median / 1e6;
        if (T >= 1000) peak = Math.max(peak, gf);
        const og = flops / ortTiming(i).median / 1e6;
        const ratio = gf / og;
        const big = T >= 1000;
        const cpuGf = flops / mine.cpuMedian / 1e6;
        const name = `matmul ${label} T=${T} ${In}→${Out}, ${n} thread${n > 1 ? 's' : ''}`;
        rows.push({
          part: 'a', name,
          engine: `${fmt(gf)} GFLOP/s`, reference: `${fmt(og)} GFLOP/s`, ratio: `${fmt(100 * ratio, 0)} %`, limit: share(gf, limit[n]), cpuLimit: share(cpuGf, cpuLimit[n]),
          target: big ? '≥ 80 % of limit' : '≥ 50 % of ort',
          status: (big ? gf >= LIMIT_TARGET * limit[n] : ratio >= ORT_TARGET) ? 'ok' : 'below target',
          values: { T, In, Out, threads: n, engineMs: mine.median, ortMs: ortTiming(i).median, engineGflops: gf, engineCpuGflops: cpuGf, ortGflops: og, limitGflops: limit[n], cpuLimitGflops: cpuLimit[n] },
        });
        if (!big) return;
        const c = timings[threads.length + i];
        const cgf = flops / c.median / 1e6;
        const ccpu = flops / c.cpuMedian / 1e6;
        rows.push({
          part: 'a', name: `${name}, x and y copied in and out`,
          engine: `${fmt(cgf)} GFLOP/s`, reference: `${fmt(og)} GFLOP/s`, ratio: `${fmt((100 * cgf) / og, 0)} %`, limit: share(cgf, limit[n]), cpuLimit: share(ccpu, cpuLimit[n]),
          target: '—', status: 'info',
          values: { T, In, Out, threads: n, copied: 1, engineMs: c.median, engineGflops: cgf, engineCpuGflops: ccpu, limitGflops: limit[n], cpuLimitGflops: cpuLimit[n] },
        });
      });
      for (const { be, px, py } of placed) {
        be.freeWorking?.(px);
        be.freeWorking?.(py);
      }
    }
    await Promise.all(sessions.map((s) => s.release()));
  }
  return { rows, peak };
}
