// Elementwise activations as transformers defines them.

export function silu(x: number): number {
  return x / (1 + Math.exp(-x));
}

/** torch.nn.functional.softplus with its default threshold 20 (linear above it). */
export function softplus(x: number): number {
  return x > 20 ? x : Math.log1p(Math.exp(x));
}

/** In place: x = silu(x). */
export function siluInPlace(x: Float32Array): void {
  for (let i = 0; i < x.length; i++) x[i] = silu(x[i]);
}
