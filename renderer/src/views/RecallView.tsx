// Recall curves: the bundled models' shipped evaluations faintly from the start, then sweeps of book
// lengths for several models / layouts in the background (progress bar, cancel); every finished
// sweep's curves stay overlaid. Intervals on every point, entries or tokens on x, training length marked.
import { useEffect, useState } from 'react';
import { useApp } from '../store/appStore';
import { isIdentity, layoutString } from '../store/layoutEdits';
import { useWidth } from '../ui/useWidth';
import { ChartFrame } from '../charts/ChartFrame';
import { RecallChart, type TrainingMark } from '../charts/RecallChart';
import { WrongAnswersChart } from '../charts/WrongAnswersChart';
import { DepthGridChart } from '../charts/DepthGridChart';
import { accuracyInterval, curvePoints, depthGrid, latestPoints, referenceCurves, wrongOf, type RecallAxis } from '../charts/recallData';
import { CHANCE_WRONG_DIGITS, DEFAULT_SAMPLES, worstHalfWidth } from '../charts/recallStats';
import { styleSeries } from '../charts/seriesStyle';
import { cancelSweeps, runSweeps, type SweepTarget } from '../actions/sweeps';
import { ensureEvaluations } from '../actions/evaluations';
import { Seg } from './PromptLab';
import { INTERVAL_NOTE, NOISE_CAVEAT, STATE_CAVEAT, TASK_CAVEAT } from './caveats';
import type { CatalogEntry, ModelEvaluation } from '../store/modelSlice';

const DEPTHS = [0, 0.25, 0.5, 0.75, 1];
/** The ablation table's lengths: both sides of the bundled models' training length (32 entries). */
export const SWEEP_LENGTHS = '8, 16, 32, 48, 64';

/** The training length to mark: the open bundled model's, else the one every shown reference shares. */
export function trainingMark(catalog: CatalogEntry[], evaluations: ModelEvaluation[], homeId: string | null): TrainingMark | undefined {
  const of = (id: string) => ({ entries: catalog.find((c) => c.id === id)?.trainMaxEntries, tokens: evaluations.find((e) => e.id === id)?.training?.tokens });
  if (homeId) return of(homeId);
  const all = catalog.filter((c) => c.weights !== false && !c.ablation).map((c) => JSON.stringify(of(c.id)));
  return all.length && all.every((m) => m === all[0]) ? JSON.parse(all[0]) : undefined;
}

