// Loads the kernel module from the bytes embedded in kernels.generated.ts: no file access, so the
// same code runs in Node, the Electron utility process and a browser Web Worker. The relaxed-SIMD
// build is chosen when the runtime validates it (WebAssembly.validate is the feature test: a runtime
// without relaxed SIMD rejects its opcodes), else the plain SIMD build.
import { relaxedWasm, simdWasm } from './kernels.generated';
import { wasmApi, type WasmMemory, type WasmModule } from './wasm-api';

/** The exports of assembly/index.ts; pointers are byte offsets into the imported memory. */
export interface KernelExports {
  packedSize(In: number, Out: number): number;
  packWeights(wp: number, w: number, In: number, Out: number): void;
  packRows(wp: number, w: number, In: number, Out: number, ws: number): void;
  packColumns(wp: number, v: number, S: number, hd: number, vs: number): void;
  matmul(y: number, x: number, wp: number, T: number, In: number, Out: number): void;
  gemm(y: number, x: number, wp: number, T: number, In: number, Out: number, xs: number, ys: number, panelK: number): void;
  gemv(y: number, x: number, wp: number, In: number, Out: number): void;
  addBias(y: number, bias: number, T: number, Out: number): void;
  mamba2Scan(
    y: number, s: number, x: number, dt: number, A: number, B: number, C: number, D: number,
    T: number, H: number, P: number, N: number, G: number, norm: number, normStride: number,
  ): void;
  mamba1Scan(
    y: number, s: number, x: number, delta: number, A: number, B: number, C: number, D: number,
    T: number, I: number, N: number, norm: number, normStride: number, normGroup: number,
  ): void;
  f64ToF32(dst: number, src: number, n: number): void;
  f32ToF64(dst: number, src: number, n: number): void;
  softmaxRows(scores: number, R: number, stride: number, first: number, width: number, scaling: number): void;
  attendRow(out: number, probs: number, q: number, k: number, v: number, L: number, kvs: number, hd: number, scaling: number): void;
  expApprox(out: number, x: number, n: number): void;
}

export type WasmFlavor = 'relaxed' | 'simd';

export interface KernelModule {
  flavor: WasmFlavor;
  module: WasmModule;
}

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

/** The best build this runtime accepts, or null without WebAssembly SIMD. */
export function pickBuild(prefer?: WasmFlavor): { flavor: WasmFlavor; bytes: Uint8Array } | null {
  const api = wasmApi();
  if (!api) return null;
  const order: WasmFlavor[] = prefer === 'simd' ? ['simd'] : ['relaxed', 'simd'];
  for (const flavor of order) {
    const bytes = decodeBase64(flavor === 'relaxed' ? relaxedWasm : simdWasm);
    if (api.validate(bytes)) return { flavor, bytes };
  }
  return null;
}

/** Compiles synchronously (fine off the main thread; the module is a few kilobytes). */
export function compileKernels(prefer?: WasmFlavor): KernelModule | null {
  const build = pickBuild(prefer);
  return build && { flavor: build.flavor, module: new (wasmApi()!.Module)(build.bytes) };
}

/** Compiles without blocking, for a browser main thread. */
export async function compileKernelsAsync(prefer?: WasmFlavor): Promise<KernelModule | null> {
  const build = pickBuild(prefer);
  return build && { flavor: build.flavor, module: await wasmApi()!.compile(build.bytes) };
}

export function instantiateKernels(km: KernelModule, memory: WasmMemory): KernelExports {
  const instance = new (wasmApi()!.Instance)(km.module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
