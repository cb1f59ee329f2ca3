// The first screen: the app opens on the bundled hybrid with a phonebook ready and runs it once by
// itself, so layer records stream in before anyone has to find the Run button. Not when the start
// has something else to show — the autosaved session offered back after an unclean exit, or what the
// OS asked the desktop app to open — and not with `?autorun=0` in the page URL (tests that start from
// a quiet page).
import type { Engine } from '../../../app/client';
import { desktopApi } from '../desktop';
import { appStore, type AppState } from '../store/appStore';
import { startAutosave } from './autosave';
import { listenToMenu } from './menu';
import { openFromOs } from './opening';
import { connectEngine, startRun } from './session';

export interface StartContext {
  /** An unclean session was offered back. */
  restored: boolean;
  /** The OS asked to open a model folder or an experiment. */
  openedFromOs: boolean;
  optedOut: boolean;
}

/** Whether to run the opening model once: only the catalog's default on its phonebook, untouched. */
export function shouldAutorun(start: StartContext, s: Pick<AppState, 'model' | 'catalog' | 'currentRunId' | 'promptMode'>): boolean {
  if (start.restored || start.openedFromOs || start.optedOut) return false;
  const m = s.model;
  const defaultId = s.catalog.find((c) => c.default)?.id;
  return !!m?.loaded && m.hasTokenizer && m.ref.kind === 'bundled' && m.ref.id === defaultId
    && s.currentRunId === null && s.promptMode === 'phonebook';
}

/** The page's start: menu and OS listeners, the engine and its default model, the autosave, then
 *  what the OS asked to open, or the first run. */
export async function startApp(engine: Engine): Promise<void> {
  listenToMenu();
  desktopApi()?.onOsOpensWaiting(() => void openFromOs());
  await connectEngine(engine);
  const restored = await startAutosave();
  const openedFromOs = await openFromOs();
  const optedOut = new URLSearchParams(location.search).get('autorun') === '0';
  if (shouldAutorun({ restored, openedFromOs, optedOut }, appStore.getState())) startRun();
}
