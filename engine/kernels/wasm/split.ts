// Work that both threads share by claiming chunks from a counter in the control block, instead of
// a fixed half each: on a loaded machine one thread is often descheduled for a while, and with
// fixed halves the other then waits for it (measured: ~10 % of a prefill spent waiting at load 2).
// Each chunk is an independent kernel call: rows of a matmul, a head of a Mamba-2 scan, a channel
// group of a Mamba-1 scan, columns of a big decoding GEMV or of a stored-precision matmul, rows of
// the per-row kernels (conv1d, the norms, SwiGLU's gate, the residual add). The
// caller and the helper run `claimChunks` with the same arguments.
import type { KernelExports } from './loader';

// When work is worth both threads (the backend asks before it posts a job).
/** Below this many rows a matmul is not worth splitting across threads. */
export const SPLIT_MIN_ROWS = 64;
/**
 * Below this many weights a decoding GEMV stays on one thread: at the bundled models' sizes
 * (≤ 300K weights, ~25 µs on bfloat16 copies) waking the helper costs about what it saves, and on
 * a loaded machine more (measured: hybrid decode 197 tok/s on two threads vs 221 on one, load 3.8).
 */
export const SPLIT_MIN_WEIGHTS = 1024 * 1024;
/**
 * A decoding step's Mamba-2 scan goes on two threads from this many state values (256K: 1 MB, the
 * 1.3B shape's 64 × 64 × 128 = 512K are read and written once a step); the bundled models' stay on one.
 */
export const SPLIT_MIN_STATE = 256 * 1024;
/**
 * Heads a Mamba-2 scan takes together, tokens outermost (one chunk of a split): as many as keep
 * their states in 16 KB of L1, at most half of them (a chunk for each thread). The bundled
 * models' 8 heads of 64 × 16 go 4 and 4; a head of 64 × 128 (32 KB) goes alone.
 */
export function scanHeadsPerChunk(H: number, P: number, N: number): number {
  return Math.max(1, Math.min(Math.ceil(H / 2), Math.floor(16384 / (P * N * 4))));
}
/**
 * The per-row kernels (conv1d, rmsnorm, the gated norm, siluGate, the residual add) go on both threads from this many values
 * (T · width), in chunks of ROW_CHUNK rows: below it a hand-over (~70 µs to wake the helper) costs
 * more than half the work saves. Each row's arithmetic is the same on either thread.
 */
export const SPLIT_MIN_VALUES = 128 * 1024;
export const ROW_CHUNK = 64;

/** Whether a per-row kernel's T rows of `width` values are worth both threads. */
export function rowsWorthSplitting(T: number, width: number): boolean {
  return T >= 2 * ROW_CHUNK && T * width >= SPLIT_MIN_VALUES;
}

