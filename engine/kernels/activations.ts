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
