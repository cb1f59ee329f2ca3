// What the person is looking at: the inspector tab, the focused token, the inspected block and head.
import type { StateCreator } from 'zustand';
import type { AppState } from './appStore';

export type InspectorTab = 'attention' | 'ssm' | 'experts' | 'recall' | 'ablations' | 'compare' | 'cost';

export interface UiSlice {
  tab: InspectorTab;
  /** Token position in focus (a query / answer row), or null for the default (last prompt token). */
  focusPos: number | null;
  /** Original block index being inspected in the attention / SSM views. */
  inspectBlock: number | null;
  /** Head shown in the attention / SSM views: 0 = mean over heads, h + 1 = head h. */
  head: number;
  toast: { kind: 'info' | 'warning' | 'error'; text: string } | null;
  /** The keyboard shortcuts panel (Help ▸ Keyboard Shortcuts, `?`). */
  helpOpen: boolean;
  setTab(tab: InspectorTab): void;
  focusPosition(pos: number | null): void;
  inspect(block: number | null): void;
  selectHead(h: number): void;
  showToast(kind: 'info' | 'warning' | 'error', text: string): void;
  dismissToast(): void;
  showHelp(open: boolean): void;
}

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set) => ({
  tab: 'attention',
  focusPos: null,
  inspectBlock: null,
  head: 0,
  toast: null,
  helpOpen: false,
  setTab(tab) {
    set({ tab });
  },
  focusPosition(focusPos) {
    set({ focusPos });
  },
  inspect(inspectBlock) {
    set({ inspectBlock, head: 0 });
  },
  selectHead(head) {
    set({ head: Math.max(0, Math.floor(head)) });
  },
  showToast(kind, text) {
    set({ toast: { kind, text } });
  },
  dismissToast() {
    set({ toast: null });
  },
  showHelp(helpOpen) {
    set({ helpOpen });
  },
});
