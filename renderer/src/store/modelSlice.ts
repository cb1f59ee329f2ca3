// Which model is open, and the bundled catalog. Only small summaries live here (no weights).
import type { StateCreator } from 'zustand';
import type { CatalogEntry, ModelEvaluation, ModelRef, ModelSummary, PlannedVariant } from '../../../app/protocol';
import type { AppState } from './appStore';
import { freshLayout } from './layoutSlice';
import type { LayoutItem } from './layoutEdits';

export type { CatalogEntry, ModelEvaluation, ModelSummary, PlannedVariant };

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface ModelSlice {
  catalog: CatalogEntry[];
  catalogStatus: LoadStatus | 'missing';
  /** Ablation variants planned but not trained yet (the manifest's `planned`): rows without numbers. */
  planned: PlannedVariant[];
  model: ModelSummary | null;
  modelStatus: LoadStatus;
  modelError: string | null;
  /** Name of what is being opened, for the loading state. */
  opening: string | null;
  /** The trace file shown instead of a model (read-only: no runs, no layout edits), or null. */
  trace: string | null;
  /** The bundled models' shipped evaluations (asked for when a view needs them), by catalog order. */
  evaluations: ModelEvaluation[];
  evaluationsStatus: LoadStatus;
  setEvaluations(models: ModelEvaluation[] | null, status: LoadStatus): void;
  setCatalog(models: CatalogEntry[] | null, error?: string, planned?: PlannedVariant[]): void;
  startOpeningModel(name: string): void;
  openedModel(model: ModelSummary): void;
  failedOpeningModel(error: string): void;
  /** A trace's model and layout (from its header) take the strip; `items` is the layout it ran. */
  openedTrace(file: string, model: ModelSummary, items: LayoutItem[]): void;
}

export const createModelSlice: StateCreator<AppState, [], [], ModelSlice> = (set, get) => ({
  catalog: [],
  catalogStatus: 'idle',
  planned: [],
  model: null,
  modelStatus: 'idle',
  modelError: null,
  opening: null,
  trace: null,
  evaluations: [],
  evaluationsStatus: 'idle',
  setEvaluations(models, evaluationsStatus) {
    set({ evaluationsStatus, ...(models ? { evaluations: models } : {}) });
  },
  setCatalog(models, error, planned = []) {
    if (models) set({ catalog: models, catalogStatus: 'ready', planned });
    else set({ catalog: [], catalogStatus: error ? 'error' : 'missing', planned: [] });
  },
  startOpeningModel(name) {
    set({ modelStatus: 'loading', opening: name, modelError: null });
  },
  openedModel(model) {
    // model/info comes twice (headers, then weights): keep the edits when it is the same model
    const prev = get().model;
    const same = prev && modelKey(prev.ref) === modelKey(model.ref) && prev.layout === model.layout;
    // one update: no subscriber (the autosave reads the layout string) may see the new model with
    // the previous model's blocks
    const keep = same && !get().trace;
    set({ model, trace: null, modelStatus: 'ready', opening: null, modelError: null, ...(keep ? {} : freshLayout(model.layers)) });
  },
  openedTrace(trace, model, items) {
    set({ model, trace, modelStatus: 'ready', opening: null, modelError: null, ...freshLayout(model.layers), items });
  },
  failedOpeningModel(error) {
    set({ modelStatus: 'error', opening: null, modelError: error });
  },
});

/** A stable key for a model reference: `bundled:<id>` or `folder:<name>`. */
export function modelKey(ref: ModelRef): string {
  return ref.kind === 'bundled' ? `bundled:${ref.id}` : `folder:${ref.name}`;
}
