// Keyboard shortcuts: Ctrl/⌘+Enter Run, Esc Cancel, Ctrl/⌘+Z undo, Ctrl/⌘+Shift+Z or Ctrl+Y redo
// (layout edits; inside a text field the browser's own undo applies).
import { useEffect } from 'react';
import { appStore } from '../store/appStore';
import { cancelRun, startRun } from '../actions/session';

export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const typing = e.target instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName);
      const s = appStore.getState();
      const running = s.currentRunId !== null && s.runs[s.currentRunId]?.status === 'running';
      if (mod && e.key === 'Enter') {
        e.preventDefault();
        if (!running && s.model?.loaded) startRun();
      } else if (e.key === 'Escape' && running) {
        cancelRun();
      } else if (mod && !typing && (e.key === 'z' || e.key === 'Z')) {
        e.preventDefault();
        if (e.shiftKey) s.redo(); else s.undo();
      } else if (mod && !typing && e.key === 'y') {
        e.preventDefault();
        s.redo();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
