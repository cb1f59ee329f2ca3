// Compare: the kept baseline run against the current (edited) run — the answer digits, accuracy
// over many prompts, each layer's (implicit) attention on the target entry, and the log-prob of
// every expected digit, side by side. Either side may be a trace: "Compare with a trace…" opens
// one as the baseline beside the page's run (a live run or another trace, e.g. a hybrid and a
// Transformer of the same size).
import { KIND_CHAR } from '../../../engine';
import { appStore, useApp } from '../store/appStore';
import { samePrompt, useRun, type RunView } from '../cache/useRun';
import { answerCells } from '../cache/derive';
import { blockKinds, expectedLogprobs, sameTokens, targetShareByBlock } from '../cache/compare';
import { useWidth } from '../ui/useWidth';
import { ChartFrame } from '../charts/ChartFrame';
import { GroupedBars } from '../charts/GroupedBars';
import { finePct, pct } from '../charts/Axis';
import { runSweeps, seriesKey } from '../actions/sweeps';
import { runBaselineForCurrent, runOnBaselinePrompt } from '../actions/session';
import { chooseBaselineTraceFile } from '../actions/traces';
import type { RunMeta } from '../store/runSlice';
import { okabeIto } from '../ui/palette';

const BASE = okabeIto[5];
const EDIT = okabeIto[3];

