// The WebAssembly SIMD backend of the kernel table (engine/kernels/backend.ts): the same signatures
// as the reference kernels, which stay the twins every kernel here is tested against. A call reads
// and writes arrays placed in the one wasm memory in place and copies the others in and out;
// weights and per-model constants stay resident (resident.ts). Shapes a kernel does not handle
// (e.g. widths not a multiple of 4 lanes) fall back to the reference. With a helper thread
// (threads.ts) the big calls are shared by both threads in chunks (split.ts says which and from
// what size); placed.ts, whether an array is read in place or copied.
import type { WeightArray } from '../../tensor';
import { referenceBackend, SMALL_MATRIX_WEIGHTS, type KernelBackend } from '../backend';
import { widened } from '../widen';
import { Arena } from './arena';
import { attendBlocks, attendRows } from './attend';
import { compileKernels, instantiateKernels, SHARED_MAX_PAGES, type KernelModule, type WasmFlavor } from './loader';
import { PackedKV } from './packed-kv';
import { placedArrays } from './placed';
import { ResidentRows, ResidentWeights } from './resident';
import { KernelThread, type HelperInit, type HelperPort } from './threads';
import { ROW_CHUNK, rowsWorthSplitting, scanHeadsPerChunk, SPLIT_MIN_ROWS, SPLIT_MIN_STATE, SPLIT_MIN_WEIGHTS } from './split';
import { scanSegments, type F64Convert } from './scan-segments';
import { StoredWeights } from './stored';
import { warmUp, WARM_UP_BYTES } from './warmup';

/** Below this many new tokens, attention works row by row on the cache (decoding). */
const ROW_PATH_MAX = 8;

export interface WasmBackendOptions {
  prefer?: WasmFlavor;
  /** A shared memory (default: where the runtime has SharedArrayBuffer), so loaded weights can be
   *  placed in it (stored.ts); a helper thread needs one anyway. */
  shared?: boolean;
  module?: KernelModule;
  /** Matrices of more values than this are read as stored (stored.ts), smaller ones get a packed
   *  float32 copy; default SMALL_MATRIX_WEIGHTS (tests pass 0 to send every matrix the first way). */
  smallMatrixWeights?: number;
  /** Bytes of wasm memory up to which loaded matrices are placed in it (default stored.ts's
   *  PLACE_LIMIT, 3 GiB; tests pass less to see the rest go outside). */
  placeLimitBytes?: number;
  /** Run a second thread: the host's worker factory; the worker runs helper.ts's serveKernels. */
  spawnHelper?: () => HelperPort;
}

export interface WasmBackend extends KernelBackend {
  flavor: WasmFlavor;
  arena: Arena;
  weights: ResidentWeights;
  /** Threads the kernels use now: 2 once a helper is running, else 1. */
  threads(): number;
  /** Stops the helper thread, if any. */
  dispose(): void;
}