export const SPLITS = {
  /**
   * [y, x, wp, T, In, Out, rows, scratch, bias, act]: rows [c·rows, (c+1)·rows) of
   * y = act(x·Wᵀ + bias) (bias 0: none; act: an ACT_ code of the module), the epilogue on each chunk
   * while it is in cache; scratch holds one gemm scratch buffer per thread (the caller's first, lane 0).
   */
  gemmRows: {
    arity: 10,
    count: (a: number[]) => Math.ceil(a[3] / a[6]),
    run: (k: KernelExports, a: number[], c: number, lane: number) => {
      const [y, x, wp, T, In, Out, rows, scratch, bias, act] = a;
      const r0 = c * rows;
      const n = Math.min(rows, T - r0);
      k.gemm(y + r0 * Out * 4, x + r0 * In * 4, wp, n, In, Out, In, Out, In, scratch + lane * k.gemmScratchBytes());
      k.finishRows(y + r0 * Out * 4, bias, n, Out, act);
    },
  },
  /**
   * [y, x, wp, In, Out, panels, bf16]: decoding's y = W·x, chunk c = output columns
   * [c·8·panels, …); bf16 = 1 for weights packed by packWeights16.
   */
  gemvPanels: {
    arity: 7,
    count: (a: number[]) => Math.ceil(a[4] / (8 * a[5])),
    run: (k: KernelExports, a: number[], c: number) => {
      const [y, x, wp, In, Out, panels, bf16] = a;
      const j0 = c * 8 * panels;
      const n = Math.min(8 * panels, Out - j0);
      if (bf16) k.gemv16(y + j0 * 4, x, wp + j0 * In * 2, In, n);
      else k.gemv(y + j0 * 4, x, wp + j0 * In * 4, In, n);
    },
  },
  /**
   * [y, xq, x, w, T, In, Out, ys, dtype, band, C]: y = x·Wᵀ with W read where it is stored, x also
   * packed at xq; chunk c = output columns [c·C, (c+1)·C) (gemmStoredCols); band holds C·In floats
   * of scratch per thread (the caller's first).
   */
  gemmStoredCols: {
    arity: 11,
    count: (a: number[]) => Math.ceil(a[6] / a[10]),
    run: (k: KernelExports, a: number[], c: number, lane: number) => {
      const [y, xq, x, w, T, In, Out, ys, dtype, band, C] = a;
      const j0 = c * C;
      k.gemmStoredCols(y, xq, x, w, T, In, j0, Math.min(C, Out - j0), ys, dtype, band + lane * C * In * 4, C);
    },
  },
  /** [y, x, w, In, Out, dtype, rows]: decoding's y = W·x with W where it is stored; chunk c = rows [c·rows, …) of W. */
  gemvStoredRows: {
    arity: 7,
    count: (a: number[]) => Math.ceil(a[4] / a[6]),
    run: (k: KernelExports, a: number[], c: number) => {
      const [y, x, w, In, Out, dtype, rows] = a;
      const o0 = c * rows;
      k.gemvStored(y + o0 * 4, x, w + o0 * In * (dtype === 0 ? 4 : 2), In, Math.min(rows, Out - o0), dtype);
    },
  },
  /**
   * Prefill attention of one KV group: [op, qp, kPacked, vPacked, T, past, h0, rep, H, hd, width,
   * scaling, S, rows, scores, map0, map1, mapBytes, stride, PS, fresh, scratch]; chunk c = one block of
   * `rows` query rows of one head, the longest (latest) blocks first so the short ones fill the
   * gaps at the end. Per thread (lane): a scores block (rows × width floats, the helper's right
   * after the caller's), a copy of the pooled map (map1 for the helper; 0: none) and gemm scratch.
   */
  attendChunks: {
    arity: 22,
    count: (a: number[]) => Math.ceil(a[4] / a[13]) * a[7],
    run: (k: KernelExports, a: number[], c: number, lane: number) => {
      const [op, qp, kPacked, vPacked, T, past, h0, rep, H, hd, width, scaling, S, rows, scores, map0, map1, mapBytes, stride, PS, fresh, scratch] = a;
      const blocks = Math.ceil(T / rows);
      const t0 = (blocks - 1 - Math.floor(c / rep)) * rows;
      const h = h0 + (c % rep);
      const R = Math.min(rows, T - t0);
      const o = (t0 * H + h) * hd * 4;
      const map = lane ? map1 : map0;
      k.attendBlock(
        op + o, scores + lane * rows * width * 4, qp + o, kPacked, vPacked, R, hd, past + t0 + R, H * hd, width,
        past + t0 + 1, scaling, H * hd, S, map ? map + h * mapBytes : 0, map ? stride : 1, map ? PS : 0, past + t0,
        fresh, scratch + lane * k.gemmScratchBytes(),
      );
    },
  },
  /**
   * mamba2Scan's arguments up to normStride, then scratch (one gemm scratch buffer per thread, the
   * helper's second; 0: none) and group; chunk c = heads [c·group, (c+1)·group).
   */
  mamba2Heads: {
    arity: 18,
    count: (a: number[]) => Math.ceil(a[9] / a[17]),
    run: (k: KernelExports, a: number[], c: number, lane: number) => {
      const [y, s, x, dt, A, B, C, D, T, H, P, N, G, xs, norm, normStride, scratch, group] = a;
      const h0 = c * group;
      k.mamba2Scan(
        y, s, x, dt, A, B, C, D, T, H, P, N, G, xs, norm, normStride, h0, Math.min(H, h0 + group),
        scratch && scratch + lane * k.gemmScratchBytes(), group,
      );
    },
  },
  /** mamba1Scan's arguments up to normGroup; chunk c = channels [c·normGroup, (c+1)·normGroup). */
  mamba1Groups: {
    arity: 14,
    count: (a: number[]) => a[9] / a[13],
    run: (k: KernelExports, a: number[], c: number) => {
      const [y, s, x, delta, A, B, C, D, T, I, N, norm, normStride, group] = a;
      k.mamba1Scan(y, s, x, delta, A, B, C, D, T, I, N, norm, normStride, group, c * group, (c + 1) * group);
    },
  },
  /** [out, ext, wT, bias, T, C, K, act, es, rows]: rows [c·rows, …) of conv1d (each output row reads its own K rows of ext, rows of es floats). */
  conv1dRows: {
    arity: 10,
    count: (a: number[]) => Math.ceil(a[4] / a[9]),
    run: (k: KernelExports, a: number[], c: number) => {
      const [out, ext, wT, bias, T, C, K, act, es, rows] = a;
      const r0 = c * rows;
      k.conv1d(out + r0 * C * 4, ext + r0 * es * 4, wT, bias, Math.min(rows, T - r0), C, K, act, es);
    },
  },
  /** [out, x, w, T, D, eps, g, rows]: rows [c·rows, …) of rmsnorm. */
  rmsnormRows: {
    arity: 8,
    count: (a: number[]) => Math.ceil(a[3] / a[7]),
    run: (k: KernelExports, a: number[], c: number) => {
      const [out, x, w, T, D, eps, g, rows] = a;
      const r0 = c * rows;
      k.rmsnorm(out + r0 * D * 4, x + r0 * D * 4, w, Math.min(rows, T - r0), D, eps, g);
    },
  },
  /** [y, z, zs, w, T, D, eps, g, rows]: rows [c·rows, …) of Mamba-2's gated norm, y ⊙= silu(z) then rmsnorm in place. */
  gatedRows: {
    arity: 9,
    count: (a: number[]) => Math.ceil(a[4] / a[8]),
    run: (k: KernelExports, a: number[], c: number) => {
      const [y, z, zs, w, T, D, eps, g, rows] = a;
      const r0 = c * rows, n = Math.min(rows, T - r0), yc = y + r0 * D * 4;
      k.siluGate(yc, z + r0 * zs * 4, zs, n, D);
      k.rmsnorm(yc, yc, w, n, D, eps, g);
    },
  },
  /** [y, z, zs, T, I, rows]: rows [c·rows, …) of siluGate, y ⊙= silu(z) (z's rows zs floats apart). */
  siluRows: {
    arity: 6,
    count: (a: number[]) => Math.ceil(a[3] / a[5]),
    run: (k: KernelExports, a: number[], c: number) => {
      const [y, z, zs, T, I, rows] = a;
      const r0 = c * rows;
      k.siluGate(y + r0 * I * 4, z + r0 * zs * 4, zs, Math.min(rows, T - r0), I);
    },
  },
  /** [x, y, T, D, yn, xn, rows]: rows [c·rows, …) of residualAdd (x += y, the norms of y's and x's rows). */
  residualRows: {
    arity: 7,
    count: (a: number[]) => Math.ceil(a[2] / a[6]),
    run: (k: KernelExports, a: number[], c: number) => {
      const [x, y, T, D, yn, xn, rows] = a;
      const r0 = c * rows;
      k.residualAdd(x + r0 * D * 4, y + r0 * D * 4, Math.min(rows, T - r0), D, yn + r0 * 4, xn + r0 * 4);
    },
  },
} as const;

export type SplitName = keyof typeof SPLITS;

/**
 * Claims chunks (Atomics.add on words[next]) and runs them until none is left. `lane`: 0 on the
 * calling thread, 1 on the helper (which of a job's per-thread scratch buffers to use).
 */
export function claimChunks(k: KernelExports, name: SplitName, args: number[], words: Int32Array, next: number, lane: number): void {
  const split = SPLITS[name];
  const n = split.count(args);
  for (;;) {
    const c = Atomics.add(words, next, 1);
    if (c >= n) return;
    split.run(k, args, c, lane);
  }
}
