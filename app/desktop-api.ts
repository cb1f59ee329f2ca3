// `window.hybridscope`: what the Electron preload exposes to the page, one function per IPC channel.
// Its types, channel names and the menu's command list, shared by main/ (the menu, main/preload.ts,
// which implements it) and the renderer (which calls it when present; the web build has no such object). Paths never cross into the page: a folder the user
// picked is known to the page by a token the engine host was granted, a file by its name, a trace
// the OS handed over by a grant the page reads it through.

/** IPC channel names, `noun:verb`, one per function below. */
export const CHANNELS = {
  openModelFolder: 'model-folder:open',
  openExperiment: 'experiment:open',
  saveExperiment: 'experiment:save',
  exportFigure: 'figure:export',
  listRecent: 'recent:list',
  openRecent: 'recent:open',
  openDropped: 'dropped:open',
  takeOsOpens: 'os-opens:take',
  readTrace: 'trace:read',
  /** main → page pushes */
  engineStatus: 'engine:status',
  menuCommand: 'menu:command',
  enginePort: 'engine:port',
  osOpensWaiting: 'os-opens:waiting',
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

/** Something that could not be opened (a file the OS or a drop handed over), with the reason. */
export interface OpenFailure {
  name: string;
  error: string;
}

/** A trace file main checked (its magic bytes) and granted the page: the page reads it in ranges
 *  with readTrace(trace, …), never whole, and never learns its path. */
export interface OpenedTrace {
  /** The grant: pass to readTrace. */
  trace: string;
  name: string;
  /** Bytes in the file when it was granted. */
  size: number;
}

/** The most bytes one readTrace call returns (the page asks a larger range in pieces). */
export const MAX_TRACE_READ_BYTES = 64 * 2 ** 20;

/** What main hands back for a path it opened: a granted folder, an experiment's text or a granted trace. */
export type OpenedItem = GrantedFolder | OpenedFile | OpenedTrace;

/** A dropped file as the page has it (a DOM File satisfies this; app/ sees no DOM types). */
export interface DroppedFile {
  readonly name: string;
  readonly size: number;
}

export interface RecentItem {
  kind: 'model-folder' | 'experiment' | 'trace';
  /** Shown in the menu; an id, not a path, is what the page sends back. */
  name: string;
  id: string;
}

export type FigureFormat = 'svg' | 'png' | 'csv' | 'json';

/** Every command the menu sends the page, by name: the page has a handler for each (a test sends
 *  every one). `open-recent` travels with the recent item's id, as `open-recent:<id>`. */
export const MENU_COMMANDS = ['open-model-folder', 'open-experiment', 'open-trace', 'open-recent', 'save-experiment', 'export-figure', 'show-shortcuts'] as const;
export type MenuCommandName = (typeof MENU_COMMANDS)[number];
/** `open-recent:<id>`: the page calls openRecent(id) and acts on what comes back. */
export type MenuCommand = Exclude<MenuCommandName, 'open-recent'> | `open-recent:${string}`;

/** A command's name and its argument (the recent id of `open-recent:<id>`, else ''); null for a
 *  string that is no menu command. */
export function parseMenuCommand(command: string): { name: MenuCommandName; arg: string } | null {
  const colon = command.indexOf(':');
  const name = colon < 0 ? command : command.slice(0, colon);
  const arg = colon < 0 ? '' : command.slice(colon + 1);
  if (!(MENU_COMMANDS as readonly string[]).includes(name) || (name === 'open-recent') !== (colon >= 0)) return null;
  return { name: name as MenuCommandName, arg };
}

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
  /** Re-open a recent item: a folder or a trace comes back granted, an experiment with its text. */
  openRecent(id: string): Promise<OpenedItem | OpenFailure | null>;
  /** A file or folder dropped on the window. The preload reads its path (webUtils.getPathForFile)
   *  and hands it to main, which grants a folder or reads an experiment; the page never sees it. */
  openDropped(file: DroppedFile): Promise<OpenedItem | OpenFailure>;
  /** What the OS asked the app to open (file association, command line, a second launch), each
   *  granted or read by main; empty when nothing waits. Taken once: a second call gets the newer. */
  takeOsOpens(): Promise<(OpenedItem | OpenFailure)[]>;
  /** Bytes [start, end) of a granted trace (at most MAX_TRACE_READ_BYTES; fewer at its end). */
  readTrace(trace: string, start: number, end: number): Promise<Uint8Array>;
  /** Engine host crashed / restarted; returns the unsubscribe function. */
  onEngineStatus(listener: (status: EngineHostStatus) => void): () => void;
  /** Menu items the page acts on (it holds the state to save or export). */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  /** The OS asked to open something while the app runs: call takeOsOpens. */
  onOsOpensWaiting(listener: () => void): () => void;
}
