// Loads the kernel module from the bytes embedded in kernels.generated.ts: no file access, so the
// same code runs in Node, the Electron utility process and a browser Web Worker. The relaxed-SIMD
// build is chosen when the runtime validates it (WebAssembly.validate is the feature test: a runtime
// without relaxed SIMD rejects its opcodes), else the plain SIMD build.
import { relaxedSharedWasm, relaxedWasm, simdSharedWasm, simdWasm } from './kernels.generated';
import { wasmApi, type WasmMemory, type WasmModule } from './wasm-api';

/** The exports of assembly/index.ts; pointers are byte offsets into the imported memory. */
export interface KernelExports {
  packedSize(In: number, Out: number): number;
  packWeights(wp: number, w: number, In: number, Out: number): void;
  packRows(wp: number, w: number, In: number, Out: number, ws: number): void;
  packColumns(wp: number, v: number, S: number, hd: number, vs: number): void;
  matmul(y: number, x: number, wp: number, T: number, In: number, Out: number, scratch: number): void;
  gemm(y: number, x: number, wp: number, T: number, In: number, Out: number, xs: number, ys: number, panelK: number, scratch: number): void;
  /** Bytes of the scratch buffer each thread passes to gemm, matmul and attendBlock. */
  gemmScratchBytes(): number;
  gemv(y: number, x: number, wp: number, In: number, Out: number): void;
  packWeights16(wp: number, w: number, In: number, Out: number): number;
  gemv16(y: number, x: number, wp: number, In: number, Out: number): void;
  /** x (T, In) packed for gemmStoredCols: T·In floats at most. */
  packRowBlocks(xq: number, x: number, T: number, In: number): void;
  /** Columns [j0, j0 + nc) of y; dtype: 0 float32, 1 bfloat16, 2 IEEE half; W (Out, In) row-major
   *  where it is stored; band: C·In floats of scratch per thread. */
  gemmStoredCols(
    y: number, xq: number, x: number, w: number, T: number, In: number, j0: number, nc: number, ys: number, dtype: number,
    band: number, C: number,
  ): void;
  gemvStored(y: number, x: number, w: number, In: number, Out: number, dtype: number): void;
  mamba2Scan(
    y: number, s: number, x: number, dt: number, A: number, B: number, C: number, D: number,
    T: number, H: number, P: number, N: number, G: number, xs: number, norm: number, normStride: number, h0: number,
    h1: number, scratch: number, group: number,
  ): void;
  mamba1Scan(
    y: number, s: number, x: number, delta: number, A: number, B: number, C: number, D: number,
    T: number, I: number, N: number, norm: number, normStride: number, normGroup: number, d0: number, d1: number,
  ): void;
  /** mamba1Scan's two loops, the general N's and N = 16's (which it takes for N = 16): for a test. */
  mamba1ScanAnyN(
    y: number, s: number, x: number, delta: number, A: number, B: number, C: number, D: number,
    T: number, I: number, N: number, norm: number, normStride: number, normGroup: number, d0: number, d1: number,
  ): void;
  mamba1Scan16(
    y: number, s: number, x: number, delta: number, A: number, B: number, C: number, D: number,
    T: number, I: number, norm: number, normStride: number, normGroup: number, d0: number, d1: number,
  ): void;
  softmaxRows(scores: number, R: number, stride: number, first: number, width: number, scaling: number): void;
  attendBlock(
    out: number, scores: number, q: number, kPacked: number, vPacked: number, R: number, hd: number, L: number,
    qs: number, width: number, first: number, scaling: number, os: number, S: number,
    pooled: number, stride: number, PS: number, pos0: number, fresh: number, scratch: number,
  ): void;
  maxInto(dst: number, src: number, n: number): void;
  expApprox(out: number, x: number, n: number): void;
  exp2Approx(out: number, x: number, n: number): void;
  exp2ClampedApprox(out: number, x: number, n: number): void;
  conv1d(out: number, ext: number, wT: number, bias: number, T: number, C: number, K: number, act: number, es: number): void;
  siluGate(y: number, z: number, zs: number, T: number, I: number): void;
  softplus(x: number, n: number): void;
  copyRows(dst: number, src: number, T: number, C: number, stride: number): void;
  mamba1ImplicitTerms(row: number, gap: number, dcol: number, a: number, B: number, ct: number, S: number, N: number): void;
  /** A matmul's epilogue on T rows of Out: y ← act(y + bias); bias 0: none; act: one of the ACT_ codes. */
  finishRows(y: number, bias: number, T: number, Out: number, act: number): void;
  /** finishRows' activation codes, as the module defines them (assembly/elementwise.ts). */
  ACT_NONE: { value: number };
  ACT_RELU2: { value: number };
  ACT_SOFTPLUS: { value: number };
  demote(dst: number, src: number, n: number): void;
  promote(dst: number, src: number, n: number): void;
  rmsnorm(out: number, x: number, w: number, T: number, D: number, eps: number, g: number): void;
  residualAdd(x: number, y: number, T: number, D: number, yn: number, xn: number): void;
  rope(x: number, cos: number, sin: number, T: number, heads: number, hd: number, half: number): void;
}

