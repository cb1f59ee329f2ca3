// Runs as small metadata keyed by run id. The records themselves (typed arrays) live in
// cache/runCache.ts; `version` bumps when a record lands so views re-read the cache.
import type { StateCreator } from 'zustand';
import type { AppState } from './appStore';
import type { PhonebookControls } from './promptSlice';

export type RunStatus = 'running' | 'done' | 'cancelled' | 'error';

export interface RunMeta {
  id: number;
  /** modelKey() of the model run. */
  modelId: string;
  modelName: string;
  /** Layout string actually run, and the original block indices behind it. */
  layout: string;
  blocks: number[];
  spec: PhonebookControls | null;
  /** Free-text prompts: the text (to match a baseline on the same prompt). */
  promptText?: string;
  status: RunStatus;
  phase: 'prefill' | 'generate' | 'done';
  layersDone: number;
  layersTotal: number;
  tokensGenerated: number;
  startedAt: number;
  /** ms from Run to the first layer record arriving (target ≤ 150 ms, bench/README.md). */
  firstRecordMs: number | null;
  error: string | null;
  notices: string[];
  version: number;
  /** A run read from a trace file: nothing the engine computes (tiles, states) can be asked of it. */
  source?: 'trace';
  /** The trace file's name, for a run read from one. */
  trace?: string;
}

export interface RunSlice {
  runs: Record<number, RunMeta>;
  runOrder: number[];
  currentRunId: number | null;
  baselineRunId: number | null;
  /** A new run, made the current one unless `current` is false (a trace opened as the baseline). */
  startRun(meta: Omit<RunMeta, 'status' | 'phase' | 'layersDone' | 'tokensGenerated' | 'firstRecordMs' | 'error' | 'notices' | 'version'>, current?: boolean): void;
  recordArrived(id: number, layersDone: number, now: number): void;
  tokenArrived(id: number, tokensGenerated: number): void;
  finishRun(id: number, status: Exclude<RunStatus, 'running'>, error?: string): void;
  addRunNotice(id: number, notice: string): void;
  setBaseline(id: number | null): void;
  selectRun(id: number): void;
}

export const createRunSlice: StateCreator<AppState, [], [], RunSlice> = (set, get) => {
  const patch = (id: number, p: Partial<RunMeta>) => {
    const r = get().runs[id];
    if (r) set({ runs: { ...get().runs, [id]: { ...r, ...p, version: r.version + 1 } } });
  };
  return {
    runs: {},
    runOrder: [],
    currentRunId: null,
    baselineRunId: null,
    startRun(meta, current = true) {
      const run: RunMeta = {
        ...meta, status: 'running', phase: 'prefill', layersDone: 0, tokensGenerated: 0,
        firstRecordMs: null, error: null, notices: [], version: 0,
      };
      set({ runs: { ...get().runs, [run.id]: run }, runOrder: [...get().runOrder, run.id], currentRunId: current ? run.id : get().currentRunId });
    },
    recordArrived(id, layersDone, now) {
      const r = get().runs[id];
      if (!r) return;
      patch(id, { layersDone, firstRecordMs: r.firstRecordMs ?? now - r.startedAt, phase: layersDone >= r.layersTotal ? 'generate' : 'prefill' });
    },
    tokenArrived(id, tokensGenerated) {
      patch(id, { tokensGenerated, phase: 'generate' });
    },
    finishRun(id, status, error) {
      patch(id, { status, phase: 'done', error: error ?? null });
    },
    addRunNotice(id, notice) {
      const r = get().runs[id];
      if (r) patch(id, { notices: [...r.notices, notice] });
    },
    setBaseline(baselineRunId) {
      set({ baselineRunId });
    },
    selectRun(currentRunId) {
      if (get().runs[currentRunId]) set({ currentRunId });
    },
  };
};

export function isRunning(r: RunMeta | undefined | null): boolean {
  return r?.status === 'running';
}
