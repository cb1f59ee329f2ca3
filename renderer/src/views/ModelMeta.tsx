// What is open: architecture, size, layout, and the loading / error state of opening a model. Opening
// takes two steps, as the engine reports them (model/info comes twice): the config and the weight
// files' headers, then the weights themselves.
import { appStore, useApp } from '../store/appStore';

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

export function ModelMeta() {
  const model = useApp((s) => s.model);
  const status = useApp((s) => s.modelStatus);
  const opening = useApp((s) => s.opening);
  // the manifest's one line on what a bundled model learned, and from what (training/cards.py)
  const verdict = useApp((s) => (s.model?.ref.kind === 'bundled' ? s.catalog.find((c) => c.id === (s.model!.ref as { id: string }).id)?.status : undefined));
  if (status === 'loading') return <span className="meta"><OpenStep step={1} text={`Opening ${opening}: reading its config and weight headers…`} /></span>;
  return (
    <span className="meta" data-testid="model-meta">
      {model && <>
        <span><b>{model.name}</b></span>
        <span>{model.modelType}</span>
        {/* a trace's header names the blocks, not the weights */}
        {model.parameters > 0 && <span>{compact.format(model.parameters)} params</span>}
        <span>{model.layers.length} blocks</span>
        {model.kernels && <span className="small muted" data-testid="kernel-threads" title="the engine's kernels and the threads they run on">{model.kernels}</span>}
        {verdict && <span className="small muted" data-testid="model-status" title={verdict}>{verdict.length > 90 ? `${verdict.slice(0, 89)}…` : verdict}</span>}
        {!model.loaded && <OpenStep step={2} text={`reading ${compact.format(model.parameters)} weights…`} />}
      </>}
    </span>
  );
}

/** Step `step` of the two of opening a model, with what it is doing. */
function OpenStep({ step, text }: { step: 1 | 2; text: string }) {
  return (
    <span className="open-step" data-testid="model-progress" data-step={step}>
      <span className="steps" role="progressbar" aria-label="Opening the model" aria-valuemin={0} aria-valuemax={2} aria-valuenow={step - 1} aria-valuetext={`step ${step} of 2`}>
        <i className={step === 1 ? 'now' : 'done'} /><i className={step === 2 ? 'now' : ''} />
      </span>
      Step {step} of 2: {text}
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
