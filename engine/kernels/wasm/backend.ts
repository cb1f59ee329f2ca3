// The WebAssembly SIMD backend of the kernel table (engine/kernels/backend.ts): the same signatures
// as the reference kernels, which stay the twins every kernel here is tested against. Each call
// copies its activations into the one wasm memory, runs the kernel and copies the result out;
// weights and per-model constants stay resident (resident.ts). Kernels without a wasm version
// (rmsnorm, conv1d: linear in the activations) and shapes a kernel does not handle fall back to
// the reference.
import { referenceBackend, type KernelBackend } from '../backend';
import type { AttentionRowHook } from '../attention';
import type { ScanProbe } from '../scan';
import { Arena } from './arena';
import { compileKernels, instantiateKernels, type KernelExports, type KernelModule, type WasmFlavor } from './loader';
import { ResidentWeights } from './resident';
import { warmUp } from './warmup';

/** Query rows per block in prefill attention: the scores block is ROWS × (past + T) floats. */
const ROWS = 64;
/** Below this many new tokens, attention works row by row on the cache (decoding). */
const ROW_PATH_MAX = 8;

export interface WasmBackend extends KernelBackend {
  flavor: WasmFlavor;
  arena: Arena;
  weights: ResidentWeights;
}

/** The wasm backend, or null where the runtime has no WebAssembly SIMD. */
export function createWasmBackend(opts: { prefer?: WasmFlavor; module?: KernelModule } = {}): WasmBackend | null {
  const km = opts.module ?? compileKernels(opts.prefer);
  if (!km) return null;
  const arena = new Arena();
  const k = instantiateKernels(km, arena.memory);
  const weights = new ResidentWeights(arena);
  warmUp(k, arena);
  const ref = referenceBackend;

  const packed = (w: Float32Array, In: number, Out: number) =>
    weights.get(w, `packed ${In}x${Out}`, (src) => {
      const raw = arena.put(src.subarray(0, In * Out) as Float32Array);
      const at = arena.alloc(k.packedSize(In, Out) * 4);
      k.packWeights(at, raw, In, Out);
      arena.release(raw);
      return at;
    });
  const resident = (a: Float32Array | Float64Array, n: number) =>
    weights.get(a, `plain ${n}`, (src) =>
      src instanceof Float64Array ? arena.putF64AsF32(src.subarray(0, n)) : arena.put(src.subarray(0, n)));

  const matmul: KernelBackend['matmul'] = (out, x, w, T, In, Out, bias) => {
    const wp = packed(w, In, Out);
    const xp = arena.put(x.subarray(0, T * In));
    const yp = arena.alloc(T * Out * 4);
    if (T === 1) k.gemv(yp, xp, wp, In, Out);
    else k.matmul(yp, xp, wp, T, In, Out);
    if (bias) k.addBias(yp, resident(bias, Out), T, Out);
    arena.get(out, yp, T * Out);
    arena.release(xp);
    arena.release(yp);
  };

  const mamba2Scan: KernelBackend['mamba2Scan'] = (y, state, x, dt, A, B, C, Dskip, T, H, P, N, G, probe) => {
    if (N % 8 !== 0) return ref.mamba2Scan(y, state, x, dt, A, B, C, Dskip, T, H, P, N, G, probe);
    const S = H * P * N;
    const run = (s: number, t0: number, t1: number, norm: number) => {
      const n = t1 - t0;
      const xp = arena.put(x.subarray(t0 * H * P, t1 * H * P));
      const dtp = arena.put(dt.subarray(t0 * H, t1 * H));
      const bp = arena.put(B.subarray(t0 * G * N, t1 * G * N));
      const cp = arena.put(C.subarray(t0 * G * N, t1 * G * N));
      const yp = arena.alloc(n * H * P * 4);
      k.mamba2Scan(yp, s, xp, dtp, resident(A, H), bp, cp, resident(Dskip, H), n, H, P, N, G, norm && norm + t0 * 4, T);
      arena.get(y.subarray(t0 * H * P), yp, n * H * P);
      for (const at of [xp, dtp, bp, cp, yp]) arena.release(at);
    };
    scanSegments(arena, k, state, S, T, probe, H * T, run);
  };

  const mamba1Scan: KernelBackend['mamba1Scan'] = (y, state, x, delta, A, B, C, Dskip, T, I, N, probe) => {
    const group = probe?.normGroup ?? I;
    if (N % 4 !== 0 || I % group !== 0) return ref.mamba1Scan(y, state, x, delta, A, B, C, Dskip, T, I, N, probe);
    const run = (s: number, t0: number, t1: number, norm: number) => {
      const n = t1 - t0;
      const xp = arena.put(x.subarray(t0 * I, t1 * I));
      const dp = arena.put(delta.subarray(t0 * I, t1 * I));
      const bp = arena.put(B.subarray(t0 * N, t1 * N));
      const cp = arena.put(C.subarray(t0 * N, t1 * N));
      const yp = arena.alloc(n * I * 4);
      k.mamba1Scan(yp, s, xp, dp, resident(A, I * N), bp, cp, resident(Dskip, I), n, I, N, norm && norm + t0 * 4, T, group);
      arena.get(y.subarray(t0 * I), yp, n * I);
      for (const at of [xp, dp, bp, cp, yp]) arena.release(at);
    };
    scanSegments(arena, k, state, I * N, T, probe, (I / group) * T, run);
  };

  const causalAttention: KernelBackend['causalAttention'] = (out, q, kc, vc, scratch, T, past, H, KVH, hd, scaling, onRow) => {
    if (hd % 8 !== 0) return ref.causalAttention(out, q, kc, vc, scratch, T, past, H, KVH, hd, scaling, onRow);
    const S = past + T;
    const kvs = KVH * hd;
    const qp = arena.put(q.subarray(0, T * H * hd));
    const kp = arena.put(kc.subarray(0, S * kvs));
    const vp = arena.put(vc.subarray(0, S * kvs));
    const op = arena.alloc(T * H * hd * 4);
    if (T <= ROW_PATH_MAX) attendRows(k, arena, op, qp, kp, vp, scratch, T, past, H, KVH, hd, scaling, onRow);
    else attendBlocks(k, arena, op, qp, kp, vp, scratch, T, past, H, KVH, hd, scaling, onRow);
    arena.get(out, op, T * H * hd);
    for (const at of [qp, kp, vp, op]) arena.release(at);
  };

  return {
    ...ref, name: `wasm-${km.flavor}`, flavor: km.flavor, arena, weights,
    matmul, mamba2Scan, mamba1Scan, causalAttention,
  };
}

