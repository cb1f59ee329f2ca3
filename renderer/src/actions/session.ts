// The one place where the UI talks to the engine: named actions that send requests through the
// `Engine` (app/client.ts) and feed the answers into the store (small metadata) and the run cache
// (typed arrays). Views call these actions; they never touch the client.
import { DEFAULT_CAPTURE } from '../../../engine';
import { type FileEntry, type ModelSource, type RunSpec, type RunSummary } from '../../../app/protocol';
import type { Engine, RunHandle } from '../../../app/client';
import { createRunData, runData } from '../cache/runCache';
import { appStore } from '../store/appStore';
import { TRACE_READ_ONLY } from '../store/layoutSlice';
import { effectiveLayout, isIdentity, layoutString } from '../store/layoutEdits';
import { modelKey } from '../store/modelSlice';
import type { PhonebookControls } from '../store/promptSlice';
import { desktopApi } from '../desktop';

/** What these actions keep between calls. `latestOpen` numbers model opens: the last open asked for
 *  is the one the page shows — the service opens models in request order, so an earlier open (say
 *  the bundled default at start) finishing first must not take the page back. */
const session: { engine: Engine | null; activeRun: RunHandle | null; latestOpen: number } = {
  engine: null,
  activeRun: null,
  latestOpen: 0,
};

const store = () => appStore.getState();
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Connect the UI to an engine, read the catalog and open the default bundled model if any. */
export async function connectEngine(e: Engine): Promise<void> {
  session.engine = e;
  e.onHostStatus((s) => store().showToast(s.status === 'crashed' ? 'error' : 'info', s.message));
  appStore.setState({ catalogStatus: 'loading' });
  try {
    const { models, planned } = await e.catalog();
    store().setCatalog(models.length ? models : null, undefined, planned);
    // the catalog marks the model the app opens on (app/catalog.ts: the bundled hybrid)
    const first = models.find((m) => m.default) ?? models[0];
    if (first && !store().model && session.latestOpen === 0) await openModel({ kind: 'bundled', id: first.id }, first.name);
  } catch (err) {
    store().setCatalog(null, message(err));
  }
}

export async function openModel(source: ModelSource, name: string): Promise<boolean> {
  const engine = session.engine;
  if (!engine) return false;
  const open = ++session.latestOpen;
  const current = () => open === session.latestOpen;
  store().startOpeningModel(name);
  try {
    const model = await engine.openModel(source, (headers) => { if (current()) store().openedModel(headers); });
    if (!current()) return false;
    store().openedModel(model);
    // it loaded, but the person should know (e.g. weights config.json leaves unused)
    if (model.warnings.length) store().showToast('warning', model.warnings.join(' '));
    return true;
  } catch (err) {
    if (current()) store().failedOpeningModel(message(err));
    return false;
  }
}

/** Something else takes the page (a trace): a model open still under way must not take it back. */
export function supersedeModelOpens(): void {
  session.latestOpen++;
}

/** Files from an `<input webkitdirectory>`: paths relative to the picked folder. */
export function openFolderFiles(files: readonly File[]): Promise<boolean> {
  const folder = files[0]?.webkitRelativePath.split('/')[0] || 'folder';
  const entries: FileEntry[] = files.map((f) => ({
    path: f.webkitRelativePath ? f.webkitRelativePath.split('/').slice(1).join('/') : f.name,
    blob: f,
  }));
  return openFolderEntries(folder, entries);
}

/** A folder's files with their paths inside it (the folder input, or a folder dropped on the page). */
export function openFolderEntries(folder: string, files: FileEntry[]): Promise<boolean> {
  return openModel({ kind: 'files', name: folder, files }, folder);
}

/** Desktop: the folder dialog in main grants the engine host the folder; the page gets a token. */
export async function openFolderFromDesktop(): Promise<boolean> {
  const g = await desktopApi()?.openModelFolder();
  return g ? openModel({ kind: 'folder', token: g.token }, g.name) : false;
}

export function runSpecFromStore(): RunSpec {
  const s = store();
  const prompt: RunSpec['prompt'] = s.promptMode === 'text'
    ? { kind: 'text', text: s.freeText }
    : {
      kind: 'phonebook', seed: s.spec.seed,
      spec: { entries: s.spec.entries, depth: s.spec.depth, variant: s.spec.variant, format: s.spec.format, fewShot: s.spec.fewShot },
    };
  const blocks = s.model?.layers ?? [];
  return {
    prompt,
    layout: isIdentity(s.items, blocks) ? undefined : layoutString(s.items, blocks),
    capture: DEFAULT_CAPTURE,
    maxNewTokens: s.promptMode === 'text' ? s.maxNewTokens : s.spec.format === 'question' ? 14 : 12,
    topK: 5,
  };
}

export function startRun(): number | null {
  return launchRun(runSpecFromStore())?.id ?? null;
}

