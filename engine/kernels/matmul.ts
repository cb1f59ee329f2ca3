// y = x·Wᵀ (+ b), the torch.nn.Linear product. Output first, never allocates.
// JS numbers are doubles, so the dot products accumulate in float64 and round once on store.

/** out (T, Out) = x (T, In) · w (Out, In)ᵀ + bias (Out). */
export function matmul(
  out: Float32Array, x: Float32Array, w: Float32Array, T: number, In: number, Out: number, bias?: Float32Array,
): void {
  const In4 = In - (In % 4);
  for (let t = 0; t < T; t++) {
    const xo = t * In;
    const yo = t * Out;
    for (let o = 0; o < Out; o++) {
      const wo = o * In;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      let i = 0;
      for (; i < In4; i += 4) {
        a0 += x[xo + i] * w[wo + i];
        a1 += x[xo + i + 1] * w[wo + i + 1];
        a2 += x[xo + i + 2] * w[wo + i + 2];
        a3 += x[xo + i + 3] * w[wo + i + 3];
      }
      for (; i < In; i++) a0 += x[xo + i] * w[wo + i];
      out[yo + o] = a0 + a1 + a2 + a3 + (bias ? bias[o] : 0);
    }
  }
}

/** The naive twin: one accumulator, textbook loop order. */
export function matmulRef(
  out: Float32Array, x: Float32Array, w: Float32Array, T: number, In: number, Out: number, bias?: Float32Array,
): void {
  for (let t = 0; t < T; t++) {
    for (let o = 0; o < Out; o++) {
      let acc = bias ? bias[o] : 0;
      for (let i = 0; i < In; i++) acc += x[t * In + i] * w[o * In + i];
      out[t * Out + o] = acc;
    }
  }
}