/**
 * Runs a scan over [0, T) in segments that end at each snapshot position, so the state can be
 * copied out there; converts the float64 state in before and out after; fills probe.stateNorm.
 */
function scanSegments(
  arena: Arena, k: KernelExports, state: Float64Array, S: number, T: number, probe: ScanProbe | undefined,
  normSize: number, run: (s: number, t0: number, t1: number, norm: number) => void,
): void {
  const s64 = arena.alloc(S * 8);
  arena.f64().set(state.subarray(0, S), s64 >> 3);
  const s = arena.alloc(S * 4);
  k.f64ToF32(s, s64, S);
  const norm = probe?.stateNorm ? arena.alloc(normSize * 4) : 0;
  let t0 = 0;
  let snap = 0;
  const at = probe?.snapshotAt;
  while (t0 < T) {
    while (at && snap < at.length && at[snap] < t0) snap++;
    const t1 = at && snap < at.length && at[snap] < T ? at[snap] + 1 : T;
    run(s, t0, t1, norm);
    while (at && probe?.snapshots && snap < at.length && at[snap] === t1 - 1) {
      arena.get(probe.snapshots.subarray(snap * S, (snap + 1) * S), s, S);
      snap++;
    }
    t0 = t1;
  }
  if (probe?.stateNorm) {
    arena.get(probe.stateNorm, norm, normSize);
    arena.release(norm);
  }
  k.f32ToF64(s64, s, S);
  state.set(arena.f64().subarray(s64 >> 3, (s64 >> 3) + S));
  arena.release(s);
  arena.release(s64);
}

function attendRows(
  k: KernelExports, arena: Arena, op: number, qp: number, kp: number, vp: number, scratch: Float64Array,
  T: number, past: number, H: number, KVH: number, hd: number, scaling: number, onRow?: AttentionRowHook,
): void {
  const rep = H / KVH;
  const probs = arena.alloc((past + T) * 4);
  for (let h = 0; h < H; h++) {
    const kvh = Math.floor(h / rep);
    for (let t = 0; t < T; t++) {
      const L = past + t + 1;
      const o = ((t * H + h) * hd) * 4;
      k.attendRow(op + o, probs, qp + o, kp + kvh * hd * 4, vp + kvh * hd * 4, L, KVH * hd, hd, scaling);
      if (onRow) {
        scratch.set(arena.f32().subarray(probs >> 2, (probs >> 2) + L));
        onRow(h, t, scratch.subarray(0, L));
      }
    }
  }
  arena.release(probs);
}

function attendBlocks(
  k: KernelExports, arena: Arena, op: number, qp: number, kp: number, vp: number, scratch: Float64Array,
  T: number, past: number, H: number, KVH: number, hd: number, scaling: number, onRow?: AttentionRowHook,
): void {
  const S = past + T;
  const rep = H / KVH;
  const width = (S + 3) & ~3;
  const kPacked = arena.alloc(k.packedSize(hd, S) * 4);
  const vPacked = arena.alloc(S * hd * 4);
  const scores = arena.alloc(ROWS * width * 4);
  for (let kvh = 0; kvh < KVH; kvh++) {
    k.packRows(kPacked, kp + kvh * hd * 4, hd, S, KVH * hd);
    k.packColumns(vPacked, vp + kvh * hd * 4, S, hd, KVH * hd);
    for (let h = kvh * rep; h < (kvh + 1) * rep; h++) {
      for (let t0 = 0; t0 < T; t0 += ROWS) {
        const R = Math.min(ROWS, T - t0);
        const L = past + t0 + R; // the longest causal prefix in this block
        const rowQ = qp + ((t0 * H + h) * hd) * 4;
        k.gemm(scores, rowQ, kPacked, R, hd, L, H * hd, width, hd);
        k.softmaxRows(scores, R, width, past + t0 + 1, L, scaling);
        if (onRow) {
          for (let r = 0; r < R; r++) {
            const n = past + t0 + r + 1;
            const row = (scores >> 2) + r * width;
            scratch.set(arena.f32().subarray(row, row + n));
            onRow(h, t0 + r, scratch.subarray(0, n));
          }
        }
        k.gemm(op + ((t0 * H + h) * hd) * 4, scores, vPacked, R, L, hd, width, H * hd, S);
      }
    }
  }
  for (const at of [kPacked, vPacked, scores]) arena.release(at);
}
