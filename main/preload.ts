// Preload (sandboxed, context-isolated): exposes `window.hybridscope`, one function per IPC channel,
// each checking its arguments before anything leaves the page. The engine MessagePort main sends is
// forwarded to the page with window.postMessage (ports cannot cross contextBridge); from then on the
// page talks to the engine host directly.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { CHANNELS, ENGINE_PORT_MESSAGE, MAX_TRACE_READ_BYTES, type DesktopApi, type EngineHostStatus, type FigureFormat, type MenuCommand } from '../app/desktop-api';
import { pageOriginFrom } from './security';

const MAX_TEXT = 64 * 2 ** 20;
const FORMATS: readonly FigureFormat[] = ['svg', 'png', 'csv', 'json'];

function text(v: unknown, what: string, max = MAX_TEXT): string {
  if (typeof v !== 'string' || v.length > max) throw new TypeError(`hybridscope: ${what} must be a string of at most ${max} characters`);
  return v;
}

function fileName(v: unknown): string {
  const name = text(v, 'file name', 255);
  if (/[/\\]/.test(name)) throw new TypeError('hybridscope: a suggested file name cannot contain a path');
  return name;
}

/** A dropped file's path, read here so that it goes to main and never to the page. */
function droppedPath(file: unknown): string {
  if (!(file instanceof File)) throw new TypeError('hybridscope: openDropped takes a File from a drop');
  const path = webUtils.getPathForFile(file);
  if (!path) throw new TypeError('hybridscope: the dropped item is not a file on disk');
  return path;
}

/** A trace read's range: whole byte offsets, start ≤ end, at most MAX_TRACE_READ_BYTES apart. */
function byteRange(start: unknown, end: unknown): [number, number] {
  const ok = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
  if (!ok(start) || !ok(end) || end < start || end - start > MAX_TRACE_READ_BYTES) {
    throw new TypeError(`hybridscope: a trace read takes byte offsets start ≤ end at most ${MAX_TRACE_READ_BYTES} apart`);
  }
  return [start, end];
}

function listen<T>(channel: string, listener: (value: T) => void): () => void {
  if (typeof listener !== 'function') throw new TypeError('hybridscope: listener must be a function');
  const wrapped = (_e: IpcRendererEvent, value: T) => listener(value);
  ipcRenderer.on(channel, wrapped);
  return () => ipcRenderer.removeListener(channel, wrapped);
}

const api: DesktopApi = {
  openModelFolder: () => ipcRenderer.invoke(CHANNELS.openModelFolder),
  openExperiment: () => ipcRenderer.invoke(CHANNELS.openExperiment),
  saveExperiment: (json, suggested) => ipcRenderer.invoke(CHANNELS.saveExperiment, text(json, 'experiment'), fileName(suggested)),
  exportFigure(data, format, suggested) {
    if (!FORMATS.includes(format)) throw new TypeError(`hybridscope: figure format must be one of ${FORMATS.join(', ')}`);
    if (!(data instanceof Uint8Array)) text(data, 'figure data');
    else if (data.byteLength > MAX_TEXT) throw new TypeError('hybridscope: figure data is too large');
    return ipcRenderer.invoke(CHANNELS.exportFigure, data, format, fileName(suggested));
  },
  listRecent: () => ipcRenderer.invoke(CHANNELS.listRecent),
  openRecent: (id) => ipcRenderer.invoke(CHANNELS.openRecent, text(id, 'recent id', 64)),
  // async: a drop that is no file on disk (an image dragged from a browser) rejects, as the page expects
  openDropped: async (file) => ipcRenderer.invoke(CHANNELS.openDropped, droppedPath(file)),
  takeOsOpens: () => ipcRenderer.invoke(CHANNELS.takeOsOpens),
  readTrace: async (trace, start, end) => ipcRenderer.invoke(CHANNELS.readTrace, text(trace, 'trace id', 64), ...byteRange(start, end)),
  onEngineStatus: (listener) => listen<EngineHostStatus>(CHANNELS.engineStatus, listener),
  onMenuCommand: (listener) => listen<MenuCommand>(CHANNELS.menuCommand, listener),
  onOsOpensWaiting: (listener) => listen<void>(CHANNELS.osOpensWaiting, listener),
};

contextBridge.exposeInMainWorld('hybridscope', api);

// Posted to this same window (the page checks `e.source === window`), and only while it shows our
// own origin (app://hybridscope, or the dev server's, as main passed it).
const pageOrigin = pageOriginFrom(process.argv);
ipcRenderer.on(CHANNELS.enginePort, (e) => {
  window.postMessage(ENGINE_PORT_MESSAGE, pageOrigin, e.ports);
});
