// Experts: where a mixture-of-experts block sent each token — the routing weight of every expert at
// every token (experts × tokens; a column sums to 1 over the k experts it chose) — and how many tokens
// each expert took.
import { useState } from 'react';
import { appStore, useApp } from '../store/appStore';
import { useRun } from '../cache/useRun';
import { expertLoad, routingMap } from '../cache/derive';
import { useWidth } from '../ui/useWidth';
import { ChartFrame } from '../charts/ChartFrame';
import { HeatmapChart } from '../charts/HeatmapChart';
import { GroupedBars } from '../charts/GroupedBars';
import { kindColor } from '../ui/palette';
import { LayerPicker } from './Pickers';
import { entryMarks, pickRecord } from './inspect';

export function ExpertsView() {
  const { id, meta, data } = useRun('current');
  const inspectBlock = useApp((s) => s.inspectBlock);
  const [chosen, setChosen] = useState<number | null>(null);
  const [ref, width] = useWidth<HTMLDivElement>(900);
  const records = (data?.records ?? []).filter((r) => r?.moe);
  const rec = pickRecord(records, inspectBlock, chosen);
  if (!meta) return <div className="empty"><b>No run yet</b>Run a prompt to see where its tokens were routed.</div>;
  if (!rec) {
    return meta.status === 'running'
      ? <div className="empty"><span className="spinner" />Waiting for the first mixture-of-experts block…</div>
      : <div className="empty" data-testid="no-experts"><b>No expert routing in this run</b>Only mixture-of-experts blocks (E) record it, and the capture budget may drop it.</div>;
  }
  const moe = rec.moe!;
  const T = moe.experts.shape[0];
  const map = routingMap(moe);
  const { tokens, weight } = expertLoad(moe);
  const label = `block ${rec.block} (position ${rec.index}) · top-${moe.topK} of ${moe.E} experts`;
  const experts = Array.from({ length: moe.E }, (_, e) => String(e));
  const s = appStore.getState();
  return (
    <div ref={ref} data-testid="experts-view" style={{ display: 'flex', flexDirection: 'column', gap: 14 }}>
      <div style={{ display: 'flex', gap: 12, alignItems: 'center', flexWrap: 'wrap' }}>
        <LayerPicker records={records} current={rec.index} onPick={(i) => setChosen(i)} />
      </div>
      <ChartFrame title="Expert routing" subtitle={`${label} · routing weight, experts × tokens`} testId="experts-routing"
        data={() => ({ columns: ['expert', 'token', 'weight'], rows: Array.from(map, (v, i) => [Math.floor(i / T), i % T, v]), meta: { run: id, block: rec.block } })}
      >
        <HeatmapChart data={map} rows={moe.E} cols={T} width={width} height={Math.min(260, 70 + moe.E * 14)} rowLabel="expert" colLabel="token"
          valueLabel="weight" layer="experts-routing" clip={1} marks={entryMarks(data?.prompt ?? null)} onPick={(_, c) => s.focusPosition(c)} />
      </ChartFrame>
      <ChartFrame title="Expert load" subtitle={`${label} · over the ${T} prompt tokens`} testId="experts-load"
        data={() => ({ columns: ['expert', 'tokens', 'weight'], rows: experts.map((e, i) => [i, tokens[i], weight[i]]), meta: { run: id, block: rec.block } })}
      >
        <GroupedBars groups={experts} width={width} height={200} xLabel="expert" yLabel="tokens"
          series={[{ name: 'tokens routed', color: kindColor.moe, values: Array.from(tokens) }, { name: 'routing weight', color: kindColor.mlp, values: Array.from(weight) }]} />
      </ChartFrame>
    </div>
  );
}
