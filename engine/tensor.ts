// A tensor is plain data: a dtype tag, a shape and a row-major Float32Array. No views, no proxies.
export interface Tensor {
  dtype: 'f32';
  shape: number[];
  data: Float32Array;
}

/**
 * A weight matrix kept in the 16-bit precision its checkpoint stores (BF16 or F16), as the bit
 * patterns: the kernels widen it to float32 as they read it (exact: every bfloat16 and every IEEE
 * half is a float32), so a model's memory is about its checkpoint's size.
 */
export interface Weight16 {
  dtype: 'bf16' | 'f16';
  bits: Uint16Array;
}

/** A weight matrix's values as loaded: float32, or 16-bit as stored. */
export type WeightArray = Float32Array | Weight16;

/** Number of values of a weight matrix. */
export function weightLength(w: WeightArray): number {
  return w instanceof Float32Array ? w.length : w.bits.length;
}

/** Number of elements of a shape (1 for a scalar `[]`). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A tensor over `data`, or a zero-filled one of that shape; the length must match the shape. */
export function tensor(shape: number[], data?: Float32Array): Tensor {
  const n = numel(shape);
  if (data && data.length !== n) {
    throw new RangeError(`tensor: shape [${shape.join(', ')}] needs ${n} values, got ${data.length}`);
  }
  return { dtype: 'f32', shape: [...shape], data: data ?? new Float32Array(n) };
}
