// 16-bit weights to float32, exactly, for the JS side: embedding rows, the reference matmul's row
// tiles, a backend's float32 copy of a small matrix. bfloat16 is the top half of a float32 (a shift);
// an IEEE half goes through a 65,536-entry table (256 KB, made on first use) of halfToFloat.
import type { WeightArray } from '../tensor';

let halfTable: Float32Array | undefined;

/** IEEE 754 binary16 to number, including subnormals, infinities and NaN. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function halves(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloat(h);
  }
  return halfTable;
}

/** out[at … at + n) ← values [start, start + n) of w as float32. */
export function widen(out: Float32Array, at: number, w: WeightArray, start: number, n: number): void {
  if (w instanceof Float32Array) {
    out.set(w.subarray(start, start + n), at);
    return;
  }
  const src = w.bits;
  if (w.dtype === 'f16') {
    const table = halves();
    for (let i = 0; i < n; i++) out[at + i] = table[src[start + i]];
    return;
  }
  // a bfloat16's bits are a float32's upper half
  const bits = new Uint32Array(out.buffer, out.byteOffset + 4 * at, n);
  for (let i = 0; i < n; i++) bits[i] = src[start + i] << 16;
}

/** All of w as a fresh Float32Array. */
export function widened(w: WeightArray): Float32Array {
  if (w instanceof Float32Array) return w.slice();
  const out = new Float32Array(w.bits.length);
  widen(out, 0, w, 0, w.bits.length);
  return out;
}