/** Runs `spec` on the open model as the current run (the strip's layout must match spec.layout). */
export function launchRun(spec: RunSpec): { id: number; done: Promise<RunSummary> } | null {
  const s = store();
  const engine = session.engine;
  if (s.trace) {
    // the engine holds another model (or none): running the trace's layout needs its model
    store().showToast('error', TRACE_READ_ONLY);
    return null;
  }
  if (!engine || !s.model?.loaded) return null; // weights still loading: the engine holds the model before
  const blocks = effectiveLayout(s.items);
  const handle = engine.run(spec, {
    onStarted(prompt) {
      data.prompt = prompt;
      store().recordArrived(id, 0, performance.now());
    },
    onLayer(record) {
      data.records[record.index] = record;
      store().recordArrived(id, data.records.filter(Boolean).length, performance.now());
    },
    onToken(token) {
      data.tokens.push(token);
      store().tokenArrived(id, data.tokens.length);
    },
    onNotice(m) {
      store().addRunNotice(id, m);
    },
  });
  const id = handle.runId;
  const data = createRunData(id, [s.baselineRunId, s.currentRunId]);
  data.spec = spec;
  session.activeRun = handle;
  s.startRun({
    id, modelId: modelKey(s.model.ref), modelName: s.model.name,
    layout: layoutString(s.items, s.model.layers), blocks,
    ...promptMeta(spec),
    layersTotal: blocks.length, startedAt: performance.now(),
  });
  handle.done.then(
    (summary) => {
      data.summary = summary;
      store().finishRun(id, summary.status === 'complete' ? 'done' : 'cancelled');
      // the first complete run on the checkpoint's own layout becomes the baseline to compare against
      const now = store();
      if (summary.status === 'complete' && now.baselineRunId === null && now.model && summary.layout === now.model.layout) now.setBaseline(id);
    },
    (err) => store().finishRun(id, 'error', message(err)),
  ).finally(() => {
    if (session.activeRun === handle) session.activeRun = null;
  });
  return { id, done: handle.done };
}

export function cancelRun(): void {
  session.activeRun?.cancel();
}

/** The SSM state (H, P, N) of a run's layer at a position, cached with the run. */
export async function fetchState(runId: number, layer: number, position: number) {
  const data = runData(runId);
  const key = `${layer}:${position}`;
  const hit = data?.states.get(key);
  const engine = session.engine;
  if (hit || !engine || !data) return hit ?? null;
  notFromTrace(runId, `the SSM state at token ${position} is not in the trace (it keeps the states at its recorded positions)`);
  const state = await engine.state(runId, layer, position);
  data.states.set(key, state);
  return state;
}

/** The connected engine, for the sweep runner (null before connectEngine). */
export function currentEngine(): Engine | null {
  return session.engine;
}

export function engineTile(...args: Parameters<Engine['tile']>) {
  const meta = store().runs[args[0].runId];
  if (meta?.source === 'trace') return Promise.reject(new Error('full-resolution tiles are not in the trace (it keeps the pooled overview)'));
  return session.engine ? session.engine.tile(...args) : Promise.reject(new Error('no engine'));
}

/** Runs the checkpoint's own layout on the current run's prompt (the strip keeps its edits), then
 *  makes the edited run current again, so the compare view has a baseline on the same prompt. */
export async function runBaselineForCurrent(): Promise<void> {
  const s = store();
  const edited = s.currentRunId;
  const data = runData(edited);
  if (!s.model || edited === null || !data?.spec) return;
  const items = s.items;
  appStore.setState({ items: s.model.layers.map((b) => ({ orig: b.index, dropped: false })) });
  const { layout: _edited, ...checkpointSpec } = data.spec;
  const run = launchRun(checkpointSpec);
  appStore.setState({ items });
  if (!run) return;
  await run.done.catch(() => undefined);
  store().selectRun(edited);
}

/** Runs the open model on the prompt of the baseline trace (its phonebook options and seed, which
 *  the controls take), so that the compare view has a live run on the trace's prompt. */
export function runOnBaselinePrompt(): number | null {
  const s = store();
  const base = s.baselineRunId === null ? undefined : s.runs[s.baselineRunId];
  if (!base?.spec) return null;
  appStore.setState({ promptMode: 'phonebook', spec: base.spec });
  return startRun();
}

/** A trace's run has no engine run behind it: what only the engine computes is not there. */
function notFromTrace(runId: number, what: string): void {
  if (store().runs[runId]?.source === 'trace') throw new Error(what);
}

/** What the store keeps about a run's prompt, read from the spec itself (not the controls, which
 *  may have moved on), so runs on the same prompt can be matched. */
function promptMeta(spec: RunSpec): { spec: PhonebookControls | null; promptText?: string } {
  const p = spec.prompt;
  if (p.kind === 'phonebook') {
    return { spec: { entries: p.spec.entries ?? 0, format: p.spec.format, variant: p.spec.variant, depth: p.spec.depth, seed: p.seed, fewShot: p.spec.fewShot } };
  }
  return { spec: null, promptText: p.kind === 'text' ? p.text : p.ids.join(' ') };
}