export type WasmFlavor = 'relaxed' | 'simd';

export interface KernelModule {
  flavor: WasmFlavor;
  /** Built for a shared memory (a second thread can run kernels on it). */
  shared: boolean;
  module: WasmModule;
}

/** Pages a shared memory may grow to (build.mjs --maximumMemory): 4 GiB, all that a 32-bit
 *  memory can address (Node 20 has no memory64 without a flag, nor multi-memory). */
export const SHARED_MAX_PAGES = 65536;

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (with = padding) to bytes; written out because engine/ has neither atob nor Buffer. */
export function decodeBase64(text: string): Uint8Array {
  const lookup = new Uint8Array(128);
  for (let i = 0; i < BASE64.length; i++) lookup[BASE64.charCodeAt(i)] = i;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n = (lookup[text.charCodeAt(i)] << 18) | (lookup[text.charCodeAt(i + 1)] << 12)
      | (lookup[text.charCodeAt(i + 2)] << 6) | lookup[text.charCodeAt(i + 3)];
    if (o < out.length) out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

const BUILDS = {
  relaxed: [relaxedWasm, relaxedSharedWasm],
  simd: [simdWasm, simdSharedWasm],
} as const;

/**
 * The best build this runtime accepts, or null without WebAssembly SIMD. `shared` asks for the
 * shared-memory build, which also needs SharedArrayBuffer (a browser page must be cross-origin
 * isolated for it).
 */
export function pickBuild(prefer?: WasmFlavor, shared = false): { flavor: WasmFlavor; shared: boolean; bytes: Uint8Array } | null {
  const api = wasmApi();
  if (!api) return null;
  if (shared && typeof SharedArrayBuffer === 'undefined') return null;
  const order: WasmFlavor[] = prefer === 'simd' ? ['simd'] : ['relaxed', 'simd'];
  for (const flavor of order) {
    const bytes = decodeBase64(BUILDS[flavor][shared ? 1 : 0]);
    if (api.validate(bytes)) return { flavor, shared, bytes };
  }
  return null;
}

/** Compiles synchronously (fine off the main thread; the module is a few kilobytes). */
export function compileKernels(prefer?: WasmFlavor, shared = false): KernelModule | null {
  const build = pickBuild(prefer, shared);
  return build && { flavor: build.flavor, shared, module: new (wasmApi()!.Module)(build.bytes) };
}

/** Compiles without blocking, for a browser main thread. */
export async function compileKernelsAsync(prefer?: WasmFlavor, shared = false): Promise<KernelModule | null> {
  const build = pickBuild(prefer, shared);
  return build && { flavor: build.flavor, shared, module: await wasmApi()!.compile(build.bytes) };
}

export function instantiateKernels(km: KernelModule, memory: WasmMemory): KernelExports {
  const instance = new (wasmApi()!.Instance)(km.module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
