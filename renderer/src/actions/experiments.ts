// Experiments: save the current run (model reference + hash, layout, prompt spec with seed,
// results) as a .hybridscope.json file, and reopen one: its model, prompt and layout are restored,
// it is run again, and the outcome is checked against the saved results (app/experiment.ts).
import { compareReplay, EXPERIMENT_EXTENSION, makeExperiment, parseExperiment, serializeExperiment } from '../../../app/experiment';
import type { RunSpec } from '../../../app/protocol';
import { runData } from '../cache/runCache';
import { appStore } from '../store/appStore';
import { download, fileStem } from '../export/figure';
import { desktopApi } from '../desktop';
import { launchRun, openModel } from './session';

const store = () => appStore.getState();
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function canSaveExperiment(): boolean {
  const s = store();
  const data = runData(s.currentRunId);
  return !!(s.model && data?.spec && data.summary?.status === 'complete');
}

export async function saveExperiment(): Promise<void> {
  const s = store();
  const data = runData(s.currentRunId);
  if (!s.model || !data?.spec || !data.summary) return;
  const e = makeExperiment(s.model, data.spec, data.summary, new Date().toISOString());
  const name = `${fileStem(`${s.model.name} ${data.summary.layout}`)}${EXPERIMENT_EXTENSION}`;
  const text = serializeExperiment(e);
  const api = desktopApi();
  try {
    if (api) {
      const saved = await api.saveExperiment(text, name);
      if (saved) s.showToast('info', `Saved ${saved}`);
    } else {
      download(name, text, 'application/json');
    }
  } catch (err) {
    s.showToast('error', `Could not save the experiment: ${message(err)}`);
  }
}

/** Desktop: the experiment file dialog in main, then reopen what it read. */
export async function openExperimentFromDesktop(): Promise<void> {
  const f = await desktopApi()?.openExperiment();
  if (f) await openExperimentText(f.text, f.name);
}

/** Reopen an experiment from its text: restore model, prompt and layout, run it, compare. */
export async function openExperimentText(text: string, fileName: string): Promise<void> {
  let e;
  try {
    e = parseExperiment(text, fileName);
  } catch (err) {
    store().showToast('error', message(err));
    return;
  }
  const ref = e.model.ref;
  const s = store();
  const sameModel = s.model && (ref.kind === 'bundled' ? s.model.ref.kind === 'bundled' && s.model.ref.id === ref.id : s.model.name === ref.name);
  if (!sameModel) {
    if (ref.kind !== 'bundled') {
      store().showToast('error', `This experiment used the model folder "${e.model.name}": open that folder first, then the experiment again.`);
      return;
    }
    if (!(await openModel({ kind: 'bundled', id: ref.id }, e.model.name))) return;
  }
  restorePrompt(e.run);
  restoreLayout(e.run.layout);
  const run = launchRun(e.run);
  if (!run) return;
  try {
    const summary = await run.done;
    const model = store().model!;
    const check = compareReplay(e, model, summary);
    store().showToast(check.same ? 'info' : 'error', check.same ? `Reproduced ${fileName}: same answer and the same layer records.` : `Replay of ${fileName} differs: ${check.differences.join('; ')}`);
  } catch (err) {
    store().showToast('error', `Replay failed: ${message(err)}`);
  }
}

function restorePrompt(spec: RunSpec): void {
  const p = spec.prompt;
  if (p.kind === 'phonebook') {
    store().setPromptMode('phonebook');
    store().updateSpec({ entries: p.spec.entries ?? store().spec.entries, depth: p.spec.depth, format: p.spec.format, variant: p.spec.variant, fewShot: p.spec.fewShot, seed: p.seed });
  } else if (p.kind === 'text') {
    store().setPromptMode('text');
    store().setFreeText(p.text);
  }
}

function restoreLayout(layout: RunSpec['layout']): void {
  if (layout === undefined) return store().restoreOriginalLayout();
  store().setLayoutText(layout);
}