/** The wasm backend, or null where the runtime has no WebAssembly SIMD. */
export function createWasmBackend(opts: WasmBackendOptions = {}): WasmBackend | null {
  const wantShared = !!opts.spawnHelper || (opts.shared ?? typeof SharedArrayBuffer !== 'undefined');
  const km = opts.module ?? compileKernels(opts.prefer, wantShared) ?? compileKernels(opts.prefer);
  if (!km) return null;
  const arena = new Arena(256, km.shared ? SHARED_MAX_PAGES : undefined);
  const k = instantiateKernels(km, arena.memory);
  const weights = new ResidentWeights(arena);
  const kvRows = new ResidentRows(arena);
  const packedKV = new PackedKV(arena);
  // gemm packs x here: the first half for this thread, the second for the helper
  const gemmScratch = arena.alloc(2 * k.gemmScratchBytes());
  const warm = arena.alloc(WARM_UP_BYTES);
  warmUp(k, arena.memory, warm);
  let thread: KernelThread | undefined;
  if (km.shared && opts.spawnHelper) {
    const port = opts.spawnHelper();
    thread = new KernelThread(arena.memory, port);
    port.postMessage({ module: km.module, memory: arena.memory, warmUpAt: warm } satisfies HelperInit);
  } else {
    arena.release(warm);
  }
  const two = () => thread?.ready === true;
  const rowSplit = (T: number, width: number) => rowsWorthSplitting(T, width) && two();
  const ref = referenceBackend;
  const small = opts.smallMatrixWeights ?? SMALL_MATRIX_WEIGHTS;
  const stored = new StoredWeights(arena, k, () => (two() ? thread : undefined), km.shared, small, opts.placeLimitBytes);

  // Small matrices (the bundled models'): a packed float32 copy, made once, found again by the
  // array's identity (16-bit ones by their bits'); larger ones are read as stored (stored.ts).
  const key = (w: WeightArray) => (w instanceof Float32Array ? w : w.bits);
  const asFloat32 = (w: WeightArray, n: number) => (w instanceof Float32Array ? w.subarray(0, n) : widened(w).subarray(0, n));
  const packed = (w: WeightArray, In: number, Out: number) =>
    weights.get(key(w), `packed ${In}x${Out}`, () => {
      const raw = arena.put(asFloat32(w, In * Out));
      const at = arena.alloc(k.packedSize(In, Out) * 4);
      k.packWeights(at, raw, In, Out);
      arena.release(raw);
      return at;
    });
  // Only for weights (bias, D, norm and conv weights): arrays the layers build per call (A =
  // -exp(A_log) is recomputed each forward) are copied per call, or the cache would fill the arena.
  const { offset, read, write, done, placeWorking, freeWorking, zRows } = placedArrays(arena, km.shared);
  const resident = (a: Float32Array, n: number) => weights.get(a, `plain ${n}`, (src) => arena.put(src.subarray(0, n) as Float32Array));

  // float64 ↔ float32 through wasm: a plain copy of the float64 bytes, then one SIMD pass (V8's
  // converting typed-array set into a shared memory is ~3× slower than both together)
  const convert: F64Convert = {
    in: (at, src) => {
      const tmp = arena.alloc(src.length * 8);
      arena.f64().set(src, tmp >>> 3);
      k.demote(at, tmp, src.length);
      arena.release(tmp);
    },
    out: (dst, at) => {
      const tmp = arena.alloc(dst.length * 8);
      k.promote(tmp, at, dst.length);
      dst.set(arena.f64().subarray(tmp >>> 3, (tmp >>> 3) + dst.length));
      arena.release(tmp);
    },
  };
  const putF64 = (src: Float64Array) => {
    const at = arena.alloc(src.length * 4);
    convert.in(at, src);
    return at;
  };

  // Decoding reads every weight once per token, so it is bound by bytes read: weights that are
  // exactly bfloat16 (checkpoints stored as BF16; the bundled ones are F16, so they keep the f32 path) get a second, half-size copy that gemv16 widens
  // exactly. Which copies are exact is recorded by their offset when they are made.
  const exact16 = new Map<number, boolean>();
  const packed16 = (w: WeightArray, In: number, Out: number) =>
    weights.get(key(w), `bf16 ${In}x${Out}`, () => {
      const raw = arena.put(asFloat32(w, In * Out));
      const at = arena.alloc(k.packedSize(In, Out) * 2);
      exact16.set(at, k.packWeights16(at, raw, In, Out) === 1);
      arena.release(raw);
      return at;
    });

  // finishRows' activation codes, as the module defines them (read once: each is a wasm global)
  const actCodes = { none: k.ACT_NONE.value, relu2: k.ACT_RELU2.value, softplus: k.ACT_SOFTPLUS.value };
  const matmul: KernelBackend['matmul'] = (out, x, w, T, In, Out, bias, act) => {
    const copies: number[] = [];
    const xp = read(x.subarray(0, T * In), copies);
    const yo = offset(out);
    // written in place unless it would overlap x
    const yp = yo >= 0 && (yo + T * Out * 4 <= xp || xp + T * In * 4 <= yo) ? yo : arena.alloc(T * Out * 4);
    if (yp !== yo) copies.push(yp);
    const biasAt = bias ? resident(bias, Out) : 0;
    const code = act ? actCodes[act] : actCodes.none;
    // the epilogue act(y + bias) goes with the rows where a split computes them, else after (a
    // call that returns at once where there is neither)
    let finished = false;
    if (In * Out > small) stored.matmul(yp, xp, w, T, In, Out);
    else finished = packedProduct(yp, xp, w, T, In, Out, biasAt, code);
    if (!finished) k.finishRows(yp, biasAt, T, Out, code);
    done(out, yp, T * Out, copies);
  };

  /** True when the split's chunks applied the epilogue (bias at biasAt, activation code) themselves. */
  const packedProduct = (yp: number, xp: number, w: WeightArray, T: number, In: number, Out: number, biasAt: number, code: number): boolean => {
    const w16 = T === 1 ? packed16(w, In, Out) : 0;
    const bf16 = T === 1 && exact16.get(w16) === true;
    const wp = bf16 ? w16 : packed(w, In, Out);
    if (T === 1 && In * Out >= SPLIT_MIN_WEIGHTS && two()) {
      // decoding reads every weight once: two threads read twice as fast; 4 chunks of columns
      thread!.split(k, 'gemvPanels', [yp, xp, wp, In, Out, Math.ceil(Out / 32), bf16 ? 1 : 0], true);
    } else if (T === 1) {
      if (bf16) k.gemv16(yp, xp, wp, In, Out);
      else k.gemv(yp, xp, wp, In, Out);
    } else if (T >= SPLIT_MIN_ROWS && two()) {
      // chunks of 64 rows (gemm's row block), at least 4 of them so a late thread still gets a share
      const rows = Math.min(64, ((Math.ceil(T / 4) + 3) & ~3));
      thread!.split(k, 'gemmRows', [yp, xp, wp, T, In, Out, rows, gemmScratch, biasAt, code]);
      return true;
    } else {
      k.matmul(yp, xp, wp, T, In, Out, gemmScratch);
    }
    return false;
  };

  const mamba2Scan: KernelBackend['mamba2Scan'] = (y, state, x, dt, A, B, C, Dskip, T, H, P, N, G, probe, xStride = H * P) => {
    if (N % 8 !== 0) return ref.mamba2Scan(y, state, x, dt, A, B, C, Dskip, T, H, P, N, G, probe, xStride);
    const run = (s: number, t0: number, t1: number, norm: number) => {
      const n = t1 - t0;
      const copies: number[] = [];
      const xp = read(x.subarray(t0 * xStride, (t1 - 1) * xStride + H * P), copies);
      const dtp = arena.put(dt.subarray(t0 * H, t1 * H));
      const bp = arena.put(B.subarray(t0 * G * N, t1 * G * N));
      const cp = arena.put(C.subarray(t0 * G * N, t1 * G * N));
      const yp = write(y.subarray(t0 * H * P), n * H * P, copies);
      const ap = putF64(A.subarray(0, H));
      const args = [yp, s, xp, dtp, ap, bp, cp, resident(Dskip, H), n, H, P, N, G, xStride, norm && norm + t0 * 4, T] as const;
      // a group of heads' states transposed to (N, P) lives in the gemm scratch while it is
      // scanned: worth its two passes over the states only when several tokens are (one token,
      // decoding: 0.8 → 0.1 ms a layer at H·P·N = 64·64·128)
      const group = scanHeadsPerChunk(H, P, N);
      const st = n > 1 && group * P * N * 4 <= k.gemmScratchBytes() ? gemmScratch : 0;
      if (H > 1 && two() && (n > 1 || H * P * N >= SPLIT_MIN_STATE)) {
        thread!.split(k, 'mamba2Heads', [...args, st, group], n === 1);
      } else {
        k.mamba2Scan(...args, 0, H, st, group);
      }
      done(y.subarray(t0 * H * P), yp, n * H * P, copies);
      for (const at of [dtp, ap, bp, cp]) arena.release(at);
    };
    scanSegments(arena, convert, state, stored.offsetOf(state), H * P * N, T, probe, H * T, run);
  };

  const mamba1Scan: KernelBackend['mamba1Scan'] = (y, state, x, delta, A, B, C, Dskip, T, I, N, probe) => {
    // the norm's channel groups; without a norm, 16 groups as chunks for the two threads
    const group = probe?.normGroup ?? (I % 64 === 0 ? I / 16 : I);
    if (N % 4 !== 0 || I % group !== 0) return ref.mamba1Scan(y, state, x, delta, A, B, C, Dskip, T, I, N, probe);
    const run = (s: number, t0: number, t1: number, norm: number) => {
      const n = t1 - t0;
      const copies: number[] = [];
      const xp = read(x.subarray(t0 * I, t1 * I), copies);
      const dp = read(delta.subarray(t0 * I, t1 * I), copies);
      const bp = arena.put(B.subarray(t0 * N, t1 * N));
      const cp = arena.put(C.subarray(t0 * N, t1 * N));
      const yp = write(y.subarray(t0 * I), n * I, copies);
      const ap = putF64(A.subarray(0, I * N));
      const args = [yp, s, xp, dp, ap, bp, cp, resident(Dskip, I), n, I, N, norm && norm + t0 * 4, T, group] as const;
      if (n > 1 && I / group > 1 && two()) {
        thread!.split(k, 'mamba1Groups', [...args]);
      } else {
        k.mamba1Scan(...args, 0, I);
      }
      done(y.subarray(t0 * I), yp, n * I, copies);
      for (const at of [ap, bp, cp]) arena.release(at);
    };
    scanSegments(arena, convert, state, stored.offsetOf(state), I * N, T, probe, (I / group) * T, run);
  };

  // the channel's gaps cum[t] − cum[s] and its column of Δ, rounded to float32, and A's row copied in
  const mamba1ImplicitTerms: KernelBackend['mamba1ImplicitTerms'] = (row, t, cum, delta, d, dStride, A, B, C, N) => {
    if (N % 4 !== 0) return ref.mamba1ImplicitTerms(row, t, cum, delta, d, dStride, A, B, C, N);
    const S = t + 1;
    const gp = arena.alloc(S * 4), dp = arena.alloc(S * 4), ap = arena.alloc(N * 4);
    const f = arena.f32();
    const ct = cum[t];
    for (let s = 0; s < S; s++) {
      f[(gp >>> 2) + s] = ct - cum[s];
      f[(dp >>> 2) + s] = delta[s * dStride + d];
    }
    for (let n = 0; n < N; n++) f[(ap >>> 2) + n] = A[d * N + n];
    const copies: number[] = [];
    const inputs: number[] = [];
    const rp = read(row.subarray(0, S), copies);
    const bp = read(B.subarray(0, S * N), inputs);
    const cp = read(C.subarray(t * N, (t + 1) * N), inputs);
    k.mamba1ImplicitTerms(rp, gp, dp, ap, bp, cp, S, N);
    done(row, rp, S, copies);
    for (const c of [gp, dp, ap, ...inputs]) arena.release(c);
  };

  const conv1dCausal: KernelBackend['conv1dCausal'] = (out, x, history, w, bias, T, C, K, act, xStride = C) => {
    if (C % 4 !== 0) return ref.conv1dCausal(out, x, history, w, bias, T, C, K, act, xStride);
    const H = K - 1;
    const xo = offset(x);
    // x placed (a projection's columns, prefill): output rows from H on read their K input rows in
    // place; only the first H rows' inputs [history; x's first H rows] are copied (the whole
    // [history; x] was 8.7 MB a Mamba-2 layer at 4k tokens, copied on one thread)
    const inPlace = xo >= 0 && T >= H;
    const head = inPlace ? H : T; // output rows computed from the copied block
    const ext = arena.alloc((H + head) * C * 4); // [history; x's first `head` rows] (H + head, C)
    const f = arena.f32();
    f.set(history.subarray(0, H * C), ext >>> 2);
    const e = (ext >>> 2) + H * C;
    if (xStride === C && xo < 0) f.set(x.subarray(0, head * C), e);
    else if (xo >= 0) k.copyRows(e * 4, xo, head, C, xStride);
    else for (let t = 0; t < head; t++) f.set(x.subarray(t * xStride, t * xStride + C), e + t * C);
    const wT = weights.get(w, `conv ${C}x${K} transposed`, (src) => {
      const t = new Float32Array(K * C); // (K, C)
      for (let c = 0; c < C; c++) for (let j = 0; j < K; j++) t[j * C + c] = src[c * K + j];
      return arena.put(t);
    });
    const copies: number[] = [];
    const op = write(out, T * C, copies);
    const b = bias ? resident(bias, C) : 0, a = act === 'silu' ? 1 : 0;
    const rows = (o: number, input: number, n: number, es: number) => {
      if (rowSplit(n, C)) thread!.split(k, 'conv1dRows', [o, input, wT, b, n, C, K, a, es, ROW_CHUNK]);
      else k.conv1d(o, input, wT, b, n, C, K, a, es);
    };
    rows(op, ext, head, C);
    if (inPlace) rows(op + H * C * 4, xo, T - H, xStride); // output row t reads x rows t-H … t
    done(out, op, T * C, copies);
    // history ← the last H inputs: x's last rows, or with fewer than H tokens the copied block's
    if (inPlace) for (let j = 0; j < H; j++) history.set(x.subarray((T - H + j) * xStride, (T - H + j) * xStride + C), j * C);
    else if (H > 0) arena.get(history, ext + T * C * 4, H * C);
    arena.release(ext);
  };

  const rmsnorm: KernelBackend['rmsnorm'] = (out, x, weight, T, D, eps, groupSize = D) => {
    if (groupSize % 4 !== 0 || D % groupSize !== 0) return ref.rmsnorm(out, x, weight, T, D, eps, groupSize);
    const copies: number[] = [];
    const xp = read(x.subarray(0, T * D), copies);
    const op = write(out, T * D, copies);
    if (rowSplit(T, D)) thread!.split(k, 'rmsnormRows', [op, xp, resident(weight, D), T, D, eps, groupSize, ROW_CHUNK]);
    else k.rmsnorm(op, xp, resident(weight, D), T, D, eps, groupSize);
    done(out, op, T * D, copies);
  };

  const residualAdd: KernelBackend['residualAdd'] = (x, y, T, D, yNorms, xNorms) => {
    if (D % 4 !== 0) return ref.residualAdd(x, y, T, D, yNorms, xNorms);
    const copies: number[] = [];
    const xp = read(x.subarray(0, T * D), copies);
    const yp = read(y.subarray(0, T * D), copies);
    const np = arena.alloc(2 * T * 4); // (yNorms, xNorms)
    if (rowSplit(T, D)) thread!.split(k, 'residualRows', [xp, yp, T, D, np, np + T * 4, ROW_CHUNK]);
    else k.residualAdd(xp, yp, T, D, np, np + T * 4);
    arena.get(yNorms, np, T);
    arena.get(xNorms, np + T * 4, T);
    arena.release(np);
    done(x, xp, T * D, copies);
  };

  const rope: KernelBackend['rope'] = (x, cos, sin, T, heads, hd, half) => {
    if (half % 2 !== 0) return ref.rope(x, cos, sin, T, heads, hd, half);
    const copies: number[] = [];
    const xp = read(x.subarray(0, T * heads * hd), copies);
    const cp = arena.put(cos.subarray(0, T * half));
    const sp = arena.put(sin.subarray(0, T * half));
    k.rope(xp, cp, sp, T, heads, hd, half);
    arena.release(cp);
    arena.release(sp);
    done(x, xp, T * heads * hd, copies);
  };

  const siluGate: KernelBackend['siluGate'] = (y, z, zOffset, zStride, T, I) => {
    if (I % 4 !== 0) return ref.siluGate(y, z, zOffset, zStride, T, I);
    const copies: number[] = [];
    const yp = read(y.subarray(0, T * I), copies);
    const { zp, zs } = zRows(z, zOffset, zStride, T, I, copies);
    if (rowSplit(T, I)) thread!.split(k, 'siluRows', [yp, zp, zs, T, I, ROW_CHUNK]);
    else k.siluGate(yp, zp, zs, T, I);
    done(y, yp, T * I, copies);
  };

  const softplus: KernelBackend['softplus'] = (x, n) => {
    const copies: number[] = [];
    const xp = read(x.subarray(0, n), copies);
    k.softplus(xp, n);
    done(x, xp, n, copies);
  };

  const gatedRmsnorm: KernelBackend['gatedRmsnorm'] = (y, z, zOffset, zStride, weight, T, D, eps, groupSize = D) => {
    if (groupSize % 4 !== 0 || D % groupSize !== 0) return ref.gatedRmsnorm(y, z, zOffset, zStride, weight, T, D, eps, groupSize);
    const copies: number[] = [];
    const yp = read(y.subarray(0, T * D), copies);
    const { zp, zs } = zRows(z, zOffset, zStride, T, D, copies);
    if (rowSplit(T, D)) {
      thread!.split(k, 'gatedRows', [yp, zp, zs, resident(weight, D), T, D, eps, groupSize, ROW_CHUNK]);
    } else {
      k.siluGate(yp, zp, zs, T, D);
      k.rmsnorm(yp, yp, resident(weight, D), T, D, eps, groupSize);
    }
    done(y, yp, T * D, copies);
  };

  const causalAttention: KernelBackend['causalAttention'] = (out, q, kc, vc, scratch, T, past, H, KVH, hd, scaling, onRow, taps) => {
    if (hd % 8 !== 0) return ref.causalAttention(out, q, kc, vc, scratch, T, past, H, KVH, hd, scaling, onRow, taps);
    const S = past + T;
    const kvs = KVH * hd;
    const copies: number[] = [];
    const qp = read(q.subarray(0, T * H * hd), copies);
    const op = write(out, T * H * hd, copies);
    const shape = { T, past, H, KVH, hd, scaling };
    // the caches are append-only: only the new rows are copied (decoding copies one row, not S)
    if (T <= ROW_PATH_MAX) {
      attendRows(k, arena, packedKV.get(kc, vc, S, KVH, hd), { op, qp, scratch: gemmScratch }, shape, scratch, onRow, taps);
    } else {
      const kp = kvRows.get(kc, S, kvs);
      const vp = kvRows.get(vc, S, kvs);
      attendBlocks(k, arena, two() ? thread : undefined, { op, qp, kp, vp, scratch: gemmScratch }, shape, scratch, onRow, taps);
    }
    done(out, op, T * H * hd, copies);
  };

  return {
    ...ref, name: `wasm-${km.flavor}`, flavor: km.flavor, arena, weights, stateFloat32: true,
    matmul, mamba2Scan, mamba1Scan, mamba1ImplicitTerms, causalAttention, conv1dCausal, rmsnorm, gatedRmsnorm, siluGate, softplus, residualAdd, rope,
    placeWeights: stored.place,
    placeState: stored.placeState,
    placeWorking, freeWorking,
    threads: () => (two() ? 2 : 1),
    dispose: () => thread?.stop(),
  };
}
