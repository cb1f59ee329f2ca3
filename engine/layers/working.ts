// Working arrays that are reused from one layer to the next instead of allocated per call. A fresh
// multi-megabyte Float32Array is zero pages that fault in on first write (and garbage afterwards):
// at 4,000 tokens a prefill allocated ~270 MB of intermediates that never outlive the call that
// made them (projections, the conv's input and output, the scan's output before gating, the MLP's
// hidden layer, each block's normed input). Only such arrays come from here: every user takes its
// array by role, fills it and is done with it before it returns, never yields in between, and
// never stores it in a capture, a cache or a result (a callback may read it during the call). Views
// are only valid until the role's next use. One exception, the mixers' outputs ('… output'): a
// mixer returns it, and its caller is done with it before that mixer kind runs again (a block adds
// it to the stream at once; a compound block combines its parts' first).
// Each fresh megabyte cost ~0.45 ms of page faults here: the transformer's q and its two outputs a
// layer were ~10 ms of a 1k prefill.

import { kernels, type KernelBackend } from '../kernels/backend';

/** Every role there is: one array each, so two users of one role would alias (a typo cannot). */
export type WorkingRole =
  | 'block input'
  | 'attention q' | 'attention k' | 'attention v' | 'attention out' | 'attention output'
  | 'mamba1 in_proj' | 'mamba1 x' | 'mamba1 y' | 'mamba1 output'
  | 'mamba2 in_proj' | 'mamba2 conv out' | 'mamba2 y' | 'mamba2 output'
  | 'mlp gate' | 'mlp up' | 'mlp output';

// Where the kernel backend can place them in its own memory (placeWorking: the wasm backend), the
// kernels read and write them there without copies in and out; the backend that placed an array
// takes it back.

/** A role's array and the backend that placed it, if one did. */
const pool = new Map<WorkingRole, { a: Float32Array; from?: KernelBackend }>();

/** n floats for `role` (contents undefined: the caller overwrites them all). */
export function working(role: WorkingRole, n: number): Float32Array {
  const be = kernels();
  let held = pool.get(role);
  if (!held || held.a.length < n || (held.from !== undefined && held.from !== be)) {
    if (held) free(held);
    const placed = be.placeWorking?.(n);
    held = placed ? { a: placed, from: be } : { a: new Float32Array(n) };
    pool.set(role, held);
  }
  return held.a.subarray(0, n);
}

function free(held: { a: Float32Array; from?: KernelBackend }): void {
  held.from?.freeWorking?.(held.a);
}

/** Lets the arrays go (after a run, so a long prompt's buffers are not held while idle). */
export function releaseWorking(): void {
  for (const held of pool.values()) free(held);
  pool.clear();
}
