// What a run captures (CaptureSpec, the one definition the UI, the CLI and traces use) and that spec
// resolved against one run (CapturePlan): focus rows checked, names matched to blocks.
import type { Block } from '../model';

/** What to record. Everything is bounded by `budgetBytes`; what would exceed it is dropped with a notice. */
export interface CaptureSpec {
  /** The default per-layer summaries (records.ts; default true); `attention`, `ssm` and
   *  `states` narrow them (each default true). */
  defaults?: boolean;
  attention?: boolean;
  ssm?: boolean;
  /** Mixture-of-experts routing: the experts each token went to and their weights. */
  moe?: boolean;
  /** Full SSM states at the focus positions. */
  states?: boolean;
  /**
   * Full-resolution captures by name, after the weights: `<block>.attn_probs` (H, T, T),
   * `<block>.ssm_state` (final state), `<block>.output` (T, D) residual stream after the block.
   * `<block>` is e.g. `layers.3.mixer` / `layers.5.self_attn`; `*` matches any layer index.
   */
  names?: string[];
  /** Token positions of interest (query and answer tokens); default: the last token. */
  focus?: number[];
  /** Token spans [start, end) of phonebook entries, for per-entry mass. */
  entries?: [number, number][];
  /** Side of the pooled overview maps, ≤ MAX_POOLED_SIZE (default DEFAULT_POOLED_SIZE). */
  pooledSize?: number;
  /** Mamba-1: channel groups summarised as "heads" (default 16, or the largest divisor of d_inner below it). */
  mamba1Groups?: number;
  /** Byte budget of everything a run keeps (records + what tiles are recomputed from), default 64 MB;
   *  each probe layer may take an equal share of what is left (budget.ts). */
  budgetBytes?: number;
  /** Keep the inputs on-demand tiles are recomputed from (q/k; dt/B/C), default true. */
  keepContext?: boolean;
}

export const DEFAULT_BUDGET_BYTES = 64 * 2 ** 20;
export const MAX_POOLED_SIZE = 512;
/** The pooled maps' side where a spec names none, the app's runs included (the views draw them at about this size; tiles give full resolution). */
export const DEFAULT_POOLED_SIZE = 256;

export interface CapturePlan {
  attention: boolean;
  ssm: boolean;
  moe: boolean;
  states: boolean;
  focus: Int32Array; // sorted, unique, within [0, T)
  entries: [number, number][];
  pooledSize: number;
  mamba1Groups: number;
  budgetBytes: number;
  keepContext: boolean;
  names: string[];
  notices: string[];
}

export function planCapture(spec: CaptureSpec | undefined, T: number): CapturePlan {
  const notices: string[] = [];
  const focusIn = spec?.focus ?? [T - 1];
  const focus = [...new Set(focusIn.filter((t) => Number.isInteger(t) && t >= 0 && t < T))].sort((a, b) => a - b);
  if (focus.length !== new Set(focusIn).size) notices.push(`focus rows outside 0..${T - 1} were ignored`);
  const entries = (spec?.entries ?? []).map(([a, b]) => [Math.max(0, Math.min(a, T)), Math.max(0, Math.min(b, T))] as [number, number]);
  // Probes are recorded only when asked: no spec, no captures beyond the per-token norms.
  const defaults = spec ? spec.defaults ?? true : false;
  const ssm = defaults && (spec?.ssm ?? true);
  return {
    attention: defaults && (spec?.attention ?? true),
    ssm,
    moe: defaults && (spec?.moe ?? true),
    states: ssm && (spec?.states ?? true),
    focus: Int32Array.from(focus),
    entries,
    pooledSize: Math.max(1, Math.min(MAX_POOLED_SIZE, Math.floor(spec?.pooledSize ?? DEFAULT_POOLED_SIZE))),
    mamba1Groups: spec?.mamba1Groups ?? 16,
    budgetBytes: spec?.budgetBytes ?? DEFAULT_BUDGET_BYTES,
    keepContext: spec ? spec.keepContext ?? true : false,
    names: spec?.names ?? [],
    notices,
  };
}

/** Whether `<block.name>.<what>` was requested (with `*` standing for any layer index). */
export function wants(plan: CapturePlan, block: Block, what: string): boolean {
  return wantsNamed(plan, block.name, what);
}

/** Whether `<name>.<what>` was requested: `name` is a block's, or a part's inside a block (`layers.3.self_attn`). */
export function wantsNamed(plan: CapturePlan, name: string, what: string): boolean {
  const full = `${name}.${what}`;
  return plan.names.some((n) => n === full || new RegExp(`^${n.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^.]+')}$`).test(full));
}
