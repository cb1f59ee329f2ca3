// The window: top bar (model), sidebar (prompt lab), main column (layer strip, answer, token
// ribbon, inspector tabs). The core loop (pick, run, inspect, edit, compare) reads top to bottom.
// Over it: the newcomer's paragraph, toasts, the shortcuts panel and the drop veil.
import { useApp, appStore } from './store/appStore';
import { ModelPicker } from './views/ModelPicker';
import { ModelErrorBanner, ModelMeta } from './views/ModelMeta';
import { PromptLab } from './views/PromptLab';
import { LayerStrip } from './views/LayerStrip';
import { Inspector } from './views/Inspector';
import { AnswerPanel } from './views/AnswerPanel';
import { TokenRibbon } from './views/TokenRibbon';
import { useShortcuts } from './ui/useShortcuts';
import { ExperimentMenu } from './views/ExperimentMenu';
import { Intro } from './views/Intro';
import { DropTarget } from './views/DropTarget';
import { ShortcutsHelp } from './views/ShortcutsHelp';

export function App() {
  useShortcuts();
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Hybrid<span>Scope</span></span>
        <ModelPicker />
        <ModelMeta />
        <span className="spacer" />
        <ExperimentMenu />
        <button className="btn" onClick={() => appStore.getState().showHelp(true)} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts" data-testid="help-button">?</button>
      </header>
      <ModelErrorBanner />
      <Intro />
      <div className="body">
        <aside className="sidebar">
          <PromptLab />
          <AnswerPanel />
        </aside>
        <main className="main">
          <LayerStrip />
          <TokenRibbon />
          <Inspector />
        </main>
      </div>
      <Toast />
      <ShortcutsHelp />
      <DropTarget />
    </div>
  );
}

function Toast() {
  const toast = useApp((s) => s.toast);
  if (!toast) return null;
  return (
    <div className={`toast ${toast.kind}`} role="status">
      {toast.text}
      <button className="btn small" onClick={() => appStore.getState().dismissToast()}>Dismiss</button>
    </div>
  );
}
