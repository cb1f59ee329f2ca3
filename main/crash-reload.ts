// A crashed renderer is reloaded with the backoff of crash-policy.ts (the page then reconnects to the
// still-running engine host); when it keeps crashing, a dialog asks whether to try again or quit
// instead of reloading in a loop.
import { app, dialog, type BrowserWindow } from 'electron';
import { isRendererCrash, onRendererCrash, RENDERER_CRASH_POLICY } from './crash-policy';

export function reloadOnCrash(win: BrowserWindow): void {
  const wc = win.webContents;
  let history: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  wc.on('render-process-gone', (_e, details) => {
    if (!isRendererCrash(details.reason)) return;
    const { history: next, decision } = onRendererCrash(history, Date.now());
    history = next;
    clearTimeout(timer);
    if (decision.action === 'reload') {
      timer = setTimeout(() => { if (!win.isDestroyed()) wc.reload(); }, decision.delayMs);
      return;
    }
    const minutes = RENDERER_CRASH_POLICY.windowMs / 60_000;
    void dialog.showMessageBox(win, {
      type: 'error',
      title: 'HybridScope',
      message: 'The HybridScope window keeps crashing',
      detail: `Its page stopped ${decision.crashes} times in ${minutes} minutes (last: ${details.reason}, exit code ${details.exitCode}). Saved experiments are not affected.`,
      buttons: ['Try Again', 'Quit'],
      defaultId: 0,
      cancelId: 1,
    }).then(({ response }) => {
      if (win.isDestroyed()) return;
      if (response === 0) {
        history = [];
        wc.reload();
      } else app.quit();
    });
  });
  win.on('closed', () => clearTimeout(timer));
}
