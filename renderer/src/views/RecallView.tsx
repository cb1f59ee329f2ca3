// Recall curves: sweep phonebook lengths for several models / layouts in the background, with a
// progress bar and cancel; every finished sweep's curves stay overlaid.
import { useState } from 'react';
import { useApp } from '../store/appStore';
import { isIdentity, layoutString } from '../store/layoutEdits';
import { useWidth } from '../ui/useWidth';
import { ChartFrame } from '../charts/ChartFrame';
import { RecallChart } from '../charts/RecallChart';
import { DepthGridChart } from '../charts/DepthGridChart';
import { curvePoints, depthGrid, latestPoints } from '../charts/recallData';
import { cancelSweeps, runSweeps, type SweepTarget } from '../actions/sweeps';

const DEPTHS = [0, 0.25, 0.5, 0.75, 1];

export function RecallView() {
  const model = useApp((s) => s.model);
  const items = useApp((s) => s.items);
  const catalog = useApp((s) => s.catalog);
  const sweeps = useApp((s) => s.sweeps);
  const current = useApp((s) => (s.currentSweepId === null ? null : s.sweeps[s.currentSweepId]));
  const [lengths, setLengths] = useState('10, 20, 40, 80');
  const [samples, setSamples] = useState(8);
  const [others, setOthers] = useState<string[]>([]);
  const [digits, setDigits] = useState(true);
  const [grid, setGrid] = useState(false);
  const [ref, width] = useWidth<HTMLDivElement>(900);
  const entries = [...new Set(lengths.split(/[\s,]+/).map(Number).filter((n) => Number.isInteger(n) && n > 0))].sort((a, b) => a - b);
  const running = current?.status === 'running';
  const edited = model && !isIdentity(items, model.layers) ? layoutString(items, model.layers) : null;
  const onBundled = model?.ref.kind === 'bundled';
  const homeId = model?.ref.kind === 'bundled' ? model.ref.id : null;

  const start = () => {
    if (!model) return;
    const targets: SweepTarget[] = [{ bundledId: null, name: model.name, layouts: edited ? [undefined, edited] : [undefined] }];
    for (const id of others) {
      const c = catalog.find((m) => m.id === id);
      if (c && id !== homeId) targets.push({ bundledId: id, name: c.name, layouts: [undefined] });
    }
    void runSweeps(targets, entries, samples, grid ? DEPTHS : undefined);
  };

  const all = Object.values(sweeps);
  const series = [...new Set(all.flatMap((s) => s.series.map((x) => x.key)))];
  // later sweeps replace earlier points of the same series, length and depth
  const latest = latestPoints(all.flatMap((s) => s.points));
  const points = curvePoints(latest);
  const grids = series.map((k) => depthGrid(latest, k)).filter((g) => g !== null);
  const trainMax = catalog.find((c) => c.id === homeId)?.trainMaxEntries;
  return (
    <div ref={ref} data-testid="recall-view" style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
      <div className="sweep-controls">
        <label className="small">Entries <input className="text-input mono" data-testid="sweep-lengths" value={lengths} onChange={(e) => setLengths(e.target.value)} style={{ width: 160 }} /></label>
        <label className="small">Samples <input className="text-input" type="number" min={1} max={200} value={samples} onChange={(e) => setSamples(Math.max(1, +e.target.value || 1))} style={{ width: 64 }} /></label>
        <span className="small muted">{model?.name}{edited ? ` (checkpoint + ${edited})` : ''}</span>
        {onBundled && catalog.filter((c) => c.id !== homeId).map((c) => (
          <label key={c.id} className="small"><input type="checkbox" data-testid={`sweep-model-${c.id}`} checked={others.includes(c.id)} onChange={(e) => setOthers(e.target.checked ? [...others, c.id] : others.filter((o) => o !== c.id))} /> {c.name}</label>
        ))}
        <label className="small" title="Sweep target depths 0, 25, 50, 75, 100 % as well"><input type="checkbox" checked={grid} onChange={(e) => setGrid(e.target.checked)} /> depth grid</label>
        <span className="spacer" />
        <button className="btn primary" data-testid="sweep-start" disabled={!model?.loaded || running || entries.length === 0} onClick={start}>Run sweep</button>
        <button className="btn" data-testid="sweep-cancel" disabled={!running} onClick={cancelSweeps}>Cancel</button>
      </div>
      {current && (
        <div className="small" data-testid="sweep-progress" data-status={current.status}>
          <div className="progress"><div style={{ width: `${(current.done / Math.max(1, current.total)) * 100}%` }} /></div>
          <span className="muted">{current.status === 'running' ? `${current.done} of ${current.total} prompts` : current.status}{current.error ? ` · ${current.error}` : ''}</span>
        </div>
      )}
      {series.length === 0
        ? <div className="empty"><b>No curves yet</b>Sweep book lengths to plot accuracy against length for each model or layout.</div>
        : (
          <ChartFrame
            title="Phonebook recall" subtitle={`${[...new Set(points.map((p) => p.samples))].join(' / ')} prompts per point`} testId="recall-chart"
            tools={<label className="small"><input type="checkbox" checked={digits} onChange={(e) => setDigits(e.target.checked)} /> per-digit</label>}
            data={() => ({ columns: ['series', 'entries', 'mean_tokens', 'samples', 'accuracy', 'digit_accuracy'], rows: points.map((p) => [p.series, p.entries, p.meanTokens, p.samples, p.accuracy, p.digitAccuracy]) })}
          >
            <RecallChart series={series} points={points} width={width} height={320} digits={digits} trainMax={trainMax} />
          </ChartFrame>
        )}
      {grids.map((g) => (
        <ChartFrame key={g.series} title="Accuracy by depth and length" subtitle={g.series} testId="depth-grid-chart"
          data={() => ({ columns: ['depth', 'entries', 'accuracy'], rows: g.depths.flatMap((d, i) => g.entries.map((e, j) => [d, e, g.accuracy[i][j]])) })}
        >
          <DepthGridChart grid={g} width={Math.min(width, 760)} height={70 + g.depths.length * 34} />
        </ChartFrame>
      ))}
    </div>
  );
}
