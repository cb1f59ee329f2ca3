// Save / open experiments from the top bar (web: a download and a file input; desktop: dialogs).
// The desktop menu's commands are handled in actions/menu.ts.
import { useRef } from 'react';
import { useApp } from '../store/appStore';
import { canSaveExperiment, openExperimentFromDesktop, openExperimentText, saveExperiment } from '../actions/experiments';
import { desktopApi } from '../desktop';

export function ExperimentMenu() {
  useApp((s) => (s.currentRunId === null ? null : s.runs[s.currentRunId]?.status));
  const input = useRef<HTMLInputElement>(null);
  return (
    <span style={{ display: 'flex', gap: 6 }}>
      <button className="btn" disabled={!canSaveExperiment()} onClick={() => void saveExperiment()} data-testid="save-experiment" title="Model, layout, prompt, seed and results">Save experiment</button>
      <button className="btn" onClick={() => (desktopApi() ? void openExperimentFromDesktop() : input.current?.click())} data-testid="open-experiment">Open experiment…</button>
      <input ref={input} type="file" hidden accept=".json" data-testid="experiment-input" onChange={async (e) => {
        const f = e.target.files?.[0];
        e.target.value = '';
        if (f) await openExperimentText(await f.text(), f.name);
      }} />
    </span>
  );
}
