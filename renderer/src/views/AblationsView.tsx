// Ablations: the study's ablation table in miniature. One row per bundled model and trained-alike
// variant (layout, parameters, cache at 1,000 tokens, exact match at 8–64 entries with Wilson 95 %
// intervals) from the shipped evaluations, each re-measurable here with the engine on the same
// prompts; the study's 8B layout as a read-only row. A click on a row opens that model. Below: recall
// at the training length against cache memory, and the training loss of the row in focus.
import { useEffect, useState } from 'react';
import { format } from 'd3-format';
import { useApp } from '../store/appStore';
import { useWidth } from '../ui/useWidth';
import { ChartFrame } from '../charts/ChartFrame';
import { RecallMemoryChart, type MemoryPoint } from '../charts/RecallMemoryChart';
import { LossChart } from '../charts/LossChart';
import { accuracyInterval, curvePoints, latestPoints } from '../charts/recallData';
import { DEFAULT_SAMPLES } from '../charts/recallStats';
import { pct } from '../charts/Axis';
import { ensureEvaluations } from '../actions/evaluations';
import { openModel } from '../actions/session';
import { cancelSweeps, runSweeps, seriesKey } from '../actions/sweeps';
import { Seg } from './PromptLab';
import { ABLATION_LENGTHS, ablationRows, CACHE_TOKENS, cacheAt, variesText, type AblationCell, type AblationRow } from './ablations';
import { ALIKE_CAVEAT, INTERVAL_NOTE, NOISE_CAVEAT, STATE_CAVEAT, TASK_CAVEAT } from './caveats';
import type { CatalogEntry } from '../store/modelSlice';
import type { CurvePoint } from '../store/sweepSlice';

const bytes = format('.3~s');
const millions = (n: number | null) => (n === null ? '—' : n >= 1e9 ? `~${Math.round(n / 1e9)} B` : `${(n / 1e6).toFixed(2)} M`);

function Cell({ cell }: { cell: AblationCell }) {
  const one = (p: CurvePoint, what: 'shipped' | 'measured') => {
    const ci = accuracyInterval(p);
    const said = what === 'shipped' ? 'shipped evaluation' : 'measured in this app';
    return <span className={what} title={`${said}: ${Math.round(p.accuracy * p.samples)} of ${p.samples} exact; 95 % interval ${pct(ci.lo)}–${pct(ci.hi)}`}>
      {Math.round(100 * p.accuracy)} <span className="muted">({Math.round(100 * ci.lo)}–{Math.round(100 * ci.hi)})</span>
    </span>;
  };
  return (
    <td className="num" data-testid="ablation-cell" data-entries={cell.entries} data-accuracy={cell.shipped?.accuracy ?? ''} data-samples={cell.shipped?.samples ?? ''} data-measured={cell.measured?.accuracy ?? ''}>
      {cell.shipped ? one(cell.shipped, 'shipped') : <span className="muted">—</span>}
      {cell.measured && <><br /><span className="muted small">here </span>{one(cell.measured, 'measured')}</>}
    </td>
  );
}

/** A variant of training/ablations.json not trained yet: what it would vary, and no numbers. */
function PlannedRow({ row }: { row: AblationRow }) {
  return (
    <tr data-testid="ablation-row" data-id={row.id} data-planned="true" className="planned" title="planned in training/ablations.json, not trained yet">
      <td className="muted">{row.name}</td>
      <td className="small muted">{variesText(row.planned)}</td>
      <td className="mono small layout-cell muted" style={{ minWidth: `${Math.min(row.layout.length, 16) + 1}ch` }}>{row.layout}</td>
      <td className="num muted">—</td>
      <td className="num muted" data-testid="ablation-cache" data-bytes="">—</td>
      <td className="small muted" colSpan={ABLATION_LENGTHS.length + 1}>not trained yet: planned in training/ablations.json, to train alike when GPU time allows</td>
    </tr>
  );
}

