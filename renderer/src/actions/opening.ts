// Opening what arrives outside the pickers: a recent item (File ▸ Open Recent), what the OS asked
// the desktop app to open (file association, command line, a second launch), and whatever is dropped
// on the window. The desktop app hands these to main (paths stay there) and gets back a granted
// folder or an experiment's text; the web build reads a dropped folder's files, experiment or trace itself.
import type { FileEntry } from '../../../app/protocol';
import type { OpenedItem, OpenFailure } from '../../../app/desktop-api';
import { appStore } from '../store/appStore';
import { desktopApi } from '../desktop';
import { openExperimentText } from './experiments';
import { openFolderEntries, openModel } from './session';
import { isTraceName } from '../../../engine';
import { openGrantedTrace, openTraceFile } from './traces';

const toast = (kind: 'info' | 'error', text: string) => appStore.getState().showToast(kind, text);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const DROP_HINT = 'Drop a model folder (config.json, weights, tokenizer.json), an experiment file (.hybridscope.json) or a trace (.hstrace).';

/** A folder or a trace main granted, an experiment main read, or why main could not. */
export async function openItem(item: OpenedItem | OpenFailure): Promise<void> {
  const api = desktopApi();
  if ('error' in item) toast('error', item.error);
  else if ('token' in item) await openModel({ kind: 'folder', token: item.token }, item.name);
  else if ('trace' in item) {
    if (api) await openGrantedTrace(api, item);
  } else await openExperimentText(item.text, item.name);
}

export async function openRecent(id: string): Promise<void> {
  const api = desktopApi();
  if (!api) return;
  try {
    const item = await api.openRecent(id);
    if (item) await openItem(item);
    else toast('error', 'That item is no longer in the recent list.');
  } catch (err) {
    toast('error', `Could not open the recent item: ${message(err)}`);
  }
}

/** Desktop: opens what the OS asked for, in order (the last one stays open); resolves to whether
 *  there was anything. */
export async function openFromOs(): Promise<boolean> {
  const items = (await desktopApi()?.takeOsOpens()) ?? [];
  for (const item of items) await openItem(item);
  return items.length > 0;
}

/** A drop on the window. Call it inside the drop event: its items are unreadable once it returns. */
export function openDrop(data: DataTransfer): Promise<void> {
  const api = desktopApi();
  const dropped = data.files[0];
  // a trace is read by the page itself, from the dropped File, on the desktop as in the browser
  if (dropped && isTraceName(dropped.name)) return openTraceFile(dropped).then(() => undefined);
  if (api) {
    const file = dropped;
    if (!file) return Promise.resolve(toast('error', DROP_HINT));
    return api.openDropped(file).then(openItem, (err) => toast('error', `Could not open ${file.name}: ${message(err)}`));
  }
  // a folder is only readable as an entry; a file also as a File (a page-made drop has no entries)
  const entry = [...data.items].map((i) => i.webkitGetAsEntry()).find((e) => e !== null) ?? null;
  const file = data.files[0];
  return openWebDrop(entry, file).catch((err) => toast('error', `Could not open ${entry?.name ?? file?.name ?? 'the drop'}: ${message(err)}`));
}

async function openWebDrop(entry: FileSystemEntry | null, file: File | undefined): Promise<void> {
  if (entry?.isDirectory) {
    await openFolderEntries(entry.name, await filesIn(entry as FileSystemDirectoryEntry, '', 0));
  } else if (file && /\.json$/i.test(file.name)) {
    await openExperimentText(await file.text(), file.name);
  } else if (file && isTraceName(file.name)) {
    await openTraceFile(file);
  } else {
    toast('error', DROP_HINT);
  }
}

/** A model folder is shallow; a folder dropped by mistake (a home folder) must not be walked whole. */
const MAX_DEPTH = 2;
const MAX_FILES = 2000;

async function filesIn(dir: FileSystemDirectoryEntry, prefix: string, depth: number, out: FileEntry[] = []): Promise<FileEntry[]> {
  const reader = dir.createReader();
  // readEntries answers in batches until an empty one
  for (let batch = await readBatch(reader); batch.length > 0; batch = await readBatch(reader)) {
    for (const e of batch) {
      if (out.length >= MAX_FILES) throw new Error(`more than ${MAX_FILES} files: drop the model folder itself`);
      if (e.isFile) out.push({ path: prefix + e.name, blob: await new Promise<File>((resolve, reject) => (e as FileSystemFileEntry).file(resolve, reject)) });
      else if (e.isDirectory && depth < MAX_DEPTH) await filesIn(e as FileSystemDirectoryEntry, `${prefix}${e.name}/`, depth + 1, out);
    }
  }
  return out;
}

function readBatch(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}
