// Memory estimates made before allocating: a model that would not fit is refused from its headers,
// a prompt that would not fit is refused before its forward pass, each with the bytes it needs and
// the bytes available. The budget is injected by the host (Node: available memory; a browser: a fixed
// cap); without one, nothing is refused here (config.ts still refuses absurd sizes outright).
import { CheckpointError, InputError } from '../errors';
import type { Block, Mamba2Mixer, Model } from '../model';
import { SMALL_MATRIX_WEIGHTS } from '../kernels/backend';
import { numel } from '../tensor';
import { formatBytes } from './config';
import type { TensorEntry } from './safetensors';

/** A browser tab's practical ceiling when the host knows nothing better (typed arrays live outside
 *  the JS heap, but a tab is killed well before the machine runs out). */
export const BROWSER_CAP_BYTES = 2 * 2 ** 30;

/** Bytes the host can give the engine right now; re-read before every check. */
export type MemoryBudget = () => number;

let budget: MemoryBudget | undefined;

/** Installed once by a host (utility process, Worker, CLI); `undefined` removes it. */
export function setMemoryBudget(b: MemoryBudget | undefined): void {
  budget = b;
}

export function availableBytes(): number | undefined {
  return budget?.();
}

const both = (bytes: number) => `${formatBytes(bytes)} (${Math.round(bytes)} bytes)`;

/** loadModel reads tensors that lie back to back in runs of up to this many bytes (or one larger tensor). */
export const READ_BATCH_BYTES = 16 * 2 ** 20;

/**
 * Peak bytes of loadModel, from the headers alone (before any tensor data is read): matrices in
 * their stored bytes (an F64 one as float32), plus the float32 copy a kernel backend may keep of a
 * small one (SMALL_MATRIX_WEIGHTS); every other tensor as float32; plus the bytes of one read in
 * flight (a run of tensors, or one large tensor, read by its range and then copied into place).
 */
export function estimateLoadBytes(tensors: Iterable<{ entry: TensorEntry }>, matrices: ReadonlySet<string>): number {
  let bytes = 0;
  let largest = 0;
  let all = 0;
  for (const { entry } of tensors) {
    const n = numel(entry.shape);
    const raw = entry.end - entry.begin;
    largest = Math.max(largest, raw);
    all += raw;
    if (!matrices.has(entry.name)) bytes += 4 * n;
    else bytes += (entry.dtype === 'F64' ? 4 * n : raw) + (n <= SMALL_MATRIX_WEIGHTS ? 4 * n : 0);
  }
  return bytes + Math.max(largest, Math.min(all, READ_BATCH_BYTES));
}

/** Where a model too large for this machine can still be explored: a trace captured by PyTorch. */
export const TRACE_HINT = 'capture a trace with PyTorch instead (python -m hybridscope_capture) and open it here';

/** Throws a CheckpointError naming `file` when loading needs more than the host has. */
export function checkLoadFits(file: string, needed: number, available = availableBytes()): void {
  if (available === undefined || needed <= available) return;
  throw new CheckpointError(file, `loading this model needs about ${both(needed)}, but only ${both(available)} are available; ${TRACE_HINT}`);
}

/** float32 values per token a block allocates while it runs (projections, conv, scan, output). */
function transientPerToken(b: Block, D: number): number {
  switch (b.kind) {
    case 'mamba2':
      return mamba2Transient(b.mixer, D);
    case 'parallel': {
      // the Mamba-2 half's output is held while the attention half runs on a scaled copy of the input
      const a = b.mixer.attention;
      return Math.max(mamba2Transient(b.mixer.mamba, D), 2 * D + 2 * a.H * a.hd + 2 * a.KVH * a.hd + 2 + D);
    }
    case 'shared': {
      // [x, x0] and its norm (4D), then the attention, the MLP (gate, up, adapters) and the Mamba-2 in turn
      const a = b.mixer.attention;
      const F = b.mixer.mlp.up_proj.outFeatures;
      return 4 * D + Math.max(2 * a.H * a.hd + 2 * a.KVH * a.hd + 2 + D, 3 * F + 2 * D, mamba2Transient(b.mixer.mamba, D));
    }
    case 'mamba1': {
      const m = b.mixer;
      return m.in_proj.outFeatures + 4 * m.I + m.R + 2 * m.N + D;
    }
    case 'attention': {
      const m = b.mixer;
      return 2 * m.H * m.hd + 2 * m.KVH * m.hd + 2 + D; // q, out, k, v, a float64 score row, o_proj
    }
    case 'mlp': {
      const m = b.mixer;
      return 2 * m.up_proj.outFeatures + (m.gate_proj?.outFeatures ?? 0) + D;
    }
    case 'moe': {
      // router scores, the output, and per expert (at worst every token) its gathered rows and hidden layer
      const m = b.mixer;
      const F = m.experts[0]?.down.inFeatures ?? 0; // gate, up and the hidden layer
      return m.E + D + m.topK * (D + 3 * F + D) + (m.shared ? 3 * m.shared.up_proj.outFeatures + D : 0);
    }
  }
}

/**
 * Bytes a prefill of T tokens holds at its peak: the residual stream (and the embeddings' copy a shared
 * block reads), its normed copy and the final norm's output, every block kind's working buffers (layers/working.ts keeps each role's array for the
 * whole run, so the kinds add up; within a kind the largest block counts), the KV cache of every
 * attention block (kept for generation), the captures (bounded by their budget) and the last row of
 * logits.
 */
export function estimateRunBytes(model: Model, T: number, captureBudgetBytes = 0): number {
  const { D, V } = model.embeddings;
  const byKind = new Map<string, number>();
  let kv = 0;
  for (const b of model.blocks) {
    byKind.set(b.kind, Math.max(byKind.get(b.kind) ?? 0, transientPerToken(b, D)));
    const a = b.kind === 'attention' ? b.mixer : b.kind === 'parallel' || b.kind === 'shared' ? b.mixer.attention : undefined;
    if (a) kv += 2 * a.KVH * a.hd;
  }
  const transient = [...byKind.values()].reduce((sum, n) => sum + n, 0);
  return 4 * T * (4 * D + transient + kv) + captureBudgetBytes + 4 * V;
}

/** Throws an InputError when a prompt of T tokens would not fit in what the host has. */
export function checkRunFits(model: Model, T: number, captureBudgetBytes = 0, available = availableBytes()): void {
  if (available === undefined) return;
  const needed = estimateRunBytes(model, T, captureBudgetBytes);
  if (needed <= available) return;
  throw new InputError(`a prompt of ${T} tokens needs about ${both(needed)} of working memory with this model, but only ${both(available)} are available; use a shorter prompt`);
}

function mamba2Transient(m: Mamba2Mixer, D: number): number {
  return m.in_proj.outFeatures + 2 * m.convDim + 3 * m.I + 2 * m.G * m.N + m.H + D;
}
