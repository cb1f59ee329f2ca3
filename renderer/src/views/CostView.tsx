// Cost: measured ms per generated token and prefill time against context length for each model /
// layout measured, and the cache memory (constant SSM state vs growing KV cache).
import { useState } from 'react';
import { useApp } from '../store/appStore';
import { useWidth } from '../ui/useWidth';
import { useRun } from '../cache/useRun';
import { ChartFrame } from '../charts/ChartFrame';
import { CostChart } from '../charts/CostChart';
import { MemoryChart } from '../charts/MemoryChart';
import { cacheSize } from './cacheSize';
import { cancelCost, measureCost } from '../actions/cost';
import { effectiveLayout } from '../store/layoutEdits';

export function CostView() {
  const model = useApp((s) => s.model);
  const costs = useApp((s) => s.costs);
  const status = useApp((s) => s.costStatus);
  const running = useApp((s) => s.currentRunId !== null && s.runs[s.currentRunId]?.status === 'running');
  const { data } = useRun('current');
  const [lengths, setLengths] = useState('10, 50, 100, 200');
  const [ref, width] = useWidth<HTMLDivElement>(900);
  const entries = lengths.split(/[\s,]+/).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  const half = Math.max(320, Math.floor((width - 14) / 2));
  const items = useApp((s) => s.items);
  const size = cacheSize(model, effectiveLayout(items), data);
  const table = () => ({ columns: ['series', 'prompt_tokens', 'ms_per_token', 'prefill_ms'], rows: costs.map((c) => [c.series, c.promptTokens, c.msPerToken, c.prefillMs]) });
  return (
    <div ref={ref} data-testid="cost-view" style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
      <div className="sweep-controls">
        <label className="small">Entries <input className="text-input mono" value={lengths} onChange={(e) => setLengths(e.target.value)} style={{ width: 160 }} /></label>
        <span className="small muted">runs {model?.name ?? 'the model'} on the current layout, 16 new tokens each, no captures</span>
        <span className="spacer" />
        <button className="btn primary" data-testid="cost-start" disabled={!model?.loaded || status.running || running || !entries.length} onClick={() => void measureCost(entries)}>Measure</button>
        <button className="btn" disabled={!status.running} onClick={cancelCost}>Cancel</button>
      </div>
      {(status.running || status.error) && (
        <div className="small"><div className="progress"><div style={{ width: `${(status.done / Math.max(1, status.total)) * 100}%` }} /></div>
          <span className={status.error ? 'error-text' : 'muted'}>{status.error ?? `${status.done} of ${status.total} lengths`}</span></div>
      )}
      {costs.length === 0
        ? <div className="empty"><b>Nothing measured yet</b>Measure generation speed at several context lengths; switch model or layout and measure again to overlay.</div>
        : (
          <div className="grid-2">
            <ChartFrame title="Generation speed" subtitle="measured in this app" testId="cost-speed" data={table}><CostChart points={costs} metric="msPerToken" width={half} height={240} /></ChartFrame>
            <ChartFrame title="Prefill time" testId="cost-prefill" data={table}><CostChart points={costs} metric="prefillMs" width={half} height={240} /></ChartFrame>
          </div>
        )}
      {size
        ? <ChartFrame title="Cache memory" subtitle={`${model?.name} · current layout · per sequence, float32`} testId="cost-memory-chart"
            data={() => ({ columns: ['tokens', 'state_bytes', 'kv_bytes'], rows: [0, 1000, 2000, 4000, 8000].map((t) => [t, size.stateBytes, size.kvBytesPerToken * t]) })}>
            <MemoryChart size={size} maxTokens={8000} width={width} height={220} />
          </ChartFrame>
        : <div className="empty small">Cache sizes appear after a run that captures the SSM states (or when the engine reports them).</div>}
    </div>
  );
}
