// The edited layout of the open model, with undo/redo. Every edit is a named action that pushes
// the previous items on the undo stack; a typed layout string is validated before it applies.
import type { StateCreator } from 'zustand';
import type { AppState } from './appStore';
import {
  duplicateItem, identityItems, itemsFromText, moveItem, removeItem, swapItems, toggleDrop,
  type LayoutItem, type OriginalBlock,
} from './layoutEdits';

const HISTORY_LIMIT = 200;

/** What a layout edit or Run says while a trace is shown. */
export const TRACE_READ_ONLY = 'A trace is read-only: editing the layout or running needs the model itself (open it from the model picker).';

export interface LayoutSlice {
  items: LayoutItem[];
  past: LayoutItem[][];
  future: LayoutItem[][];
  /** Selected slot in the strip (index into items), or null. */
  selectedSlot: number | null;
  layoutError: string | null;
  resetLayout(blocks: readonly OriginalBlock[]): void;
  moveBlock(from: number, to: number): void;
  toggleDropBlock(slot: number): void;
  duplicateBlock(slot: number): void;
  removeBlock(slot: number): void;
  swapBlocks(a: number, b: number): void;
  setLayoutText(text: string): boolean;
  restoreOriginalLayout(): void;
  undo(): void;
  redo(): void;
  selectSlot(slot: number | null): void;
}

/** The layout state of a model just opened: its own blocks in order, no history. */
export function freshLayout(blocks: readonly OriginalBlock[]): Pick<LayoutSlice, 'items' | 'past' | 'future' | 'selectedSlot' | 'layoutError'> {
  return { items: identityItems(blocks), past: [], future: [], selectedSlot: null, layoutError: null };
}

export const createLayoutSlice: StateCreator<AppState, [], [], LayoutSlice> = (set, get) => {
  const commit = (next: LayoutItem[]) => {
    const { items, past } = get();
    if (sameItems(items, next)) return;
    // a trace records one layout; another one needs the model itself to run
    if (get().trace) {
      set({ layoutError: TRACE_READ_ONLY });
      return;
    }
    // dropping the last running block, or removing the running copy of one whose other copies are
    // dropped, would leave nothing to run
    if (next.every((it) => it.dropped)) {
      set({ layoutError: 'at least one block must stay in the model' });
      return;
    }
    set({ items: next, past: [...past, items].slice(-HISTORY_LIMIT), future: [], layoutError: null });
  };
  return {
    items: [],
    past: [],
    future: [],
    selectedSlot: null,
    layoutError: null,
    resetLayout(blocks) {
      set(freshLayout(blocks));
    },
    moveBlock(from, to) {
      commit(moveItem(get().items, from, to));
      if (get().selectedSlot === from) set({ selectedSlot: to });
    },
    toggleDropBlock(slot) {
      commit(toggleDrop(get().items, slot));
    },
    duplicateBlock(slot) {
      commit(duplicateItem(get().items, slot));
    },
    removeBlock(slot) {
      commit(removeItem(get().items, slot));
    },
    swapBlocks(a, b) {
      commit(swapItems(get().items, a, b));
    },
    setLayoutText(text) {
      const blocks = get().model?.layers ?? [];
      const r = itemsFromText(text, blocks);
      if (!r.ok || get().trace) {
        set({ layoutError: r.ok ? TRACE_READ_ONLY : r.error });
        return false;
      }
      commit(r.items);
      return true;
    },
    restoreOriginalLayout() {
      commit(identityItems(get().model?.layers ?? []));
    },
    undo() {
      const { past, items, future } = get();
      if (past.length === 0) return;
      set({ items: past[past.length - 1], past: past.slice(0, -1), future: [items, ...future], layoutError: null });
    },
    redo() {
      const { past, items, future } = get();
      if (future.length === 0) return;
      set({ items: future[0], past: [...past, items], future: future.slice(1), layoutError: null });
    },
    selectSlot(slot) {
      set({ selectedSlot: slot });
    },
  };
};

function sameItems(a: readonly LayoutItem[], b: readonly LayoutItem[]): boolean {
  return a.length === b.length && a.every((it, i) => it.orig === b[i].orig && it.dropped === b[i].dropped);
}
