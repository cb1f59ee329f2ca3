// A CaptureSpec resolved against one run: focus rows checked, names matched to blocks.
import type { Block } from '../model';
import type { CaptureSpec } from './types';
import { DEFAULT_BUDGET_BYTES, MAX_POOLED_SIZE } from './types';

export interface CapturePlan {
  defaults: boolean;
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
  return {
    // Probes are recorded only when asked: no spec, no captures beyond the per-token norms.
    defaults: spec ? spec.defaults ?? true : false,
    focus: Int32Array.from(focus),
    entries,
    pooledSize: Math.max(1, Math.min(MAX_POOLED_SIZE, Math.floor(spec?.pooledSize ?? MAX_POOLED_SIZE))),
    mamba1Groups: spec?.mamba1Groups ?? 16,
    budgetBytes: spec?.budgetBytes ?? DEFAULT_BUDGET_BYTES,
    keepContext: spec ? spec.keepContext ?? true : false,
    names: spec?.names ?? [],
    notices,
  };
}

/** Whether `<block.name>.<what>` was requested (with `*` standing for any layer index). */
export function wants(plan: CapturePlan, block: Block, what: string): boolean {
  const full = `${block.name}.${what}`;
  return plan.names.some((n) => n === full || new RegExp(`^${n.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^.]+')}$`).test(full));
}
