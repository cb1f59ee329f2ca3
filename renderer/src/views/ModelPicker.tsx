// Model picker in the top bar: the bundled catalog, or a checkpoint folder from disk
// (<input type=file webkitdirectory>; the files go to the engine host as they are), or a trace file
// (a recorded run, shown read-only: actions/traces.ts) — as the page's run, or as the compare view's
// baseline (its chooser is here, always mounted; the compare view's button clicks it).
import { useRef, type ChangeEvent } from 'react';
import { useApp } from '../store/appStore';
import { modelKey } from '../store/modelSlice';
import { openFolderFiles, openFolderFromDesktop, openModel } from '../actions/session';
import { desktopApi } from '../desktop';
import { TRACE_EXTENSION } from '../../../engine';
import { BASELINE_TRACE_INPUT_ID, chooseTraceFile, openBaselineTrace, openTraceFile, TRACE_INPUT_ID } from '../actions/traces';

export function ModelPicker() {
  const catalog = useApp((s) => s.catalog);
  const catalogStatus = useApp((s) => s.catalogStatus);
  const model = useApp((s) => s.model);
  const busy = useApp((s) => s.modelStatus === 'loading');
  const trace = useApp((s) => s.trace);
  const input = useRef<HTMLInputElement>(null);
  const value = model ? modelKey(model.ref) : '';
  return (
    <div className="model-picker" style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
      <select
        className="text-input" style={{ width: 220 }} aria-label="Bundled model" data-testid="model-select"
        value={value} disabled={busy || catalog.length === 0}
        onChange={(e) => {
          const m = catalog.find((c) => `bundled:${c.id}` === e.target.value);
          if (m) void openModel({ kind: 'bundled', id: m.id }, m.name);
        }}
      >
        {model?.ref.kind === 'folder' && <option value={value}>{model.name} ({trace ? 'trace, read-only' : 'folder'})</option>}
        {!model && <option value="">{catalogStatus === 'missing' ? 'No bundled models' : catalogStatus === 'loading' ? 'Loading catalog…' : 'Choose a model'}</option>}
        {/* a variant whose evaluation ships without weights lists in the Ablations view, not here */}
        {catalog.filter((m) => m.weights !== false).map((m) => <option key={m.id} value={`bundled:${m.id}`} title={m.status}>{m.name} · {m.layout}</option>)}
      </select>
      <button className="btn" onClick={() => (desktopApi() ? void openFolderFromDesktop() : input.current?.click())} disabled={busy} data-testid="open-folder">Open model folder…</button>
      <input
        ref={input} type="file" hidden data-testid="folder-input"
        {...{ webkitdirectory: '', directory: '' }} multiple
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (files.length) void openFolderFiles(files);
        }}
      />
      <button className="btn" onClick={() => chooseTraceFile()} disabled={busy} data-testid="open-trace" title="A run recorded to a file (hybridscope trace, or the PyTorch capture)">Open trace…</button>
      <input
        id={TRACE_INPUT_ID} type="file" hidden accept={TRACE_EXTENSION} data-testid="trace-input"
        onChange={firstFile(openTraceFile)}
      />
      <input
        id={BASELINE_TRACE_INPUT_ID} type="file" hidden accept={TRACE_EXTENSION} data-testid="baseline-trace-input"
        onChange={firstFile(openBaselineTrace)}
      />
      {trace && <span className="muted small" data-testid="trace-badge" title={trace}>trace (read-only)</span>}
    </div>
  );
}

/** A file input's change handler: the first chosen file to `open`, and the input cleared so the same
 *  file can be chosen again. */
function firstFile(open: (file: File) => Promise<unknown>) {
  return (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) void open(file);
  };
}