export function AblationsView() {
  const catalog = useApp((s) => s.catalog);
  const catalogStatus = useApp((s) => s.catalogStatus);
  const planned = useApp((s) => s.planned);
  const evaluations = useApp((s) => s.evaluations);
  const status = useApp((s) => s.evaluationsStatus);
  const model = useApp((s) => s.model);
  const sweeps = useApp((s) => s.sweeps);
  const current = useApp((s) => (s.currentSweepId === null ? null : s.sweeps[s.currentSweepId]));
  const specFormat = useApp((s) => s.spec.format);
  const [fmt, setFmt] = useState<'bare' | 'question'>(specFormat);
  const [samples, setSamples] = useState(DEFAULT_SAMPLES);
  const [focus, setFocus] = useState<string | null>(null);
  const [ref, width] = useWidth<HTMLDivElement>(900);
  useEffect(() => { if (catalogStatus === 'ready') void ensureEvaluations(); }, [catalogStatus]);
  const running = current?.status === 'running';
  const openId = model?.ref.kind === 'bundled' ? model.ref.id : null;

  // this view's own re-measures: the shipped evaluation's books (random target, its seed, 2 look-ups)
  const mine = Object.values(sweeps).filter((s) => s.books?.format === fmt && s.books.depths.length === 1 && s.books.depths[0] === null && s.books.fewShot === 2);
  const measured = (e: CatalogEntry) => curvePoints(latestPoints(mine.flatMap((s) => s.points))).filter((p) => p.series === seriesKey(e.name, e.layout));
  const rows = ablationRows(catalog, evaluations, fmt, measured, planned);
  const remeasure = (r: AblationRow) => {
    if (!r.entry || r.seed === null) return;
    void runSweeps([{ bundledId: r.id, name: r.name, layouts: [undefined] }], ABLATION_LENGTHS, samples,
      { depths: [null], format: fmt, variant: 'standard', seed: r.seed, fewShot: 2 });
  };
  const open = (r: AblationRow) => {
    if (r.entry && r.entry.weights !== false && r.id !== openId) void openModel({ kind: 'bundled', id: r.id }, r.name);
  };

  const trainMax = Math.max(0, ...catalog.map((c) => c.trainMaxEntries ?? 0)) || 32;
  const memory: MemoryPoint[] = rows.flatMap((r) => {
    const ev = evaluations.find((e) => e.id === r.id);
    const at = r.cells.find((c) => c.entries === trainMax)?.shipped;
    if (!ev?.blockCache.length || !at) return [];
    return [{ id: r.id, name: r.name, bytes: cacheAt(ev.blockCache, at.meanTokens), accuracy: at.accuracy, interval: accuracyInterval(at), samples: at.samples, variant: !!r.entry?.ablation }];
  });
  const focused = evaluations.find((e) => e.id === (focus ?? openId)) ?? null;
  const focusName = catalog.find((c) => c.id === focused?.id)?.name ?? focused?.id;
  const table = () => ({
    columns: ['id', 'trained', 'layout', 'parameters', `cache_bytes_at_${CACHE_TOKENS}_tokens`, 'varies', ...ABLATION_LENGTHS.flatMap((n) => [`acc_${n}`, `lo95_${n}`, `hi95_${n}`, `samples_${n}`])],
    rows: rows.map((r) => [r.id, r.planned ? 'planned' : r.preset ? 'the study (no weights)' : 'yes', r.layout, r.parameters, r.cacheBytes, variesText(r.entry ?? r.planned), ...r.cells.flatMap((c) => {
      const ci = c.shipped ? accuracyInterval(c.shipped) : null;
      return [c.shipped?.accuracy ?? null, ci?.lo ?? null, ci?.hi ?? null, c.shipped?.samples ?? null];
    })]),
  });
  return (
    <div ref={ref} data-testid="ablations-view" style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
      <div className="sweep-controls">
        <Seg<'bare' | 'question'> value={fmt} options={[['bare', 'Bare'], ['question', 'Question']]} onChange={setFmt} label="Ablation format" />
        <label className="small">Samples <input className="text-input" data-testid="ablation-samples" type="number" min={1} max={2000} value={samples} onChange={(e) => setSamples(Math.max(1, +e.target.value || 1))} style={{ width: 64 }} /></label>
        <span className="small muted">Re-measure runs a row's model here on its evaluation's prompts (same seed, a random target, 2 look-ups).</span>
        <span className="spacer" />
        <button className="btn" data-testid="ablation-cancel" disabled={!running} onClick={cancelSweeps}>Cancel</button>
      </div>
      {current && running && (
        <div className="small" data-testid="ablation-progress"><div className="progress"><div style={{ width: `${(current.done / Math.max(1, current.total)) * 100}%` }} /></div>
          <span className="muted">{current.done} of {current.total} prompts</span></div>
      )}
      {status === 'loading' && <div className="small muted">Reading the shipped evaluations…</div>}
      <ChartFrame title="Trained alike: one row per variant" subtitle={`${fmt}, standard · exact match % (95 % interval) at each book length`} testId="ablation-table" data={table} figure={false}>
        <div style={{ overflowX: 'auto' }}>
          <table className="ablation-table">
            <thead>
              <tr><th>model</th><th>varies</th><th>layout</th><th className="num">params</th><th className="num" title="SSM states plus K and V of every attention block, float32, at 1,000 tokens">cache at 1k tokens</th>
                {ABLATION_LENGTHS.map((n) => <th key={n} className={`num${n > trainMax ? ' beyond-note' : ''}`} title={n > trainMax ? 'beyond the training length' : undefined}>{n}</th>)}<th /></tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const canOpen = !!r.entry && r.entry.weights !== false;
                if (r.planned) return <PlannedRow key={r.id} row={r} />;
                return (
                  <tr key={r.id} data-testid="ablation-row" data-id={r.id} data-preset={!!r.preset} className={`${canOpen ? 'clickable' : ''}${r.id === openId ? ' open' : ''}`}
                    onClick={() => { setFocus(r.id); open(r); }} title={canOpen ? `Open ${r.name}` : r.preset ? r.preset.source : 'its evaluation ships without its weights'}>
                    <td><b>{r.name}</b>{r.id === openId && <span className="muted small"> · open</span>}{r.entry?.weights === false && <span className="muted small"> · evaluation only</span>}</td>
                    <td className="small">{r.preset ? 'the study\'s layout, no weights' : variesText(r.entry) || 'bundled'}</td>
                    <td className="mono small layout-cell" style={{ minWidth: `${Math.min(r.layout.length, 16) + 1}ch` }}>{r.layout}</td>
                    <td className="num">{millions(r.parameters)}</td>
                    <td className="num" data-testid="ablation-cache" data-bytes={r.cacheBytes ?? ''}>{r.cacheBytes === null ? '—' : `${bytes(r.cacheBytes)}B`}</td>
                    {r.cells.map((c) => <Cell key={c.entries} cell={c} />)}
                    <td>{r.entry && r.seed !== null && r.entry.weights !== false && (
                      <button className="btn small" data-testid={`ablation-measure-${r.id}`} disabled={running || !model?.loaded}
                        onClick={(e) => { e.stopPropagation(); remeasure(r); }}>Re-measure</button>
                    )}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </ChartFrame>
      <p className="small muted caption" data-testid="ablation-caption">
        {INTERVAL_NOTE} Each row's numbers are its shipped evaluation (the engine on the shipped weights, 100 prompts a length); a second line is
        what this app measured. {ALIKE_CAVEAT} {TASK_CAVEAT} {STATE_CAVEAT} {NOISE_CAVEAT}
      </p>
      {memory.length > 0 && (
        <ChartFrame title="Recall against memory" subtitle={`at the training length (${trainMax} entries), ${fmt} prompts`} testId="recall-memory-chart"
          data={() => ({ columns: ['id', 'cache_bytes', 'accuracy', 'lo95', 'hi95', 'samples'], rows: memory.map((m) => [m.id, m.bytes, m.accuracy, m.interval.lo, m.interval.hi, m.samples]) })}>
          <RecallMemoryChart points={memory} entries={trainMax} width={Math.min(width, 760)} height={260} />
        </ChartFrame>
      )}
      {focused && focused.loss.length > 0 && (
        <ChartFrame title="Training loss" subtitle={`${focusName} · train.json`} testId="loss-chart"
          data={() => ({ columns: ['phase', 'step', 'loss'], rows: focused.loss.map((p) => [p.phase + 1, p.step, p.loss]) })}>
          <LossChart loss={focused.loss} width={Math.min(width, 760)} height={200} />
        </ChartFrame>
      )}
      {focused && focused.loss.length > 0 && (
        <p className="small muted caption">
          Loss on the supervised tokens (the look-ups' and the answer's digits), every 100 steps; click a row for its model's curve. A later phase
          starts from the weights the one before it left; the bundled models' second phase fed their answer digits back with noise, so its loss
          is not comparable with the first phase's. Losses under 1e-4 are drawn at 1e-4 (train.json keeps four decimals).
        </p>
      )}
    </div>
  );
}
