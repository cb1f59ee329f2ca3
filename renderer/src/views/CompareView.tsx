// Compare: the kept baseline run against the current (edited) run — the answer digits, accuracy
// over many prompts, each layer's (implicit) attention on the target entry, and the log-prob of
// every expected digit, side by side.
import { KIND_CHAR } from '../../../engine';
import { appStore, useApp } from '../store/appStore';
import { samePrompt, useRun, type RunView } from '../cache/useRun';
import { answerCells } from '../cache/derive';
import { expectedLogprobs, targetShareByBlock } from '../cache/compare';
import { useWidth } from '../ui/useWidth';
import { ChartFrame } from '../charts/ChartFrame';
import { GroupedBars } from '../charts/GroupedBars';
import { pct } from '../charts/Axis';
import { runSweeps, seriesKey } from '../actions/sweeps';
import { runBaselineForCurrent } from '../actions/session';
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
  if (!base.meta) {
    return (
      <div className="empty" data-testid="compare-empty">
        <b>No baseline yet</b>The first complete run on the checkpoint's layout becomes the baseline. Then edit the layout and run again.
        {cur.meta && <button className="btn" onClick={() => appStore.getState().setBaseline(cur.id)}>Use the current run as baseline</button>}
      </div>
    );
  }
  const same = base.id === cur.id;
  const mismatch = !same && cur.meta && !samePrompt(base.meta, cur.meta);
  const baseName = `baseline ${base.meta.layout}`;
  const curName = same ? 'edited (run one)' : `edited ${cur.meta?.layout ?? ''}`;
  const shares = [targetShareByBlock(base.data), targetShareByBlock(cur.data)];
  const blocks = [...new Set([...shares[0].keys(), ...shares[1].keys()])].sort((a, b) => a - b);
  const kinds = model?.layers;
  const lps = [expectedLogprobs(base.data), expectedLogprobs(cur.data)];
  const steps = Math.max(lps[0].length, lps[1].length);
  const floor = -12;
  // accuracy over many prompts: the latest sweep points for the two layouts at the current length
  const points = Object.values(sweeps).flatMap((s) => s.points);
  const acc = (layout: string | undefined) => layout === undefined ? undefined : [...points].reverse().find((p) => p.series === seriesKey(model?.name ?? '', layout) && p.entries === spec.entries);
  const pa = acc(base.meta.layout);
  const pb = acc(cur.meta?.layout);
  const scoring = Object.values(sweeps).some((s) => s.status === 'running');
  const half = Math.max(320, Math.floor((width - 14) / 2));
  return (
    <div ref={ref} data-testid="compare-view" style={{ display: 'flex', flexDirection: 'column', gap: 14 }}>
      {mismatch && (
        <div className="banner warn" data-testid="compare-mismatch">
          The baseline (run {base.id}) answered a different prompt.
          <button className="btn small" disabled={cur.meta?.status === 'running'} onClick={() => void runBaselineForCurrent()} data-testid="compare-run-baseline">Run {model?.layout} on this prompt</button>
        </div>
      )}
      <div className="grid-2">
        <RunCard title="Baseline" run={base} color={BASE} />
        {same ? <div className="empty small">Edit the layout in the strip and run again to compare.</div> : <RunCard title="Edited" run={cur} color={EDIT} />}
      </div>
      <ChartFrame
        title="Accuracy" subtitle={`${spec.entries} entries · ${pa?.samples ?? 0} prompts each`} testId="compare-accuracy"
        tools={<button className="btn small" data-testid="compare-score" disabled={scoring || !model?.loaded || !cur.meta}
          onClick={() => void runSweeps([{ bundledId: null, name: model!.name, layouts: [...new Set([base.meta!.layout, cur.meta!.layout])] }], [spec.entries], 20, { depths: [spec.depth] })}>
          {scoring ? 'Scoring…' : 'Score on 20 prompts'}
        </button>}
        data={() => ({ columns: ['layout', 'accuracy', 'digit_accuracy', 'samples'], rows: [[base.meta!.layout, pa?.accuracy ?? null, pa?.digitAccuracy ?? null, pa?.samples ?? 0], [cur.meta?.layout ?? '', pb?.accuracy ?? null, pb?.digitAccuracy ?? null, pb?.samples ?? 0]] })}
      >
        {pa || pb
          ? <GroupedBars testId="compare-accuracy-bars" groups={['exact match', 'digits right']} width={width} height={200} yMax={1} yLabel="accuracy" xLabel="metric" format={pct}
              series={[{ name: baseName, color: BASE, values: [pa?.accuracy ?? null, pa?.digitAccuracy ?? null] }, { name: curName, color: EDIT, values: [pb?.accuracy ?? null, pb?.digitAccuracy ?? null] }]} />
          : <div className="empty small">Score both layouts on 20 fresh prompts of this length.</div>}
      </ChartFrame>
      <div className="grid-2">
        <ChartFrame title="Target-entry mass per layer" subtitle="share of the query's (implicit) attention" testId="compare-layers"
          data={() => ({ columns: ['block', 'baseline', 'edited'], rows: blocks.map((b) => [b, shares[0].get(b) ?? null, shares[1].get(b) ?? null]) })}
        >
          {blocks.length
            ? <GroupedBars groups={blocks.map((b) => `${kinds?.[b] ? KIND_CHAR[kinds[b].kind] : ''}${b}`)} width={half} height={220} yLabel="target share" xLabel="block" format={pct}
                series={[{ name: 'baseline', color: BASE, values: blocks.map((b) => shares[0].get(b) ?? null) }, { name: 'edited', color: EDIT, values: blocks.map((b) => shares[1].get(b) ?? null) }]} />
            : <div className="empty small">Needs phonebook runs with per-entry mass.</div>}
        </ChartFrame>
        <ChartFrame title="Surprise at the expected digits" subtitle={`−log p; ${-floor} = not in the top alternatives`} testId="compare-logprobs"
          data={() => ({ columns: ['step', 'expected', 'baseline_logprob', 'edited_logprob'], rows: Array.from({ length: steps }, (_, i) => [i + 1, lps[0][i]?.char ?? lps[1][i]?.char ?? '', lps[0][i]?.logprob ?? null, lps[1][i]?.logprob ?? null]) })}
        >
          {steps
            ? <GroupedBars groups={Array.from({ length: steps }, (_, i) => String(i))} labels={Array.from({ length: steps }, (_, i) => lps[0][i]?.char ?? lps[1][i]?.char ?? '')} width={half} height={220} yLabel="−log p (expected)" xLabel="expected answer character" format={(v) => v.toFixed(1)}
                series={[{ name: 'baseline', color: BASE, values: lps[0].map((l) => l.logprob === null ? -floor : -l.logprob) }, { name: 'edited', color: EDIT, values: lps[1].map((l) => l.logprob === null ? -floor : -l.logprob) }]} />
            : <div className="empty small">Needs phonebook answers.</div>}
        </ChartFrame>
      </div>
    </div>
  );
}

