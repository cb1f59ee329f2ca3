// Opening a trace file (engine/trace/FORMAT.md, `*.hstrace`): a run recorded elsewhere (the CLI,
// the PyTorch capture) shown as if it had just run here. Its records go into the run cache and the
// store exactly as launchRun's do, so every view reads them unchanged. The file is read through
// Blob.slice range reads, one section at a time, never whole. Read-only: no model is behind it.
import { formatLayout, openTrace, type FileSource, type TraceHeader } from '../../../engine';
import type { ModelSummary } from '../../../app/protocol';
import { createRunData } from '../cache/runCache';
import { checkTraceHeader, checkTraceRecord } from '../cache/traceCheck';
import { appStore } from '../store/appStore';
import { supersedeModelOpens } from './session';
import type { LayoutItem } from '../store/layoutEdits';


/** Trace runs are numbered apart from the engine's (app/client.ts counts from 1). */
const traces = { nextId: 1_000_000_000 };

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

/** Opens a trace; resolves to whether it was shown whole. A bad file is one error toast. */
export async function openTraceFile(file: File): Promise<boolean> {
  let reader: Awaited<ReturnType<typeof openTrace>>;
  try {
    reader = await openTrace(blobSource(file, file.name), file.name);
    checkTraceHeader(reader.header);
  } catch (err) {
    store().showToast('error', `Could not open the trace ${file.name}: ${message(err)}`);
    return false;
  }
  const header = reader.header;
  supersedeModelOpens();
  const id = traces.nextId++;
  const s = store();
  const data = createRunData(id, [s.baselineRunId, s.currentRunId]);
  data.prompt = header.prompt;
  s.openedTrace(file.name, traceModel(header), traceItems(header));
  // the baseline belonged to the model that was open; a trace compares only with its own runs
  s.setBaseline(null);
  s.startRun({
    id, modelId: `trace:${file.name}`, modelName: header.model.name, layout: header.layout, blocks: header.blocks,
    // the header keeps the prompt, not the controls that made it: runs match on its token ids
    spec: null, promptText: Array.from(header.prompt.ids).join(' '),
    layersTotal: header.blocks.length, startedAt: performance.now(), source: 'trace',
  });
  store().recordArrived(id, 0, performance.now());
  try {
    for await (const rec of reader.records()) {
      checkTraceRecord(rec, header);
      data.records[rec.index] = rec;
      store().recordArrived(id, data.records.filter(Boolean).length, performance.now());
    }
    const end = await reader.finish();
    for (const t of end.tokens) data.tokens.push(t);
    store().tokenArrived(id, data.tokens.length);
    data.summary = end.summary;
    store().finishRun(id, end.summary.status === 'complete' ? 'done' : 'cancelled');
    return true;
  } catch (err) {
    const text = `The trace ${file.name} stops being readable: ${message(err)}`;
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
