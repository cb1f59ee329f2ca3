// Rotary position embedding (RoFormer, https://arxiv.org/abs/2104.09864) as transformers' llama
// applies it: rotate_half pairs channel i with channel i + half of each head. The angles' cos and
// sin come in (layers/attention.ts makes them, float32-rounded as transformers does).

/**
 * In place on x (T, heads, hd): for i < half, (x_i, x_{i+half}) ← (x_i·cos − x_{i+half}·sin,
 * x_{i+half}·cos + x_i·sin) with cos, sin (T, half) of each token's angle; channels from 2·half on
 * pass through. Each value is computed in float64 and rounded once to float32.
 */
export function rope(x: Float32Array, cos: Float32Array, sin: Float32Array, T: number, heads: number, hd: number, half: number): void {
  for (let t = 0; t < T; t++) {
    const c = t * half;
    for (let h = 0; h < heads; h++) {
      const o = (t * heads + h) * hd;
      for (let i = 0; i < half; i++) {
        const a = x[o + i];
        const b = x[o + i + half];
        x[o + i] = a * cos[c + i] - b * sin[c + i];
        x[o + i + half] = b * cos[c + i] + a * sin[c + i];
      }
    }
  }
}
