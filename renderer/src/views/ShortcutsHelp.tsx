// The keyboard shortcuts (the table in ui/shortcuts.ts, which the keys obey) and the study the app
// follows. Opened by Help ▸ Keyboard Shortcuts in the desktop app, the top bar's "?" button or `?`.
import { appStore, useApp } from '../store/appStore';
import { SHORTCUTS, type Shortcut } from '../ui/shortcuts';
import { desktopApi } from '../desktop';

const SCOPES: [Shortcut['scope'], string][] = [['window', 'Anywhere'], ['strip', 'On a focused block of the layer strip']];

export function ShortcutsHelp() {
  const open = useApp((s) => s.helpOpen);
  if (!open) return null;
  const close = () => appStore.getState().showHelp(false);
  return (
    <div className="help-veil" onClick={close}>
      <section className="panel help" role="dialog" aria-label="Keyboard shortcuts" data-testid="shortcuts-help" onClick={(e) => e.stopPropagation()}>
        <div className="panel-head">
          <h2>Keyboard shortcuts</h2>
          <span className="spacer" />
          <button className="btn small" onClick={close} autoFocus>Close</button>
        </div>
        {SCOPES.map(([scope, title]) => (
          <table key={scope} className="shortcuts">
            <caption>{title}</caption>
            <tbody>
              {SHORTCUTS.filter((s) => s.scope === scope).map((s) => (
                <tr key={s.id} data-shortcut={s.id}><td><kbd>{s.keys}</kbd></td><td>{s.does}</td></tr>
              ))}
            </tbody>
          </table>
        ))}
        <p className="small muted">
          The phonebook probe and the models follow “An Empirical Study of Mamba-based Language Models” (NVIDIA, 2024):{' '}
          {desktopApi()
            ? 'arXiv 2406.07887 — Help ▸ The Study opens it in your browser.'
            : <a href="https://arxiv.org/abs/2406.07887" target="_blank" rel="noreferrer">arXiv 2406.07887</a>}
        </p>
      </section>
    </div>
  );
}
