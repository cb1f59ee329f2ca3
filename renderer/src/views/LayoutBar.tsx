// The layout string, editable as text (validated on Enter / blur), with undo, redo and reset.
import { useState } from 'react';
import { appStore, useApp } from '../store/appStore';
import { isIdentity, layoutString } from '../store/layoutEdits';

export function LayoutBar() {
  const model = useApp((s) => s.model);
  const items = useApp((s) => s.items);
  const canUndo = useApp((s) => s.past.length > 0);
  const canRedo = useApp((s) => s.future.length > 0);
  const error = useApp((s) => s.layoutError);
  const current = model ? layoutString(items, model.layers) : '';
  if (!model) return null;
  const s = appStore.getState();
  const edited = !isIdentity(items, model.layers);
  return (
    <div className="layout-bar">
      <label className="small muted" htmlFor="layout-text">Layout</label>
      {/* keyed by the applied layout, so an edit made in the strip resets the text */}
      <LayoutText key={current} current={current} invalid={!!error} />
      <button className="btn small" disabled={!canUndo} onClick={() => s.undo()} title="Undo (Ctrl+Z)">Undo</button>
      <button className="btn small" disabled={!canRedo} onClick={() => s.redo()} title="Redo (Ctrl+Shift+Z)">Redo</button>
      <button className="btn small" disabled={!edited} onClick={() => s.restoreOriginalLayout()}>Reset to {model.layout}</button>
      {error ? <span className="error-text" role="alert">{error}</span> : edited && <span className="small muted">edited · original {model.layout}</span>}
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
