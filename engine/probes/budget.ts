// The capture budget: every captured array is charged before it is allocated; what does not fit is
// refused with a notice, so a run never holds more than its budget.
//
// Fair shares: a probe layer (any block but an MLP) may take at most an equal share of what is left
// when it starts — (limit − used) / probe layers left, this one included — so a long prompt on a deep
// model keeps each layer's cheaper arrays instead of every array of its first layers; what a layer
// leaves unused passes to the layers after it. Captures requested by name (`attn_probs`, `ssm_state`,
// `output`) are asked for one by one and are held to the whole budget only.
import { formatBytes } from '../io/config';

export class CaptureBudget {
  used = 0;
  readonly notices: string[] = [];
  private share = Infinity;
  private layerUsed = 0;
  constructor(readonly limit: number) {}

  /** A probe layer starts, with `probeLayersLeft` probe layers (itself included) still to run. */
  beginLayer(probeLayersLeft: number): void {
    this.layerUsed = 0;
    this.share = probeLayersLeft > 0 ? Math.max(0, this.limit - this.used) / probeLayersLeft : Infinity;
  }

  /** Reserve `bytes` for `what`; false (and a notice) if that would exceed the budget or, unless
   *  `named`, this layer's share of it. */
  take(bytes: number, what: string, named = false): boolean {
    if (this.used + bytes > this.limit) {
      this.notices.push(`dropped ${what} (${formatBytes(bytes)}): capture budget ${formatBytes(this.limit)} reached`);
      return false;
    }
    if (!named && this.layerUsed + bytes > this.share) {
      this.notices.push(`dropped ${what} (${formatBytes(bytes)}): over this layer's share of the capture budget (${formatBytes(this.share)} of ${formatBytes(this.limit)})`);
      return false;
    }
    this.used += bytes;
    if (!named) this.layerUsed += bytes;
    return true;
  }

  /** Charge what every run keeps regardless (per-token norms); it still counts against the budget. */
  charge(bytes: number): void {
    this.used += bytes;
  }

  /** Allocate a Float32Array of n values if the budget allows. */
  floats(n: number, what: string, named = false): Float32Array | undefined {
    return this.take(n * 4, what, named) ? new Float32Array(n) : undefined;
  }
}
