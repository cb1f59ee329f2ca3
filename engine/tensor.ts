// A tensor is plain data: a dtype tag, a shape and a row-major Float32Array. No views, no proxies.
export interface Tensor {
  dtype: 'f32';
  shape: number[];
  data: Float32Array;
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