export function CompareView() {
  const base = useRun('matching-baseline');
  const cur = useRun('current');
  const model = useApp((s) => s.model);
  const spec = useApp((s) => s.spec);
  const sweeps = useApp((s) => s.sweeps);
  const [ref, width] = useWidth<HTMLDivElement>(900);
  const trace = useApp((s) => s.trace);
  const openTrace = <button className="btn small" onClick={() => chooseBaselineTraceFile()} data-testid="compare-open-trace" title="A run recorded to a file becomes the baseline; the page keeps its own run">Compare with a trace…</button>;
  if (!base.meta) {
    return (
      <div className="empty" data-testid="compare-empty">
        <b>No baseline yet</b>The first complete run on the checkpoint's layout becomes the baseline. Then edit the layout and run again — or compare with a trace.
        <span style={{ display: 'flex', gap: 8, justifyContent: 'center' }}>
          {cur.meta && <button className="btn" onClick={() => appStore.getState().setBaseline(cur.id)}>Use the current run as baseline</button>}
          {openTrace}
        </span>
      </div>
    );
  }
  const same = base.id === cur.id;
  const mismatch = !same && cur.meta && !samePrompt(base.meta, cur.meta) && !sameTokens(base.data?.prompt, cur.data?.prompt);
  // a trace on either side: the second run is not an edit of the first, and nothing is rescored here
  const traced = base.meta.source === 'trace' || cur.meta?.source === 'trace';
  const role = traced ? 'current' : 'edited';
  const baseName = `baseline ${runName(base.meta)}`;
  const curName = same ? `${role} (run one)` : `${role} ${cur.meta ? runName(cur.meta) : ''}`;
  const shares = [targetShareByBlock(base.data), targetShareByBlock(cur.data)];
  const blocks = [...new Set([...shares[0].keys(), ...shares[1].keys()])].sort((a, b) => a - b);
  const kinds = [blockKinds(base.data), blockKinds(cur.data)];
  const blockLabel = (b: number) => `${[...new Set(kinds.map((k) => k.get(b)).filter((k) => k !== undefined))].map((k) => KIND_CHAR[k]).join('/')}${b}`;
  const lps = [expectedLogprobs(base.data), expectedLogprobs(cur.data)];
  const steps = Math.max(lps[0].length, lps[1].length);
  const floor = -12;
  // accuracy over many prompts: the latest sweep points for the two layouts at the current length
  const points = Object.values(sweeps).flatMap((s) => s.points);
  const acc = (layout: string | undefined) => layout === undefined || traced ? undefined : [...points].reverse().find((p) => p.series === seriesKey(model?.name ?? '', layout) && p.entries === spec.entries);
  const pa = acc(base.meta.layout);
  const pb = acc(cur.meta?.layout);
  const scoring = Object.values(sweeps).some((s) => s.status === 'running');
  const half = Math.max(320, Math.floor((width - 14) / 2));
  const Role = role[0].toUpperCase() + role.slice(1);
  // the open model can answer the baseline trace's prompt when the trace says how it was made
  const rerun = base.meta.source === 'trace' && !trace && model?.loaded && model.hasTokenizer && base.meta.spec !== null;
  return (
    <div ref={ref} data-testid="compare-view" style={{ display: 'flex', flexDirection: 'column', gap: 14 }}>
      <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
        <span className="small muted">Baseline: {base.meta.trace ? <>the trace <span className="mono">{base.meta.trace}</span></> : `run ${base.id}`}</span>
        <span className="spacer" />
        {!same && cur.meta && <button className="btn small" onClick={() => appStore.getState().setBaseline(cur.id)} data-testid="compare-use-current">Use the current run as baseline</button>}
        {openTrace}
      </div>
      {mismatch && (
        <div className="banner warn" data-testid="compare-mismatch">
          The baseline ({base.meta.trace ? `the trace ${base.meta.trace}` : `run ${base.id}`}) answered a different prompt.
          {!traced && <button className="btn small" disabled={cur.meta?.status === 'running'} onClick={() => void runBaselineForCurrent()} data-testid="compare-run-baseline">Run {model?.layout} on this prompt</button>}
          {rerun && <button className="btn small" disabled={cur.meta?.status === 'running'} onClick={() => runOnBaselinePrompt()} data-testid="compare-run-trace-prompt">Run {model?.name} on the trace's prompt</button>}
        </div>
      )}
      <div className="grid-2">
        <RunCard title="Baseline" run={base} color={BASE} />
        {same ? <div className="empty small">Edit the layout in the strip and run again to compare.</div> : <RunCard title={Role} run={cur} color={EDIT} />}
      </div>
      <ChartFrame
        title="Accuracy" subtitle={`${spec.entries} entries · ${pa?.samples ?? 0} prompts each`} testId="compare-accuracy"
        tools={<button className="btn small" data-testid="compare-score" disabled={scoring || !model?.loaded || !cur.meta || traced} title={traced ? 'Scoring runs the model itself: a trace holds one prompt' : undefined}
          onClick={() => void runSweeps([{ bundledId: null, name: model!.name, layouts: [...new Set([base.meta!.layout, cur.meta!.layout])] }], [spec.entries], 20, { depths: [spec.depth] })}>
          {scoring ? 'Scoring…' : 'Score on 20 prompts'}
        </button>}
        data={() => ({ columns: ['layout', 'accuracy', 'digit_accuracy', 'samples'], rows: [[base.meta!.layout, pa?.accuracy ?? null, pa?.digitAccuracy ?? null, pa?.samples ?? 0], [cur.meta?.layout ?? '', pb?.accuracy ?? null, pb?.digitAccuracy ?? null, pb?.samples ?? 0]] })}
      >
        {pa || pb
          ? <GroupedBars testId="compare-accuracy-bars" groups={['exact match', 'digits right']} width={width} height={200} yMax={1} yLabel="accuracy" xLabel="metric" format={pct}
              series={[{ name: baseName, color: BASE, values: [pa?.accuracy ?? null, pa?.digitAccuracy ?? null] }, { name: curName, color: EDIT, values: [pb?.accuracy ?? null, pb?.digitAccuracy ?? null] }]} />
          : <div className="empty small">{traced ? 'A trace holds one prompt: scoring on many needs the models themselves.' : 'Score both layouts on 20 fresh prompts of this length.'}</div>}
      </ChartFrame>
      <div className="grid-2">
        <ChartFrame title="Target-entry mass per layer" subtitle="share of the query's (implicit) attention" testId="compare-layers"
          data={() => ({ columns: ['block', 'baseline', role], rows: blocks.map((b) => [b, shares[0].get(b) ?? null, shares[1].get(b) ?? null]) })}
        >
          {blocks.length
            ? <GroupedBars groups={blocks.map(blockLabel)} width={half} height={220} yLabel="target share" xLabel="block" format={finePct}
                series={[{ name: 'baseline', color: BASE, values: blocks.map((b) => shares[0].get(b) ?? null) }, { name: role, color: EDIT, values: blocks.map((b) => shares[1].get(b) ?? null) }]} />
            : <div className="empty small">Needs phonebook runs with per-entry mass.</div>}
        </ChartFrame>
        <ChartFrame title="Surprise at the expected digits" subtitle={`−log p; ${-floor} = not in the top alternatives`} testId="compare-logprobs"
          data={() => ({ columns: ['step', 'expected', 'baseline_logprob', `${role}_logprob`], rows: Array.from({ length: steps }, (_, i) => [i + 1, lps[0][i]?.text ?? lps[1][i]?.text ?? '', lps[0][i]?.logprob ?? null, lps[1][i]?.logprob ?? null]) })}
        >
          {steps
            ? <GroupedBars groups={Array.from({ length: steps }, (_, i) => String(i))} labels={Array.from({ length: steps }, (_, i) => lps[0][i]?.text ?? lps[1][i]?.text ?? '')} width={half} height={220} yLabel="−log p (expected)" xLabel="expected answer, step by step" format={(v) => v.toFixed(1)}
                series={[{ name: 'baseline', color: BASE, values: lps[0].map((l) => l.logprob === null ? -floor : -l.logprob) }, { name: role, color: EDIT, values: lps[1].map((l) => l.logprob === null ? -floor : -l.logprob) }]} />
            : <div className="empty small">Needs phonebook answers.</div>}
        </ChartFrame>
      </div>
    </div>
  );
}

/** How the compare view names a run: a trace by its model, a live run by its layout. */
function runName(meta: RunMeta): string {
  return meta.source === 'trace' ? `${meta.modelName} (trace)` : meta.layout;
}

function RunCard({ title, run, color }: { title: string; run: RunView; color: string }) {
  const expected = run.data?.prompt?.phonebook?.expected;
  const text = run.data?.summary?.generatedText ?? run.data?.tokens.map((t) => t.text).join('') ?? '';
  const cmp = expected ? answerCells(expected, text) : null;
  return (
    <div className="run-card" style={{ borderTopColor: color }} data-testid={`compare-card-${title.toLowerCase()}`} data-status={run.meta?.status}>
      <div className="panel-head" style={{ marginBottom: 4 }}><h3>{title}</h3><span className="mono small layout-inline" title={run.meta?.layout}>{run.meta?.layout}</span><span className="spacer" />
        <span className="small muted" title={run.meta?.trace}>{run.meta?.trace ? <>{run.meta.modelName} · trace <span className="mono">{run.meta.trace}</span></> : `run ${run.id}`}</span></div>
      {cmp ? (
        <>
          <div className="mono digits-inline">{cmp.cells.map((c, i) => <span key={i} className={c.right ? 'ok' : 'bad'}>{c.got || '·'}</span>)}</div>
          <div className="small" data-exact={cmp.exact}><b className={cmp.exact ? 'ok' : 'bad'}>{cmp.exact ? 'exact' : 'wrong'}</b> · {pct(cmp.digitAccuracy)} of digits · expected <span className="mono">{expected}</span></div>
        </>
      ) : <div className="small muted">{run.meta?.status === 'running' ? 'running…' : 'no phonebook answer'}</div>}
    </div>
  );
}
