// Dense matrices to pixels: one RGBA pixel per cell through a 256-entry colour LUT. Output first,
// no allocation, so zoom and streaming can repaint into the same buffer.
import { lutIndex } from './scales';

/** data (rows, cols) row-major → out (rows·cols·4) RGBA. */
export function paintMatrix(out: Uint8ClampedArray, data: ArrayLike<number>, rows: number, cols: number, lo: number, hi: number, lut: Uint8ClampedArray): void {
  const n = rows * cols;
  if (out.length < n * 4) throw new RangeError(`paintMatrix: out holds ${out.length / 4} pixels, need ${n}`);
  const scale = hi > lo ? 255.999 / (hi - lo) : 0;
  for (let i = 0; i < n; i++) {
    const v = data[i];
    const k = (v > lo ? (v >= hi ? 255 : ((v - lo) * scale) | 0) : 0) * 4;
    const o = i * 4;
    out[o] = lut[k];
    out[o + 1] = lut[k + 1];
    out[o + 2] = lut[k + 2];
    out[o + 3] = 255;
  }
}

/**
 * data (rows, cols) → out (W·H·4) RGBA at the displayed size, each pixel the cell under its centre
 * (nearest, as drawImage without smoothing): a 4k-token heads × tokens map paints ~W·H pixels
 * straight into the canvas instead of a rows × cols bitmap scaled by drawImage.
 */
export function paintMatrixScaled(out: Uint8ClampedArray, W: number, H: number, data: ArrayLike<number>, rows: number, cols: number, lo: number, hi: number, lut: Uint8ClampedArray): void {
  if (out.length < W * H * 4) throw new RangeError(`paintMatrixScaled: out holds ${out.length / 4} pixels, need ${W * H}`);
  const scale = hi > lo ? 255.999 / (hi - lo) : 0;
  const colOf = new Int32Array(W);
  for (let x = 0; x < W; x++) colOf[x] = Math.min(cols - 1, Math.floor(((x + 0.5) * cols) / W));
  for (let y = 0; y < H; y++) {
    const src = Math.min(rows - 1, Math.floor(((y + 0.5) * rows) / H)) * cols;
    let o = y * W * 4;
    for (let x = 0; x < W; x++, o += 4) {
      const v = data[src + colOf[x]];
      const k = (v > lo ? (v >= hi ? 255 : ((v - lo) * scale) | 0) : 0) * 4;
      out[o] = lut[k];
      out[o + 1] = lut[k + 1];
      out[o + 2] = lut[k + 2];
      out[o + 3] = 255;
    }
  }
}

/** The naive twin of paintMatrixScaled: the cell under each pixel's centre, through lutIndex. */
export function paintMatrixScaledRef(out: Uint8ClampedArray, W: number, H: number, data: ArrayLike<number>, rows: number, cols: number, lo: number, hi: number, lut: Uint8ClampedArray): void {
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const r = Math.min(rows - 1, Math.floor(((y + 0.5) / H) * rows));
      const c = Math.min(cols - 1, Math.floor(((x + 0.5) / W) * cols));
      const k = lutIndex(data[r * cols + c], lo, hi) * 4;
      out.set([lut[k], lut[k + 1], lut[k + 2], 255], (y * W + x) * 4);
    }
  }
}

/** The naive twin: per-cell lutIndex, used by the agreement test. */
export function paintMatrixRef(out: Uint8ClampedArray, data: ArrayLike<number>, rows: number, cols: number, lo: number, hi: number, lut: Uint8ClampedArray): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const k = lutIndex(data[r * cols + c], lo, hi) * 4;
      out.set([lut[k], lut[k + 1], lut[k + 2], 255], (r * cols + c) * 4);
    }
  }
}

/** One plane of a (A, B, C) tensor: rows = B, cols = C at index a. */
export function plane(data: Float32Array, shape: readonly number[], a: number): Float32Array {
  const [, B, C] = shape;
  return data.subarray(a * B * C, (a + 1) * B * C);
}

/** Mean over the leading axis of (A, B, C) → (B, C). */
export function meanPlane(data: Float32Array, shape: readonly number[]): Float32Array {
  const [A, B, C] = shape;
  const out = new Float32Array(B * C);
  for (let a = 0; a < A; a++) {
    const p = data.subarray(a * B * C, (a + 1) * B * C);
    for (let i = 0; i < out.length; i++) out[i] += p[i] / A;
  }
  return out;
}
