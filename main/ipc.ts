// IPC handlers behind window.hybridscope: every call's sender frame must be our own page, and every
// argument is checked again here (the preload checks too, but main trusts no renderer). Paths come
// from dialogs, the recent list, a drop (the path the preload read from the dropped File) or the OS
// (main's own queue), and open only as a folder, a `*.hybridscope.json` experiment or a `*.hstrace`
// trace; the page only ever gets names, tokens, experiment texts and the byte ranges of granted traces
// (trace-files.ts).
import { app, dialog, ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute } from 'node:path';
import { CHANNELS, type FigureFormat, type GrantedFolder, type OpenedFile, type OpenedItem, type OpenFailure, type RecentItem } from '../app/desktop-api';
import { EXPERIMENT_FORMAT } from '../app/experiment';
import { writeFileAtomic } from '../engine/cli/node';
import type { EngineSupervisor } from './engine-supervisor';
import { openKind, type OpenQueue } from './open-paths';
import { TraceGrants } from './trace-files';
import type { RecentList } from './recent';

const MAX_EXPERIMENT_BYTES = 64 * 2 ** 20;

/** Whether a file's text is a HybridScope experiment (its `format`); app/experiment.ts validates the rest. */
function isExperimentText(text: string): boolean {
  try {
    const o = JSON.parse(text) as { format?: unknown } | null;
    return o !== null && typeof o === 'object' && o.format === EXPERIMENT_FORMAT;
  } catch {
    return false;
  }
}
const FORMATS: readonly FigureFormat[] = ['svg', 'png', 'csv', 'json'];
const EXPERIMENT_FILTER = { name: 'HybridScope experiment', extensions: ['json'] };

export interface IpcDeps {
  window(): BrowserWindow | null;
  isOwnFrame(url: string): boolean;
  engine: EngineSupervisor;
  recent: RecentList;
  onRecentChanged(): void;
  /** Paths the OS asked to open (os-open.ts). */
  osOpens: OpenQueue;
}

function str(v: unknown, what: string, max: number): string {
  if (typeof v !== 'string' || v.length > max) throw new Error(`${what}: expected a string of at most ${max} characters`);
  return v;
}

function safeName(v: unknown): string {
  // Leading dots go too: `..` (or a hidden name) must not become the dialog's default path.
  return basename(str(v, 'file name', 255)).replace(/[^\w.\- ]+/g, '_').replace(/^\.+/, '') || 'untitled';
}

export function registerIpc(deps: IpcDeps): void {
  const handle = (channel: string, fn: (...args: unknown[]) => Promise<unknown>) => {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, ...args: unknown[]) => {
      const url = event.senderFrame?.url ?? '';
      if (!deps.isOwnFrame(url)) throw new Error(`refused ${channel} from ${url || 'an unknown frame'}`);
      return fn(...args);
    });
  };
  const parent = () => deps.window() ?? undefined;
  const traces = new TraceGrants();

  // what was opened goes to the File menu's recent list and the OS's recent documents
  const remember = async (kind: RecentItem['kind'], path: string) => {
    await deps.recent.add(kind, path);
    app.addRecentDocument(path);
    deps.onRecentChanged();
  };
  const grantFolder = async (path: string): Promise<GrantedFolder> => {
    await remember('model-folder', path);
    return { token: deps.engine.grant(path), name: basename(path) };
  };
  const readExperiment = async (path: string): Promise<OpenedFile> => {
    const { size } = await stat(path);
    if (size > MAX_EXPERIMENT_BYTES) throw new Error(`${basename(path)}: ${size} bytes is too large for an experiment file`);
    const text = await readFile(path, 'utf8');
    // only a HybridScope experiment reaches the page: any other file's contents stay in main
    if (!isExperimentText(text)) throw new Error(`${basename(path)}: not a HybridScope experiment file`);
    await remember('experiment', path);
    return { name: basename(path), text };
  };
  const grantTrace = async (path: string) => {
    const granted = await traces.grant(path);
    await remember('trace', path);
    return granted;
  };
  // A path the user handed over outside a dialog (a drop, the OS): the same power as picking it in
  // the dialogs, so only what those open — a folder, an experiment file or a trace.
  const openPath = async (path: string): Promise<OpenedItem | OpenFailure> => {
    const name = basename(path);
    try {
      const kind = openKind(path, (await stat(path)).isDirectory());
      if (kind === 'model-folder') return await grantFolder(path);
      if (kind === 'experiment') return await readExperiment(path);
      if (kind === 'trace') return await grantTrace(path);
      return { name, error: `${name}: not a model folder, an experiment file (.hybridscope.json) or a trace (.hstrace)` };
    } catch (e) {
      // a file-system error's message holds the full path, which stays in main: its code says enough
      const code = (e as { code?: unknown }).code;
      return { name, error: typeof code === 'string' ? `${name} could not be read (${code})` : e instanceof Error ? e.message : String(e) };
    }
  };

  handle(CHANNELS.openModelFolder, async () => {
    const r = await dialog.showOpenDialog(parent()!, { title: 'Open model folder', properties: ['openDirectory'] });
    return r.canceled || r.filePaths.length !== 1 ? null : grantFolder(r.filePaths[0]);
  });
  handle(CHANNELS.openExperiment, async () => {
    const r = await dialog.showOpenDialog(parent()!, { title: 'Open experiment', properties: ['openFile'], filters: [EXPERIMENT_FILTER] });
    return r.canceled || r.filePaths.length !== 1 ? null : readExperiment(r.filePaths[0]);
  });
  handle(CHANNELS.saveExperiment, async (json, suggested) => {
    const text = str(json, 'experiment', MAX_EXPERIMENT_BYTES);
    const r = await dialog.showSaveDialog(parent()!, { title: 'Save experiment', defaultPath: safeName(suggested), filters: [EXPERIMENT_FILTER] });
    if (r.canceled || !r.filePath) return null;
    await writeFileAtomic(r.filePath, text);
    await deps.recent.add('experiment', r.filePath);
    deps.onRecentChanged();
    return basename(r.filePath);
  });
  handle(CHANNELS.exportFigure, async (data, format, suggested) => {
    if (!FORMATS.includes(format as FigureFormat)) throw new Error(`figure format must be one of ${FORMATS.join(', ')}`);
    const bytes = data instanceof Uint8Array ? data : str(data, 'figure data', MAX_EXPERIMENT_BYTES);
    const r = await dialog.showSaveDialog(parent()!, { title: 'Export figure', defaultPath: safeName(suggested), filters: [{ name: String(format).toUpperCase(), extensions: [String(format)] }] });
    if (r.canceled || !r.filePath) return null;
    await writeFileAtomic(r.filePath, bytes);
    return basename(r.filePath);
  });
  handle(CHANNELS.listRecent, async () => deps.recent.list());
  handle(CHANNELS.openRecent, async (id) => {
    const item = deps.recent.find(str(id, 'recent id', 64));
    // through openPath: a moved or deleted item fails with its name and a code, never its path
    return item ? openPath(item.path) : null;
  });
  handle(CHANNELS.openDropped, async (path) => {
    const p = str(path, 'dropped path', 4096);
    if (!isAbsolute(p)) throw new Error('a dropped path must be absolute');
    return openPath(p);
  });
  handle(CHANNELS.takeOsOpens, async () => Promise.all(deps.osOpens.take().map(openPath)));
  handle(CHANNELS.readTrace, async (trace, start, end) => traces.read(trace, start, end));
}
