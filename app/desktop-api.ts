// `window.hybridscope`: what the Electron preload exposes to the page, one function per IPC channel.
// Types only, shared by main/preload.ts (which implements it) and the renderer (which calls it when
// present; the web build has no such object). Paths never cross into the page: a folder the user
// picked is known to the page by a token the engine host was granted, a file by its name.

/** IPC channel names, `noun:verb`, one per function below. */
export const CHANNELS = {
  openModelFolder: 'model-folder:open',
  openExperiment: 'experiment:open',
  saveExperiment: 'experiment:save',
  exportFigure: 'figure:export',
  listRecent: 'recent:list',
  openRecent: 'recent:open',
  /** main → page pushes */
  engineStatus: 'engine:status',
  menuCommand: 'menu:command',
  enginePort: 'engine:port',
} as const;

/** The window message the preload forwards the engine MessagePort with (window.postMessage). */
export const ENGINE_PORT_MESSAGE = 'hybridscope:engine-port';

export interface GrantedFolder {
  /** Pass as `{ kind: 'folder', token }` in model/open. */
  token: string;
  name: string;
}

export interface OpenedFile {
  name: string;
  text: string;
}

export interface RecentItem {
  kind: 'model-folder' | 'experiment';
  /** Shown in the menu; an id, not a path, is what the page sends back. */
  name: string;
  id: string;
}

export type FigureFormat = 'svg' | 'png' | 'csv' | 'json';

/** `open-recent:<id>`: the page calls openRecent(id) and acts on what comes back. */
export type MenuCommand = 'open-model-folder' | 'open-experiment' | 'save-experiment' | 'export-figure' | `open-recent:${string}`;

export interface EngineHostStatus {
  status: 'crashed' | 'restarted';
  message: string;
}

export interface DesktopApi {
  /** Folder dialog; the engine host is granted the folder; null if cancelled. */
  openModelFolder(): Promise<GrantedFolder | null>;
  /** File dialog for an experiment (.hybridscope.json); null if cancelled. */
  openExperiment(): Promise<OpenedFile | null>;
  /** Save dialog, then an atomic write; resolves to the file name, or null if cancelled. */
  saveExperiment(text: string, suggestedName: string): Promise<string | null>;
  /** Save dialog for a figure or its data; `data` is text (svg/csv/json) or bytes (png). */
  exportFigure(data: string | Uint8Array, format: FigureFormat, suggestedName: string): Promise<string | null>;
  listRecent(): Promise<RecentItem[]>;
  /** Re-open a recent item: a folder comes back granted, an experiment with its text. */
  openRecent(id: string): Promise<GrantedFolder | OpenedFile | null>;
  /** Engine host crashed / restarted; returns the unsubscribe function. */
  onEngineStatus(listener: (status: EngineHostStatus) => void): () => void;
  /** Menu items the page acts on (it holds the state to save or export). */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
}
