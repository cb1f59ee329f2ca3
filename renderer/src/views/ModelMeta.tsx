// What is open: architecture, size, layout, and the loading / error state of opening a model.
import { appStore, useApp } from '../store/appStore';

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

export function ModelMeta() {
  const model = useApp((s) => s.model);
  const status = useApp((s) => s.modelStatus);
  const opening = useApp((s) => s.opening);
  if (status === 'loading') return <span className="meta"><span className="spinner" /> Opening {opening}…</span>;
  return (
    <span className="meta" data-testid="model-meta">
      {model && <>
        <span><b>{model.name}</b></span>
        <span>{model.modelType}</span>
        <span>{compact.format(model.parameters)} params</span>
        <span>{model.layers.length} blocks</span>
        {!model.loaded && <span><span className="spinner" /> reading weights</span>}
      </>}
    </span>
  );
}

/** A banner under the top bar when a model could not be opened (the previous model stays open). */
export function ModelErrorBanner() {
  const error = useApp((s) => s.modelError);
  if (!error) return null;
  return (
    <div className="banner error" role="alert" data-testid="model-error">
      <b>Could not open the model.</b> {error}
      <span className="spacer" />
      <button className="btn small" onClick={() => appStore.setState({ modelError: null })}>Dismiss</button>
    </div>
  );
}
