// One zustand store composed of slices split by concern. `createAppStore`
// makes a fresh vanilla store (tests); `useApp` reads the app's single instance from React.
import { createStore, useStore } from 'zustand';
import { createCostSlice, type CostSlice } from './costSlice';
import { createLayoutSlice, type LayoutSlice } from './layoutSlice';
import { createModelSlice, type ModelSlice } from './modelSlice';
import { createPromptSlice, type PromptSlice } from './promptSlice';
import { createRunSlice, type RunSlice } from './runSlice';
import { createSweepSlice, type SweepSlice } from './sweepSlice';
import { createUiSlice, type UiSlice } from './uiSlice';

export type AppState = ModelSlice & LayoutSlice & PromptSlice & RunSlice & SweepSlice & UiSlice & CostSlice;

export function createAppStore() {
  return createStore<AppState>()((...a) => ({
    ...createModelSlice(...a),
    ...createLayoutSlice(...a),
    ...createPromptSlice(...a),
    ...createRunSlice(...a),
    ...createSweepSlice(...a),
    ...createUiSlice(...a),
    ...createCostSlice(...a),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;

export const appStore = createAppStore();

export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}
