// What is open: architecture, size, layout, and the loading / error state of opening a model.
import { useApp } from '../store/appStore';

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

export function ModelMeta() {
  const model = useApp((s) => s.model);
  const status = useApp((s) => s.modelStatus);
  const opening = useApp((s) => s.opening);
  const error = useApp((s) => s.modelError);
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
      {error && <span className="error-text" role="alert" data-testid="model-error">{error}</span>}
    </span>
  );
}
