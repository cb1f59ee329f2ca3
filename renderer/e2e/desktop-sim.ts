// The desktop app's preload API (app/desktop-api.ts DesktopApi), simulated in the web build, so the
// renderer's desktop behaviour — menu commands, drops, OS opens, dialogs — runs in Chromium where no
// Electron binary exists. Installed before the page's scripts (page.addInitScript), and only when the
// page URL has `?desktop-sim`; the web build knows nothing of it.
//
// It plays main and the utility process: its engine is the web build's own worker script behind a
// MessagePort handed over as main hands it (ENGINE_PORT_MESSAGE); a folder "granted" by a dialog, a
// recent item or a drop is one of the bundled model folders, served over HTTP, whose files the port
// sends in place of the token (the utility process reads a granted folder from disk instead). A
// trace the OS hands over is granted as main grants it (main/trace-files.ts): the page reads its
// bytes in checked ranges through readTrace.
// Every call the page makes is recorded in `window.__desktopSim.calls`.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { MenuCommand } from '../../app/desktop-api';
import { repo } from './harness';

/** What the simulated dialogs, recent list and OS hand over; a folder is a bundled model's id. */
export type SimItem = { folder: string } | { experiment: { name: string; text: string } } | { trace: { name: string; base64: string } } | { error: string };

export interface SimConfig {
  /** What the OS asked to open at launch. */
  osOpens?: SimItem[];
}

/** In the page: the simulation's controls and records. */
export interface SimControls {
  calls: { fn: string; args: unknown[] }[];
  /** Requests the page sent its engine, by type. */
  engineRequests: string[];
  /** The next folder / experiment dialog's answer (null: cancelled). */
  nextFolder: string | null;
  nextExperiment: { name: string; text: string } | null;
  /** The recent list: each id and what it opens. */
  recent: Record<string, SimItem>;
  /** Sends a command as the menu would. */
  menu(command: MenuCommand): void;
  /** The OS asks the running app to open something (a second launch, macOS open-file). */
  osOpen(item: SimItem): void;
}

const FOLDER_FILES = ['config.json', 'model.safetensors', 'tokenizer.json', 'generation_config.json'];

function workerUrl(): string {
  const file = readdirSync(resolve(repo, 'dist-web/assets')).find((f) => /^worker-.*\.js$/.test(f));
  if (!file) throw new Error('dist-web/assets has no worker script: run `npm run build:web`');
  return `assets/${file}`;
}

/** Installs the simulated API in `page` for pages opened with `?desktop-sim`. */
export async function simulateDesktop(page: Page, config: SimConfig = {}): Promise<void> {
  await page.addInitScript(install, { config, worker: workerUrl(), folderFiles: FOLDER_FILES });
}

