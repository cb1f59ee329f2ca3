// Measured generation cost per architecture: ms per generated token and prefill time against
// prompt length, one point per measured run (few, so they live in the store).
import type { StateCreator } from 'zustand';
import type { AppState } from './appStore';

export interface CostPoint {
  series: string;
  promptTokens: number;
  msPerToken: number;
  prefillMs: number;
  /** Bytes the run's SSM states and KV cache hold at the end of the prompt, when known. */
  cacheBytes: number | null;
}

export interface CostSlice {
  costs: CostPoint[];
  costStatus: { running: boolean; done: number; total: number; error: string | null };
  addCost(p: CostPoint): void;
  setCostStatus(s: Partial<CostSlice['costStatus']>): void;
  clearCosts(): void;
}

export const createCostSlice: StateCreator<AppState, [], [], CostSlice> = (set, get) => ({
  costs: [],
  costStatus: { running: false, done: 0, total: 0, error: null },
  addCost(p) {
    // one point per series and length: a re-measurement replaces the old one
    set({ costs: [...get().costs.filter((c) => c.series !== p.series || c.promptTokens !== p.promptTokens), p] });
  },
  setCostStatus(s) {
    set({ costStatus: { ...get().costStatus, ...s } });
  },
  clearCosts() {
    set({ costs: [] });
  },
});
