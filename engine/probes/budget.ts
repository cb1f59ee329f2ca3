// The capture budget: every captured array is charged before it is allocated; what does not fit is
// refused with a notice, so a run never holds more than its budget.
import { formatBytes } from '../io/config';

export class CaptureBudget {
  used = 0;
  readonly notices: string[] = [];
  constructor(readonly limit: number) {}

  /** Reserve `bytes` for `what`; false (and a notice) if that would exceed the budget. */
  take(bytes: number, what: string): boolean {
    if (this.used + bytes > this.limit) {
      this.notices.push(`dropped ${what} (${formatBytes(bytes)}): capture budget ${formatBytes(this.limit)} reached`);
      return false;
    }
    this.used += bytes;
    return true;
  }

  /** Charge what every run keeps regardless (per-token norms); it still counts against the budget. */
  charge(bytes: number): void {
    this.used += bytes;
  }

  /** Allocate a Float32Array of n values if the budget allows. */
  floats(n: number, what: string): Float32Array | undefined {
    return this.take(n * 4, what) ? new Float32Array(n) : undefined;
  }
}
