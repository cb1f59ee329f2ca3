// The prompt the next run uses: a phonebook spec (seeded, deterministic) or free text.
import type { StateCreator } from 'zustand';
import type { PhonebookFormat, PhonebookVariant } from '../../../engine';
import type { AppState } from './appStore';

export interface PhonebookControls {
  entries: number;
  format: PhonebookFormat;
  variant: PhonebookVariant;
  /** Target depth in the book, 0 (first entry) … 1 (last entry). */
  depth: number;
  seed: number;
  /** Few-shot example look-ups before the query (the study uses 2). */
  fewShot: number;
}

export const defaultControls: PhonebookControls = { entries: 40, format: 'bare', variant: 'standard', depth: 0.5, seed: 1, fewShot: 2 };

export const ENTRY_LIMITS = { min: 1, max: 2000 } as const;

export interface PromptSlice {
  promptMode: 'phonebook' | 'text';
  spec: PhonebookControls;
  freeText: string;
  maxNewTokens: number;
  setPromptMode(mode: 'phonebook' | 'text'): void;
  updateSpec(patch: Partial<PhonebookControls>): void;
  reseed(): void;
  setFreeText(text: string): void;
  setMaxNewTokens(n: number): void;
}

export const createPromptSlice: StateCreator<AppState, [], [], PromptSlice> = (set, get) => ({
  promptMode: 'phonebook',
  spec: defaultControls,
  freeText: '',
  maxNewTokens: 12,
  setPromptMode(promptMode) {
    set({ promptMode });
  },
  updateSpec(patch) {
    set({ spec: clampSpec({ ...get().spec, ...patch }) });
  },
  reseed() {
    set({ spec: { ...get().spec, seed: get().spec.seed + 1 } });
  },
  setFreeText(freeText) {
    set({ freeText });
  },
  setMaxNewTokens(n) {
    set({ maxNewTokens: Math.max(1, Math.min(256, Math.round(n) || 1)) });
  },
});

export function clampSpec(s: PhonebookControls): PhonebookControls {
  const entries = Math.round(Number.isFinite(s.entries) ? s.entries : defaultControls.entries);
  return {
    ...s,
    entries: Math.max(ENTRY_LIMITS.min, Math.min(ENTRY_LIMITS.max, entries)),
    depth: Math.max(0, Math.min(1, Number.isFinite(s.depth) ? s.depth : 0.5)),
    seed: Math.max(0, Math.floor(Number.isFinite(s.seed) ? s.seed : 0)),
    fewShot: Math.max(0, Math.min(8, Math.round(Number.isFinite(s.fewShot) ? s.fewShot : 2))),
  };
}
