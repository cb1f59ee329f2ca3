// V8 first runs wasm through its baseline compiler (Liftoff) and moves a function to the optimizing
// tier only after it has run for a while; a call already running never switches. One long kernel
// call (a 4,000-token scan) would then run 4× slower the first time. So the backend runs every
// kernel briefly at creation — enough to spend the tier-up budget — and later calls get the
// optimized code. Measured effect in bench/README.md.
import type { KernelExports } from './loader';

const T = 16, D = 64, H = 2, P = 16, N = 16, S = 64;
/** Floats gemm packs x into at these sizes (T rows of at most S values). */
const PACKED = T * S;

/** Bytes of memory warmUp works in. */
export const WARM_UP_BYTES = 4 * (T * D * 4 + D * D + H * P * N + T * H * P * 2 + T * N * 4 + S * S + 64 + PACKED);

/** Runs every kernel `rounds` times on small inputs in the WARM_UP_BYTES at `base` (overwritten). */
export function warmUp(k: KernelExports, memory: { buffer: ArrayBufferLike }, base: number, rounds = 40): void {
  new Float32Array(memory.buffer, base, WARM_UP_BYTES >> 2).fill(0.01);
  let at = base;
  const take = (floats: number) => {
    const p = at;
    at += floats * 4;
    return p;
  };
  const x = take(T * D), y = take(T * D * 2), w = take(D * D), s = take(H * P * N);
  const u = take(T * H * P), v = take(T * H * P), bc = take(T * N * 4), scores = take(S * S), small = take(64);
  const packed = take(PACKED);
  for (let r = 0; r < rounds; r++) {
    k.packWeights(w, x, D, D);
    k.matmul(y, x, w, T, D, D, packed);
    k.gemv(y, x, w, D, D);
    k.packWeights16(w, x, D, D);
    k.gemv16(y, x, w, D, D);
    k.finishRows(y, x, T, D, k.ACT_NONE.value);
    k.mamba2Scan(v, s, u, small, small, bc, bc, small, T, H, P, N, 1, H * P, small, T, 0, H, packed, H);
    k.mamba2Scan(v, s, u, small, small, bc, bc, small, T, H, P, N, 1, H * P, small, T, 0, H, 0, 1);
    k.mamba1Scan(v, s, u, u, s, bc, bc, small, T, H * P, N, small, T, H * P, 0, H * P);
    k.packRows(w, x, 8, S, 8);
    k.packColumns(y, x, S, 8, 8);
    k.gemm(scores, x, w, T, 8, S, 8, S, 8, packed);
    k.softmaxRows(scores, T, S, 1, S, 0.1);
    k.attendBlock(y, scores, x, w, w, T, 8, S, 8, S, 1, 0.1, 8, S, r & 1 ? small : 0, 8, 2, 0, r & 2 ? 1 : 0, packed);
    k.conv1d(y, x, x, 0, T, D, 4, r & 1, D);
    k.siluGate(y, x, D, T, D);
    k.finishRows(y, 0, T, D, (r & 1 ? k.ACT_SOFTPLUS : k.ACT_RELU2).value);
    k.demote(y, x, T * D / 2);
    k.promote(y, x, T * D / 2);
    k.rmsnorm(y, x, x, T, D, 1e-5, D);
  }
}