function RunCard({ title, run, color }: { title: string; run: RunView; color: string }) {
  const expected = run.data?.prompt?.phonebook?.expected;
  const text = run.data?.summary?.generatedText ?? run.data?.tokens.map((t) => t.text).join('') ?? '';
  const cmp = expected ? answerCells(expected, text) : null;
  return (
    <div className="run-card" style={{ borderTopColor: color }} data-testid={`compare-card-${title.toLowerCase()}`}>
      <div className="panel-head" style={{ marginBottom: 4 }}><h3>{title}</h3><span className="mono small">{run.meta?.layout}</span><span className="spacer" />
        <span className="small muted">run {run.id}</span></div>
      {cmp ? (
        <>
          <div className="mono digits-inline">{cmp.cells.map((c, i) => <span key={i} className={c.right ? 'ok' : 'bad'}>{c.got || '·'}</span>)}</div>
          <div className="small" data-exact={cmp.exact}><b className={cmp.exact ? 'ok' : 'bad'}>{cmp.exact ? 'exact' : 'wrong'}</b> · {pct(cmp.digitAccuracy)} of digits · expected <span className="mono">{expected}</span></div>
        </>
      ) : <div className="small muted">{run.meta?.status === 'running' ? 'running…' : 'no phonebook answer'}</div>}
    </div>
  );
}
