// Progress of the current run: layers streamed, tokens generated, timings and notices.
import { useRun } from '../cache/useRun';

export function RunProgress() {
  const { meta, data } = useRun('current');
  if (!meta) return <p className="small muted" style={{ margin: 0 }}>Run the prompt to stream each layer's records.</p>;
  const maxNew = meta.spec ? (meta.spec.format === 'question' ? 14 : 12) : 0;
  const layerPart = meta.layersTotal ? meta.layersDone / meta.layersTotal : 0;
  const tokenPart = maxNew ? Math.min(1, meta.tokensGenerated / maxNew) : 0;
  const fraction = meta.status === 'running' ? 0.7 * layerPart + 0.3 * tokenPart : 1;
  const t = data?.summary?.timings;
  return (
    <div data-testid="run-progress" data-status={meta.status} style={{ display: 'flex', flexDirection: 'column', gap: 6 }}>
      <div className="progress" role="progressbar" aria-valuenow={Math.round(fraction * 100)} aria-valuemin={0} aria-valuemax={100}>
        <div style={{ width: `${fraction * 100}%`, background: meta.status === 'error' ? 'var(--wrong)' : undefined }} />
      </div>
      <div className="small" style={{ display: 'flex', flexDirection: 'column', gap: 2, color: 'var(--ink-2)' }}>
        <span>
          {meta.status === 'running' && (meta.phase === 'prefill' ? `Layer ${meta.layersDone} of ${meta.layersTotal}` : `Token ${meta.tokensGenerated}`)}
          {meta.status === 'done' && `Done · ${data?.prompt?.ids.length ?? '?'} prompt tokens`}
          {meta.status === 'cancelled' && 'Cancelled'}
          {meta.status === 'error' && 'Failed'}
        </span>
        <span className="mono muted" data-testid="run-timings">
          {meta.firstRecordMs !== null && `first layer ${meta.firstRecordMs.toFixed(0)} ms`}
          {t && ` · prefill ${t.prefillMs.toFixed(0)} ms · ${t.msPerToken.toFixed(1)} ms/token`}
        </span>
      </div>
      {meta.error && <span className="error-text" role="alert" data-testid="run-error">{meta.error}</span>}
      {meta.notices.map((n, i) => <span key={i} className="small" style={{ color: 'var(--warn)' }}>{n}</span>)}
    </div>
  );
}
