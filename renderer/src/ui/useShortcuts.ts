// The window's keyboard shortcuts (ui/shortcuts.ts is the table): run, cancel, undo / redo of layout
// edits (inside a text field the browser's own undo applies), export the figure in focus, help.
import { useEffect } from 'react';
import { appStore } from '../store/appStore';
import { cancelRun, startRun } from '../actions/session';
import { exportFigure } from '../export/figureFocus';
import { desktopApi } from '../desktop';
import { shortcutFor } from './shortcuts';

export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = e.target instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName);
      const s = appStore.getState();
      const running = s.currentRunId !== null && s.runs[s.currentRunId]?.status === 'running';
      const id = shortcutFor(e, 'window');
      switch (id) {
        case 'run':
          e.preventDefault();
          if (!running && s.model?.loaded) startRun();
          return;
        case 'cancel':
          if (running) cancelRun();
          else if (s.helpOpen) s.showHelp(false);
          return;
        case 'undo':
        case 'redo':
          if (typing) return;
          e.preventDefault();
          if (id === 'undo') s.undo(); else s.redo();
          return;
        case 'export-figure':
          // in the desktop app the File menu's accelerator (Ctrl/⌘+E) does it
          if (desktopApi()) return;
          e.preventDefault();
          void exportFigure();
          return;
        case 'help':
          if (!typing) s.showHelp(!s.helpOpen);
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
