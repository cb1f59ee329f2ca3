// The session autosave of the page (app/autosave.ts): the model, layout, prompt and last answer are
// written to localStorage (one atomic setItem) a second after they change, and restored at the next
// start when the page did not shut down cleanly — a crash, a killed tab, a forced quit. Electron
// marks a clean shutdown when the window unloads; a browser tab has no clean quit, so the web build
// offers the last session at every start.
import { Autosave, type AutosaveStore, type Session } from '../../../app/autosave';
import { runData } from '../cache/runCache';
import { desktopApi } from '../desktop';
import { appStore } from '../store/appStore';
import { formatLayout, LayoutError } from '../../../engine';
import { layoutString } from '../store/layoutEdits';
import { openModel, runSpecFromStore } from './session';

const localStore: AutosaveStore = {
  read: async (key) => localStorage.getItem(key),
  writeAtomic: async (key, text) => localStorage.setItem(key, text),
};

function snapshot(): Session {
  const s = appStore.getState();
  if (!s.model) return { model: null };
  const spec = runSpecFromStore();
  const summary = runData(s.currentRunId)?.summary;
  const session: Session = { model: { ref: s.model.ref, name: s.model.name }, layout: spec.layout, prompt: spec.prompt };
  if (summary?.status === 'complete') {
    const { layout, generatedText, expected, exact, digitAccuracy, retrieved, promptTokens } = summary;
    session.results = { layout, generatedText, expected, exact, digitAccuracy, retrieved, promptTokens };
  }
  return session;
}

/** The saved layout in the notation; sessions saved before it hold original block indices. A list
 *  that no longer fits the checkpoint comes back as text the strip refuses with its own message. */
function layoutText(layout: string | number[]): string {
  if (typeof layout === 'string') return layout;
  try {
    return formatLayout((appStore.getState().model?.layers ?? []).map((b) => b.kind), layout);
  } catch (e) {
    if (!(e instanceof LayoutError)) throw e;
    return layout.join(',');
  }
}

async function restore(session: Session): Promise<void> {
  const store = () => appStore.getState();
  const m = session.model;
  if (!m) return;
  const current = store().model?.ref;
  const same = current && JSON.stringify(current) === JSON.stringify(m.ref);
  if (!same) {
    if (m.ref.kind !== 'bundled') {
      store().showToast('info', `Your last session used the model folder "${m.name}", and was not closed cleanly: open that folder to continue.`);
      return;
    }
    if (!(await openModel({ kind: 'bundled', id: m.ref.id }, m.name))) return;
  }
  const p = session.prompt;
  if (p?.kind === 'phonebook') {
    store().setPromptMode('phonebook');
    store().updateSpec({ entries: p.spec.entries ?? store().spec.entries, depth: p.spec.depth, format: p.spec.format, variant: p.spec.variant, fewShot: p.spec.fewShot, seed: p.seed });
  } else if (p?.kind === 'text') {
    store().setPromptMode('text');
    store().setFreeText(p.text);
  }
  if (session.layout !== undefined) store().setLayoutText(layoutText(session.layout));
  const edited = session.layout !== undefined ? `, layout ${layoutString(store().items, store().model?.layers ?? [])}` : '';
  const answer = session.results ? `; its last answer was "${session.results.generatedText.trim()}"` : '';
  store().showToast('info', `Restored your last session (${m.name}${edited})${answer}: it was not closed cleanly.`);
}

/** Call once the engine is connected: offers back an unclean session, then autosaves every change.
 *  Resolves to whether a session was offered back. */
export async function startAutosave(): Promise<boolean> {
  const autosave = new Autosave({
    store: localStore,
    timers: { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as number) },
    onError: (message) => appStore.getState().showToast('error', message),
  });
  const previous = await autosave.recover();
  if (previous) await restore(previous);
  let last = '';
  appStore.subscribe(() => {
    const next = snapshot();
    const text = JSON.stringify(next);
    if (text === last || !next.model) return;
    last = text;
    autosave.update(next);
  });
  addEventListener('pagehide', () => void (desktopApi() ? autosave.shutdown() : autosave.flush()));
  return previous?.model != null;
}
