// Elementwise activations as transformers defines them.

export function silu(x: number): number {
  return x / (1 + Math.exp(-x));
}

/** torch.nn.functional.softplus with its default threshold 20 (linear above it). */
export function softplus(x: number): number {
  return x > 20 ? x : Math.log1p(Math.exp(x));
}

/** In place: x[0 … n) = softplus(x) (Mamba-1's Δ). */
export function softplusInPlace(x: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) x[i] = softplus(x[i]);
}

/** In place: x = silu(x). */
export function siluInPlace(x: Float32Array): void {
  for (let i = 0; i < x.length; i++) x[i] = silu(x[i]);
}

/** In place: y (T, I) ⊙= silu(z), z read at row stride zStride from offset zOffset (the gate of both Mamba mixers). */
export function siluGate(y: Float32Array, z: Float32Array, zOffset: number, zStride: number, T: number, I: number): void {
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < I; i++) y[t * I + i] *= silu(z[t * zStride + zOffset + i]);
  }
}

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * The error function to ~1e-13 relative: its Maclaurin series below |x| = 3 (terms grow to e^9, so
 * ~4 of 16 digits go to cancellation), and above it 1 − erfc(x) with erfc's continued fraction
 * (Abramowitz & Stegun 7.1.14, evaluated from the tail), where erfc < 2.3e-5.
 */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 3) {
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * sum;
  }
  // erfc(a) = exp(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + …)))))
  let f = a;
  for (let n = 60; n >= 1; n--) f = a + n / 2 / f;
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  return x > 0 ? 1 - erfc : erfc - 1;
}

/** GELU with the exact erf, as torch.nn.functional.gelu (approximate='none'): x · Φ(x). */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}
