// Save / open experiments from the top bar (web: a download and a file input; desktop: dialogs),
// and the desktop menu's commands.
import { useEffect, useRef } from 'react';
import { useApp } from '../store/appStore';
import { canSaveExperiment, openExperimentText, saveExperiment } from '../actions/experiments';
import { desktopApi } from '../desktop';
import { openFolderFromDesktop } from '../actions/session';

async function openFromDesktop(): Promise<void> {
  const f = await desktopApi()?.openExperiment();
  if (f) await openExperimentText(f.text, f.name);
}


export function ExperimentMenu() {
  useApp((s) => (s.currentRunId === null ? null : s.runs[s.currentRunId]?.status));
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => desktopApi()?.onMenuCommand((c) => {
    if (c === 'open-experiment') void openFromDesktop();
    if (c === 'save-experiment') void saveExperiment();
    if (c === 'open-model-folder') void openFolderFromDesktop();
  }), []);
  return (
    <span style={{ display: 'flex', gap: 6 }}>
      <button className="btn" disabled={!canSaveExperiment()} onClick={() => void saveExperiment()} data-testid="save-experiment" title="Model, layout, prompt, seed and results">Save experiment</button>
      <button className="btn" onClick={() => (desktopApi() ? void openFromDesktop() : input.current?.click())} data-testid="open-experiment">Open experiment…</button>
      <input ref={input} type="file" hidden accept=".json" data-testid="experiment-input" onChange={async (e) => {
        const f = e.target.files?.[0];
        e.target.value = '';
        if (f) await openExperimentText(await f.text(), f.name);
      }} />
    </span>
  );
}
