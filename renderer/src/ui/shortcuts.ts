// Every keyboard shortcut, in one table: the window's keys (useShortcuts.ts) and a focused strip
// block's (views/LayerStrip.tsx) are looked up here, and the Help panel (Help ▸ Keyboard Shortcuts,
// or `?`) lists this same table, so what is shown is what the keys do.

/** The parts of a KeyboardEvent a shortcut looks at. */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

export type ShortcutId =
  | 'run' | 'cancel' | 'undo' | 'redo' | 'export-figure' | 'help'
  | 'block-prev' | 'block-next' | 'block-move-left' | 'block-move-right' | 'block-select' | 'block-drop' | 'block-duplicate';

export interface Shortcut {
  id: ShortcutId;
  /** The whole window, or a focused block of the layer strip. */
  scope: 'window' | 'strip';
  keys: string;
  does: string;
  match(e: KeyLike): boolean;
}

const mod = (e: KeyLike) => e.ctrlKey || e.metaKey;
const plain = (e: KeyLike) => !e.ctrlKey && !e.metaKey;
const key = (e: KeyLike, ...keys: string[]) => keys.includes(e.key);

export const SHORTCUTS: readonly Shortcut[] = [
  { id: 'run', scope: 'window', keys: 'Ctrl/⌘+Enter', does: 'Run the prompt', match: (e) => mod(e) && key(e, 'Enter') },
  { id: 'cancel', scope: 'window', keys: 'Esc', does: 'Cancel the run', match: (e) => plain(e) && key(e, 'Escape') },
  { id: 'undo', scope: 'window', keys: 'Ctrl/⌘+Z', does: 'Undo a layout edit', match: (e) => mod(e) && !e.shiftKey && key(e, 'z', 'Z') },
  { id: 'redo', scope: 'window', keys: 'Ctrl/⌘+Shift+Z, Ctrl+Y', does: 'Redo a layout edit', match: (e) => mod(e) && ((e.shiftKey && key(e, 'z', 'Z')) || (!e.shiftKey && key(e, 'y'))) },
  { id: 'export-figure', scope: 'window', keys: 'Ctrl/⌘+E', does: 'Export the figure in focus (SVG), else the open tab’s main chart', match: (e) => mod(e) && key(e, 'e', 'E') },
  { id: 'help', scope: 'window', keys: '?', does: 'Show these shortcuts', match: (e) => plain(e) && key(e, '?') },
  { id: 'block-prev', scope: 'strip', keys: '←', does: 'Previous block', match: (e) => plain(e) && !e.shiftKey && key(e, 'ArrowLeft') },
  { id: 'block-next', scope: 'strip', keys: '→', does: 'Next block', match: (e) => plain(e) && !e.shiftKey && key(e, 'ArrowRight') },
  { id: 'block-move-left', scope: 'strip', keys: 'Shift+←', does: 'Move the block left', match: (e) => plain(e) && e.shiftKey && key(e, 'ArrowLeft') },
  { id: 'block-move-right', scope: 'strip', keys: 'Shift+→', does: 'Move the block right', match: (e) => plain(e) && e.shiftKey && key(e, 'ArrowRight') },
  { id: 'block-select', scope: 'strip', keys: 'Enter, Space', does: 'Inspect the block', match: (e) => plain(e) && key(e, 'Enter', ' ') },
  { id: 'block-drop', scope: 'strip', keys: 'Delete, Backspace', does: 'Drop or restore the block', match: (e) => plain(e) && key(e, 'Delete', 'Backspace') },
  { id: 'block-duplicate', scope: 'strip', keys: 'D', does: 'Duplicate the block', match: (e) => plain(e) && key(e, 'd', 'D') },
];

/** The shortcut of a scope that a key press is, if any. */
export function shortcutFor(e: KeyLike, scope: Shortcut['scope']): ShortcutId | null {
  return SHORTCUTS.find((s) => s.scope === scope && s.match(e))?.id ?? null;
}
