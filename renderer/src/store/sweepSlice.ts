// Recall sweeps (accuracy vs book length for several models/layouts). Points are few (series ×
// lengths), so they live in the store directly.
import type { StateCreator } from 'zustand';
import type { AppState } from './appStore';

export interface SweepSeries { key: string; modelId: string; modelName: string; layout: string }

export interface CurvePoint {
  series: string;
  entries: number;
  /** Target depth 0–1 (a depth × length grid has several per series and length). */
  depth?: number;
  meanTokens: number;
  samples: number;
  accuracy: number;
  digitAccuracy: number;
  /** Digits right in the wrong answers only; null when none was wrong, absent on older points. */
  wrongDigitAccuracy?: number | null;
  /** A bundled model's shipped evaluation (eval.json), drawn faintly beside the sweeps. */
  reference?: boolean;
  /** Shares of the wrong answers that are another entry's number / another entry sharing a name
   *  with the target (app/protocol.ts); null when none was wrong, absent on points made without them. */
  wrongOtherEntry?: number | null;
  wrongSameName?: number | null;
}

export interface SweepMeta {
  id: number;
  series: SweepSeries[];
  entries: number[];
  samples: number;
  /** The books where they differ from the prompt panel's (actions/sweeps.ts SweepBooks): how a view
   *  tells its own sweeps (the ablation table's re-measures) from the rest. */
  books?: { depths: (number | null)[]; format?: string; variant?: string; seed?: number; fewShot?: number };
  status: 'running' | 'done' | 'cancelled' | 'error';
  done: number;
  total: number;
  error: string | null;
  points: CurvePoint[];
}

export interface SweepSlice {
  sweeps: Record<number, SweepMeta>;
  currentSweepId: number | null;
  startSweep(meta: Omit<SweepMeta, 'status' | 'done' | 'error' | 'points'>): void;
  sweepProgress(id: number, done: number, total?: number): void;
  sweepPoint(id: number, point: CurvePoint): void;
  finishSweep(id: number, status: 'done' | 'cancelled' | 'error', error?: string): void;
}

export const createSweepSlice: StateCreator<AppState, [], [], SweepSlice> = (set, get) => {
  const patch = (id: number, f: (s: SweepMeta) => Partial<SweepMeta>) => {
    const s = get().sweeps[id];
    if (s) set({ sweeps: { ...get().sweeps, [id]: { ...s, ...f(s) } } });
  };
  return {
    sweeps: {},
    currentSweepId: null,
    startSweep(meta) {
      set({
        sweeps: { ...get().sweeps, [meta.id]: { ...meta, status: 'running', done: 0, error: null, points: [] } },
        currentSweepId: meta.id,
      });
    },
    sweepProgress(id, done, total) {
      patch(id, (s) => ({ done, total: total ?? s.total }));
    },
    sweepPoint(id, point) {
      patch(id, (s) => ({
        // one point per (series, entries, depth): a later point replaces an earlier one
        points: [...s.points.filter((p) => p.series !== point.series || p.entries !== point.entries || p.depth !== point.depth), point],
      }));
    },
    finishSweep(id, status, error) {
      patch(id, () => ({ status, error: error ?? null }));
    },
  };
};