export function RecallView() {
  const model = useApp((s) => s.model);
  const items = useApp((s) => s.items);
  const catalog = useApp((s) => s.catalog);
  const catalogStatus = useApp((s) => s.catalogStatus);
  const evaluations = useApp((s) => s.evaluations);
  const spec = useApp((s) => s.spec);
  const sweeps = useApp((s) => s.sweeps);
  const current = useApp((s) => (s.currentSweepId === null ? null : s.sweeps[s.currentSweepId]));
  const [lengths, setLengths] = useState(SWEEP_LENGTHS);
  const [samples, setSamples] = useState(DEFAULT_SAMPLES);
  const [others, setOthers] = useState<string[]>([]);
  const [digits, setDigits] = useState(false);
  const [grid, setGrid] = useState(false);
  const [target, setTarget] = useState<'random' | 'prompt'>('random');
  const [axis, setAxis] = useState<RecallAxis>('entries');
  const [showRefs, setShowRefs] = useState(true);
  const [ref, width] = useWidth<HTMLDivElement>(900);
  useEffect(() => { if (catalogStatus === 'ready') void ensureEvaluations(); }, [catalogStatus]);
  const entries = [...new Set(lengths.split(/[\s,]+/).map(Number).filter((n) => Number.isInteger(n) && n > 0))].sort((a, b) => a - b);
  const running = current?.status === 'running';
  const edited = model && !isIdentity(items, model.layers) ? layoutString(items, model.layers) : null;
  const homeId = model?.ref.kind === 'bundled' ? model.ref.id : null;
  const openable = catalog.filter((c) => c.weights !== false);

  const start = () => {
    if (!model) return;
    const targets: SweepTarget[] = [{ bundledId: null, name: model.name, layouts: edited ? [undefined, edited] : [undefined] }];
    for (const id of others) {
      const c = catalog.find((m) => m.id === id);
      if (c && id !== homeId) targets.push({ bundledId: id, name: c.name, layouts: [undefined] });
    }
    void runSweeps(targets, entries, samples, { depths: grid ? DEPTHS : [target === 'random' ? null : spec.depth] });
  };

  const all = Object.values(sweeps);
  const measuredKeys = [...new Set(all.flatMap((s) => s.series.map((x) => x.key)))];
  // later sweeps replace earlier points of the same series, length and depth
  const latest = latestPoints(all.flatMap((s) => s.points));
  const references = showRefs ? referenceCurves(evaluations, catalog, spec.format, spec.variant) : [];
  const points = [...curvePoints(latest), ...references];
  const styles = styleSeries(measuredKeys, [...new Set(references.map((p) => p.series))]);
  const grids = measuredKeys.map((k) => depthGrid(latest, k)).filter((g) => g !== null);
  const train = trainingMark(catalog, evaluations, homeId);
  const beyond = train?.entries ? entries.filter((n) => n > train.entries!) : [];
  const table = () => ({
    columns: ['series', 'reference', 'entries', 'mean_tokens', 'samples', 'accuracy', 'accuracy_lo95', 'accuracy_hi95', 'digit_accuracy', 'wrong', 'wrong_digit_accuracy', 'wrong_other_entry'],
    rows: points.map((p) => {
      const ci = accuracyInterval(p);
      return [p.series, !!p.reference, p.entries, p.meanTokens, p.samples, p.accuracy, ci.lo, ci.hi, p.digitAccuracy, wrongOf(p), p.wrongDigitAccuracy ?? null, p.wrongOtherEntry ?? null];
    }),
  });
  return (
    <div ref={ref} data-testid="recall-view" style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
      <div className="sweep-controls">
        <label className="small">Entries <input className="text-input mono" data-testid="sweep-lengths" value={lengths} onChange={(e) => setLengths(e.target.value)} style={{ width: 160 }} /></label>
        <label className="small" title={`With n prompts a point, the 95 % interval is at most ±${(100 * worstHalfWidth(samples)).toFixed(1)} points (at 50 %)`}>Samples <input className="text-input" data-testid="sweep-samples" type="number" min={1} max={2000} value={samples} onChange={(e) => setSamples(Math.max(1, +e.target.value || 1))} style={{ width: 64 }} /></label>
        <label className="small">Target <select data-testid="sweep-target" value={target} disabled={grid} onChange={(e) => setTarget(e.target.value as 'random' | 'prompt')}>
          <option value="random">a random entry (as the shipped evaluations)</option>
          <option value="prompt">at the prompt's depth ({Math.round(spec.depth * 100)} %)</option>
        </select></label>
        <span className="small muted">{model?.name}{edited ? ` (checkpoint + ${edited})` : ''}</span>
        {homeId && openable.filter((c) => c.id !== homeId).map((c) => (
          <label key={c.id} className="small"><input type="checkbox" data-testid={`sweep-model-${c.id}`} checked={others.includes(c.id)} onChange={(e) => setOthers(e.target.checked ? [...others, c.id] : others.filter((o) => o !== c.id))} /> {c.name}</label>
        ))}
        <label className="small" title="Sweep target depths 0, 25, 50, 75, 100 % as well"><input type="checkbox" checked={grid} onChange={(e) => setGrid(e.target.checked)} /> depth grid</label>
        <span className="spacer" />
        <button className="btn primary" data-testid="sweep-start" disabled={!model?.loaded || running || entries.length === 0} onClick={start}>Run sweep</button>
        <button className="btn" data-testid="sweep-cancel" disabled={!running} onClick={cancelSweeps}>Cancel</button>
      </div>
      <div className="small muted" data-testid="sweep-note">
        {samples} prompts a point: 95 % intervals within ±{(100 * worstHalfWidth(samples)).toFixed(1)} points.
        {beyond.length > 0 && <span className="beyond-note" data-testid="sweep-beyond"> {beyond.join(', ')} {beyond.length > 1 ? 'are' : 'is'} beyond the training length ({train!.entries} entries).</span>}
      </div>
      {current && (
        <div className="small" data-testid="sweep-progress" data-status={current.status}>
          <div className="progress"><div style={{ width: `${(current.done / Math.max(1, current.total)) * 100}%` }} /></div>
          <span className="muted">{current.status === 'running' ? `${current.done} of ${current.total} prompts` : current.status}{current.error ? ` · ${current.error}` : ''}</span>
        </div>
      )}
      {styles.length === 0
        ? <div className="empty"><b>No curves yet</b>Sweep book lengths to plot accuracy against length for each model or layout.</div>
        : (
          <>
            <ChartFrame
              title="Phonebook recall" subtitle={`${spec.format}, ${spec.variant} · ${[...new Set(points.map((p) => p.samples))].join(' / ')} prompts per point`} testId="recall-chart"
              tools={<>
                <Seg<RecallAxis> value={axis} options={[['entries', 'Entries'], ['tokens', 'Tokens']]} onChange={setAxis} label="x axis" />
                <label className="small"><input type="checkbox" data-testid="show-references" checked={showRefs} onChange={(e) => setShowRefs(e.target.checked)} /> shipped evaluations</label>
                <label className="small"><input type="checkbox" checked={digits} onChange={(e) => setDigits(e.target.checked)} /> per-digit</label>
              </>}
              data={table}
            >
              <RecallChart series={styles} points={points} width={width} height={320} digits={digits} axis={axis} train={train} />
            </ChartFrame>
            <p className="small muted caption" data-testid="recall-caption">
              {INTERVAL_NOTE} Faint: each bundled model's shipped evaluation (its eval.json: the engine on the shipped weights, a random target per
              prompt, the study's 2 look-ups), in the prompt panel's format and variant. {train?.tokens && train.entries
                ? `Training books held at most ${train.entries} entries; its longest sequences, with up to 16 look-ups, reached ${train.tokens.toLocaleString('en-US')} tokens, so a prompt can be beyond the training length in entries and not in tokens. `
                : ''}
              {TASK_CAVEAT} {STATE_CAVEAT}
            </p>
            <ChartFrame title="What the wrong answers are" subtitle={`chance: ${(100 * CHANCE_WRONG_DIGITS).toFixed(1)} % of the digits`} testId="wrong-answers-chart" data={table}>
              <WrongAnswersChart series={styles} points={points} width={width} height={240} axis={axis} train={train} />
            </ChartFrame>
            <p className="small muted caption" data-testid="wrong-caption">
              Left: digits right in the wrong answers (the per-digit rule: place by place against the 10 expected digits). Chance: a number drawn as the
              book draws them (first digit 6–9, then nine digits 0–9) matches (1/4 + 9 × 1/10) / 10 = {(100 * CHANCE_WRONG_DIGITS).toFixed(1)} % of
              them; a copy of another entry's number is such a draw. No interval there: the digits of one answer are not independent. Right: the
              share of the wrong answers that are another entry's number whole, with Wilson 95 % intervals. {NOISE_CAVEAT}
            </p>
          </>
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
