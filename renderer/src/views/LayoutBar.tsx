// The layout string, editable as text (validated on Enter / blur), with undo, redo and reset; the
// study's own layouts to read (no weights: never applied); and, when an edit arrives at the blocks a
// bundled model was trained with, an offer to put that model beside the edit: what-if vs trained alike.
import { useState } from 'react';
import { CHAR_KIND, readLayout, type LayoutChar } from '../../../engine';
import { appStore, useApp } from '../store/appStore';
import { isIdentity, layoutString } from '../store/layoutEdits';
import { kindColor, kindLabel } from '../ui/palette';
import { runSweeps } from '../actions/sweeps';
import { openModel } from '../actions/session';
import { DEFAULT_SAMPLES } from '../charts/recallStats';
import { ABLATION_LENGTHS, STUDY_PRESETS, trainedWithLayout, type StudyPreset } from './ablations';

export function LayoutBar() {
  const model = useApp((s) => s.model);
  const items = useApp((s) => s.items);
  const canUndo = useApp((s) => s.past.length > 0);
  const canRedo = useApp((s) => s.future.length > 0);
  const error = useApp((s) => s.layoutError);
  const catalog = useApp((s) => s.catalog);
  const sweeping = useApp((s) => s.currentSweepId !== null && s.sweeps[s.currentSweepId]?.status === 'running');
  const [preset, setPreset] = useState<StudyPreset | null>(null);
  const current = model ? layoutString(items, model.layers) : '';
  if (!model) return null;
  const s = appStore.getState();
  const edited = !isIdentity(items, model.layers);
  const openId = model.ref.kind === 'bundled' ? model.ref.id : null;
  const trained = edited && !s.trace ? trainedWithLayout(current, catalog, openId) : [];
  const sideBySide = (t: (typeof trained)[number]) => {
    s.setTab('recall');
    // the edit over these weights and the model trained with those blocks, on the same prompts
    void runSweeps([{ bundledId: null, name: model.name, layouts: [current] }, { bundledId: t.id, name: t.name, layouts: [undefined] }],
      ABLATION_LENGTHS, DEFAULT_SAMPLES, { depths: [null] });
  };
  return (
    <>
    <div className="layout-bar">
      <label className="small muted" htmlFor="layout-text">Layout</label>
      {/* keyed by the applied layout, so an edit made in the strip resets the text */}
      <LayoutText key={current} current={current} invalid={!!error} />
      <button className="btn small" disabled={!canUndo} onClick={() => s.undo()} title="Undo (Ctrl+Z)">Undo</button>
      <button className="btn small" disabled={!canRedo} onClick={() => s.redo()} title="Redo (Ctrl+Shift+Z)">Redo</button>
      <button className="btn small" disabled={!edited} onClick={() => s.restoreOriginalLayout()}>Reset to {model.layout}</button>
      {error ? <span className="error-text" role="alert">{error}</span> : edited && <span className="small muted">edited · original {model.layout}</span>}
      <span className="spacer" />
      <select className="small" data-testid="layout-presets" aria-label="The study's layouts" value={preset?.id ?? ''}
        onChange={(e) => setPreset(STUDY_PRESETS.find((p) => p.id === e.target.value) ?? null)}>
        <option value="">The study's layouts…</option>
        {STUDY_PRESETS.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
      </select>
    </div>
    {preset && <PresetView preset={preset} onClose={() => setPreset(null)} />}
    {trained.map((t) => (
      <div key={t.id} className="banner info small" data-testid="trained-offer" data-id={t.id}>
        <span><b>{t.name}</b> was trained with these blocks ({t.layout}): the edit rearranges {model.name}'s trained weights (what-if); {t.name} learned with this layout from the start (trained alike).</span>
        <button className="btn small" data-testid="trained-offer-sweep" disabled={sweeping || !model.loaded} onClick={() => sideBySide(t)}>Sweep both side by side</button>
        <button className="btn small" data-testid="trained-offer-open" onClick={() => void openModel({ kind: 'bundled', id: t.id }, t.name)}>Open {t.name}</button>
      </div>
    ))}
    </>
  );
}

/** A study layout, read-only: its blocks as the strip colours them, and what they add up to. */
function PresetView({ preset, onClose }: { preset: StudyPreset; onClose(): void }) {
  const kinds = readLayout(preset.layout).map((t) => t.kind);
  const count = (k: string) => kinds.filter((x) => x === k).length;
  const at = kinds.flatMap((k, i) => (k === 'attention' ? [i] : []));
  return (
    <div className="preset-view" data-testid="preset-view" data-layout={preset.layout}>
      <div className="preset-strip" aria-label={`${preset.name}: ${preset.layout}`}>
        {[...preset.layout].map((c, i) => <span key={i} title={`${i}: ${kindLabel[CHAR_KIND[c as LayoutChar]]}`} style={{ background: kindColor[CHAR_KIND[c as LayoutChar]] }} />)}
      </div>
      <div className="small">
        <b>{preset.name}</b> <span className="mono">{preset.layout}</span>
        <div className="muted">
          {kinds.length} blocks: {count('mamba2')} Mamba-2, {count('attention')} attention (at {at.join(', ')}), {count('mlp')} MLP;
          {' '}{(100 * count('attention') / kinds.length).toFixed(0)} % of the blocks attend. Read-only: {preset.source}. The Ablations tab sets its cache beside the bundled models'.
        </div>
      </div>
      <button className="btn small" onClick={onClose} aria-label="Close the study layout">Close</button>
    </div>
  );
}

function LayoutText({ current, invalid }: { current: string; invalid: boolean }) {
  const [text, setText] = useState(current);
  const apply = () => {
    if (text !== current) appStore.getState().setLayoutText(text);
  };
  return (
    <input
      id="layout-text" data-testid="layout-text" className={`text-input${invalid ? ' invalid' : ''}`}
      value={text} spellCheck={false} aria-invalid={invalid}
      onChange={(e) => setText(e.target.value)}
      onBlur={apply}
      onKeyDown={(e) => { if (e.key === 'Enter') apply(); if (e.key === 'Escape') setText(current); }}
    />
  );
}