/** Runs in the page (serialized by Playwright: nothing from this module's scope). */
function install({ config, worker, folderFiles }: { config: SimConfig; worker: string; folderFiles: string[] }) {
  if (!new URLSearchParams(location.search).has('desktop-sim')) return;
  const menuListeners: ((c: string) => void)[] = [];
  const osListeners: (() => void)[] = [];
  const grants = new Map<string, string>();
  const traceGrants = new Map<string, Blob>();
  // main's limit on one read (app/desktop-api.ts MAX_TRACE_READ_BYTES; this runs in the page, apart)
  const maxRead = 64 * 2 ** 20;
  let osOpens = config.osOpens ?? [];
  const sim = {
    calls: [] as { fn: string; args: unknown[] }[],
    engineRequests: [] as string[],
    nextFolder: null as string | null,
    nextExperiment: null as { name: string; text: string } | null,
    recent: {} as Record<string, SimItem>,
    menu: (command: string) => { for (const l of menuListeners) l(command); },
    osOpen: (item: SimItem) => { osOpens.push(item); for (const l of osListeners) l(); },
  };
  (window as unknown as { __desktopSim: typeof sim }).__desktopSim = sim;
  const record = (fn: string, ...args: unknown[]) => sim.calls.push({ fn, args });
  const grant = (folder: string) => {
    const token = `sim-token-${grants.size + 1}`;
    grants.set(token, folder);
    return { token, name: folder };
  };
  const grantTrace = ({ name, base64 }: { name: string; base64: string }) => {
    const trace = `sim-trace-${traceGrants.size + 1}`;
    const blob = new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))]);
    traceGrants.set(trace, blob);
    return { trace, name, size: blob.size };
  };
  const answer = (item: SimItem) =>
    'folder' in item ? grant(item.folder) : 'experiment' in item ? { ...item.experiment } : 'trace' in item ? grantTrace(item.trace) : { name: 'item', error: item.error };

  // main's part: the engine's port. The worker speaks on its own scope; a MessageChannel stands in
  // for the utility process's port, and a granted folder's token becomes its files, in order.
  const connectEngine = () => {
    const host = new Worker(new URL(worker, document.baseURI), { type: 'module', name: 'hybridscope-engine' });
    host.postMessage({ type: 'host/init', modelsUrl: new URL('models/', document.baseURI).href });
    const channel = new MessageChannel();
    let queue = Promise.resolve();
    channel.port2.onmessage = (e) => {
      const msg = e.data as { type?: string; source?: { kind: string; token?: string } };
      if (msg?.type) sim.engineRequests.push(msg.type);
      queue = queue.then(async () => {
        const folder = msg?.type === 'model/open' && msg.source?.kind === 'folder' ? grants.get(msg.source.token ?? '') : undefined;
        if (folder) {
          const files = [];
          for (const path of folderFiles) {
            const r = await fetch(new URL(`models/${folder}/${path}`, document.baseURI));
            if (r.ok) files.push({ path, blob: await r.blob() });
          }
          msg.source = { kind: 'files', name: folder, files } as never;
        }
        host.postMessage(msg);
      });
    };
    host.onmessage = (e) => channel.port2.postMessage(e.data);
    window.postMessage('hybridscope:engine-port', '*', [channel.port1]);
  };

  const api = {
    openModelFolder: async () => { record('openModelFolder'); return sim.nextFolder ? grant(sim.nextFolder) : null; },
    openExperiment: async () => { record('openExperiment'); return sim.nextExperiment; },
    saveExperiment: async (text: string, name: string) => { record('saveExperiment', text, name); return name; },
    exportFigure: async (data: string | Uint8Array, format: string, name: string) => { record('exportFigure', data, format, name); return name; },
    listRecent: async () => { record('listRecent'); return Object.entries(sim.recent).map(([id, item]) => ({ kind: 'folder' in item ? 'model-folder' : 'trace' in item ? 'trace' : 'experiment', name: id, id })); },
    openRecent: async (id: string) => { record('openRecent', id); const item = sim.recent[id]; return item ? answer(item) : null; },
    // main stats the dropped path: here a .json name is an experiment, a bare name a bundled folder
    openDropped: async (file: File) => {
      record('openDropped', file instanceof File ? file.name : typeof file);
      if (!(file instanceof File)) throw new TypeError('hybridscope: openDropped takes a File from a drop');
      return /\.json$/i.test(file.name) ? { name: file.name, text: await file.text() } : answer({ folder: file.name });
    },
    takeOsOpens: async () => { record('takeOsOpens'); const items = osOpens.map(answer); osOpens = []; return items; },
    // main's checks: a granted id, whole offsets inside the file, at most maxRead bytes at a time
    readTrace: async (trace: string, start: number, end: number) => {
      record('readTrace', trace, start, end);
      const blob = traceGrants.get(trace);
      if (!blob) throw new Error('trace read: no such trace (open it again)');
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end > blob.size) throw new Error(`trace read: the range must lie inside the trace's ${blob.size} bytes`);
      if (end - start > maxRead) throw new Error(`trace read: at most ${maxRead} bytes at a time`);
      return new Uint8Array(await blob.slice(start, end).arrayBuffer());
    },
    onEngineStatus: () => { setTimeout(connectEngine, 0); return () => undefined; },
    onMenuCommand: (l: (c: string) => void) => { menuListeners.push(l); return () => menuListeners.splice(menuListeners.indexOf(l), 1); },
    onOsOpensWaiting: (l: () => void) => { osListeners.push(l); return () => osListeners.splice(osListeners.indexOf(l), 1); },
  };
  (window as unknown as { hybridscope: typeof api }).hybridscope = api;
}
