// Which model is open, and the bundled catalog. Only small summaries live here (no weights).
import type { StateCreator } from 'zustand';
import type { CatalogEntry, ModelRef, ModelSummary } from '../../../app/protocol';
import type { AppState } from './appStore';
import { freshLayout } from './layoutSlice';

export type { CatalogEntry, ModelSummary };

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface ModelSlice {
  catalog: CatalogEntry[];
  catalogStatus: LoadStatus | 'missing';
  model: ModelSummary | null;
  modelStatus: LoadStatus;
  modelError: string | null;
  /** Name of what is being opened, for the loading state. */
  opening: string | null;
  setCatalog(models: CatalogEntry[] | null, error?: string): void;
  startOpeningModel(name: string): void;
  openedModel(model: ModelSummary): void;
  failedOpeningModel(error: string): void;
}

export const createModelSlice: StateCreator<AppState, [], [], ModelSlice> = (set, get) => ({
  catalog: [],
  catalogStatus: 'idle',
  model: null,
  modelStatus: 'idle',
  modelError: null,
  opening: null,
  setCatalog(models, error) {
    if (models) set({ catalog: models, catalogStatus: 'ready' });
    else set({ catalog: [], catalogStatus: error ? 'error' : 'missing' });
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
    set({ model, modelStatus: 'ready', opening: null, modelError: null, ...(same ? {} : freshLayout(model.layers)) });
  },
  failedOpeningModel(error) {
    set({ modelStatus: 'error', opening: null, modelError: error });
  },
});

/** A stable key for a model reference: `bundled:<id>` or `folder:<name>`. */
export function modelKey(ref: ModelRef): string {
  return ref.kind === 'bundled' ? `bundled:${ref.id}` : `folder:${ref.name}`;
}
