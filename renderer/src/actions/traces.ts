// Opening a trace file (engine/trace/FORMAT.md, `*.hstrace`): a run recorded elsewhere (the CLI,
// the PyTorch capture) shown as if it had just run here. Its records go into the run cache and the
// store exactly as launchRun's do, so every view reads them unchanged. The file is read through
// Blob.slice range reads, one section at a time, never whole. Read-only: no model is behind it.
// A trace opens either as the page's run (its model takes the strip) or as the compare view's
// baseline beside whatever the page shows (another trace, or a live run). A dropped or chosen file
// is read by the page itself; one the OS handed the desktop app comes through main in ranges.
import { formatLayout, openTrace, type FileSource, type TraceHeader, type TraceReader } from '../../../engine';
import type { ModelSummary } from '../../../app/protocol';
import { MAX_TRACE_READ_BYTES, type DesktopApi, type OpenedTrace } from '../../../app/desktop-api';
import { createRunData } from '../cache/runCache';
import { checkTraceHeader, checkTraceRecord, traceControls } from '../cache/traceCheck';
import { appStore } from '../store/appStore';
import { supersedeModelOpens } from './session';
import type { LayoutItem } from '../store/layoutEdits';


/** Trace runs are numbered apart from the engine's (app/client.ts counts from 1). */
const traces = { nextId: 1_000_000_000 };

/** How often the views hear of records read from a trace, in ms. */
const PUBLISH_MS = 100;

const store = () => appStore.getState();
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** One File as a FileSource with range reads (Blob.slice), so a large trace is never read whole. */
export function blobSource(file: Blob, name: string): FileSource {
  const only = (f: string) => {
    if (f !== name) throw new Error(`${name}: no file ${f}`);
    return file;
  };
  return {
    name: '',
    has: async (f) => f === name,
    read: async (f) => new Uint8Array(await only(f).arrayBuffer()),
    readRange: async (f, start, end) => new Uint8Array(await only(f).slice(start, end).arrayBuffer()),
    size: async (f) => only(f).size,
  };
}

/** The page's trace file input (ModelPicker); its change event opens the chosen file. */
export const TRACE_INPUT_ID = 'trace-file-input';

/** "Open trace…" from the button or the desktop menu: the page's own file chooser. */
export function chooseTraceFile(): void {
  document.getElementById(TRACE_INPUT_ID)?.click();
}

/** The page's second trace input: a trace opened as the compare view's baseline. */
export const BASELINE_TRACE_INPUT_ID = 'baseline-trace-file-input';

/** "Compare with a trace…": the chooser whose trace becomes the baseline. */
export function chooseBaselineTraceFile(): void {
  document.getElementById(BASELINE_TRACE_INPUT_ID)?.click();
}

/** A trace main granted (the desktop app: the OS opened it), read in ranges through the preload,
 *  each at most MAX_TRACE_READ_BYTES: main checks every range (main/trace-files.ts). */
export function grantedSource(api: Pick<DesktopApi, 'readTrace'>, item: OpenedTrace): FileSource {
  const only = (f: string) => {
    if (f !== item.name) throw new Error(`${item.name}: no file ${f}`);
  };
  const readRange = async (f: string, start: number, end: number) => {
    only(f);
    const out = new Uint8Array(Math.max(0, end - start));
    let at = 0;
    while (at < out.length) {
      const piece = await api.readTrace(item.trace, start + at, Math.min(end, start + at + MAX_TRACE_READ_BYTES));
      out.set(piece, at);
      at += piece.length;
      if (piece.length === 0) break;
    }
    return out.subarray(0, at);
  };
  return {
    name: '',
    has: async (f) => f === item.name,
    read: (f) => readRange(f, 0, item.size),
    readRange,
    size: async (f) => (only(f), item.size),
  };
}

/** Opens a trace; resolves to whether it was shown whole. A bad file is one error toast. The trace
 *  takes the page (model, strip, prompt controls) and becomes the current run. */
export function openTraceFile(file: File): Promise<boolean> {
  return openTraceFrom(file.name, blobSource(file, file.name));
}

/** Desktop: a trace the OS asked the app to open, which main granted. */
export function openGrantedTrace(api: Pick<DesktopApi, 'readTrace'>, item: OpenedTrace): Promise<boolean> {
  return openTraceFrom(item.name, grantedSource(api, item));
}

async function openTraceFrom(name: string, src: FileSource): Promise<boolean> {
  const reader = await openReader(name, src);
  if (!reader) return false;
  const header = reader.header;
  supersedeModelOpens();
  const s = store();
  s.openedTrace(name, traceModel(header), traceItems(header));
  const controls = traceControls(header, s.spec);
  if (controls) appStore.setState(controls);
  // a live baseline belonged to the model that was open; a trace baseline stays (traces compare)
  const base = s.baselineRunId === null ? undefined : s.runs[s.baselineRunId];
  if (base?.source !== 'trace') s.setBaseline(null);
  return readRun(name, reader, true);
}

/** Opens a trace as the compare view's baseline: the page keeps its model, strip and current run
 *  (a live run or another trace), and compares with this one. */
export async function openBaselineTrace(file: File): Promise<boolean> {
  const reader = await openReader(file.name, blobSource(file, file.name));
  if (!reader) return false;
  return readRun(file.name, reader, false);
}

async function openReader(name: string, src: FileSource): Promise<TraceReader | null> {
  try {
    const reader = await openTrace(src, name);
    checkTraceHeader(reader.header);
    return reader;
  } catch (err) {
    store().showToast('error', `Could not open the trace ${name}: ${message(err)}`);
    return null;
  }
}

/** Reads the trace's records into the run cache as a finished run: the current run, or the pinned
 *  baseline. */
async function readRun(name: string, reader: TraceReader, current: boolean): Promise<boolean> {
  const header = reader.header;
  const id = traces.nextId++;
  const s = store();
  const data = createRunData(id, [s.baselineRunId, s.currentRunId]);
  data.prompt = header.prompt;
  const controls = traceControls(header);
  s.startRun({
    id, modelId: `trace:${name}`, modelName: header.model.name, layout: header.layout, blocks: header.blocks,
    // runs match on the phonebook's options when the trace says them, else on the token ids
    spec: controls?.promptMode === 'phonebook' && header.promptSpec?.kind === 'phonebook' ? controls.spec : null,
    promptText: controls?.promptMode === 'text' ? controls.freeText : Array.from(header.prompt.ids).join(' '),
    layersTotal: header.blocks.length, startedAt: performance.now(), source: 'trace', trace: name,
  }, current);
  if (!current) s.setBaseline(id);
  store().recordArrived(id, 0, performance.now());
  try {
    // a file is read faster than the views redraw: they are told at most every PUBLISH_MS (a
    // 56-block trace would otherwise redraw every chart 56 times before its first view is whole)
    let read = 0;
    let told = performance.now();
    for await (const rec of reader.records()) {
      checkTraceRecord(rec, header);
      data.records[rec.index] = rec;
      read++;
      if (performance.now() - told >= PUBLISH_MS || read === 1) {
        store().recordArrived(id, read, performance.now());
        told = performance.now();
      }
    }
    store().recordArrived(id, read, performance.now());
    const end = await reader.finish();
    for (const t of end.tokens) data.tokens.push(t);
    store().tokenArrived(id, data.tokens.length);
    data.summary = end.summary;
    store().finishRun(id, end.summary.status === 'complete' ? 'done' : 'cancelled');
    return true;
  } catch (err) {
    const text = `The trace ${name} stops being readable: ${message(err)}`;
    store().finishRun(id, 'error', text);
    store().showToast('error', text);
    return false;
  }
}

/** The header's checkpoint as the store's model: enough for the strip, the legend and the meta line. */
function traceModel(h: TraceHeader): ModelSummary {
  const kinds = h.model.layers.map((l) => l.kind);
  return {
    ref: { kind: 'folder', name: h.model.name }, name: h.model.name, modelType: h.model.model_type,
    layout: formatLayout(kinds, kinds.map((_, i) => i)), layers: h.model.layers, parameters: 0,
    vocabSize: h.model.vocab_size, hasTokenizer: false, contentHash: '', loaded: true, warnings: [],
  };
}

/** The strip's slots for the layout the trace ran: its blocks in order, the others dropped after them. */
function traceItems(h: TraceHeader): LayoutItem[] {
  const used = new Set(h.blocks);
  return [
    ...h.blocks.map((orig) => ({ orig, dropped: false })),
    ...h.model.layers.filter((l) => !used.has(l.index)).map((l) => ({ orig: l.index, dropped: true })),
  ];
}
