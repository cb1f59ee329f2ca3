// Attention: the per-head map (pooled overview with zoomable full-resolution tiles), the focus
// row's curves over key positions, and the attention mass each phonebook entry receives.
import { useCallback, useMemo, useState } from 'react';
import { appStore, useApp } from '../store/appStore';
import { useRun } from '../cache/useRun';
import { useWidth } from '../ui/useWidth';
import { ChartFrame } from '../charts/ChartFrame';
import { ZoomMap, type Tile } from '../charts/ZoomMap';
import { PositionCurves } from '../charts/PositionCurves';
import { EntryMassChart } from '../charts/EntryMassChart';
import { meanPlane, plane } from '../charts/paintMatrix';
import { seriesColor, ink } from '../ui/palette';
import { engineTile } from '../actions/session';
import { HeadPicker, LayerPicker } from './Pickers';
import { entryMarks, headRow, pickRecord, pickRow } from './inspect';

export function AttentionView() {
  const { id, meta, data } = useRun('current');
  const inspectBlock = useApp((s) => s.inspectBlock);
  const focusPos = useApp((s) => s.focusPos);
  const head = useApp((s) => s.head) - 1; // store keeps 0 = mean, so a new layer starts on the mean
  const [chosen, setChosen] = useState<number | null>(null);
  const [ref, width] = useWidth<HTMLDivElement>(900);
  // a record whose focus rows the capture budget dropped has nothing to show here
  const records = (data?.records ?? []).filter((r) => r?.attention?.focusProbs);
  const rec = pickRecord(records, inspectBlock, chosen);
  const prompt = data?.prompt ?? null;
  const pooled = rec?.attention?.pooled;
  // one array per (map, head), so the zoomable map keeps its bitmap and zoom while records stream
  const overview = useMemo(() => (pooled ? (head < 0 ? meanPlane(pooled.data, pooled.shape) : plane(pooled.data, pooled.shape, head)) : null), [pooled, head]);
  const fetchTile = useCallback(async (rows: [number, number], cols: [number, number], size: number): Promise<Tile | null> => {
    // a trace keeps the pooled overview only: zooming shows it, no sharper tile is asked for
    if (id === null || !rec || meta?.source === 'trace') return null;
    const r = await engineTile({ runId: id, layer: rec.index, map: 'attention', head: Math.max(0, head), rows, cols, size });
    return { rows, cols, data: r.tile.data, shape: r.tile.shape };
  }, [id, rec, head, meta?.source]);

  if (!meta) return <div className="empty"><b>No run yet</b>Run a prompt to see attention maps.</div>;
  if (!rec) {
    return meta.status === 'running'
      ? <div className="empty"><span className="spinner" />Waiting for the first attention layer…</div>
      : (data?.records ?? []).some((r) => r?.attention)
        ? <div className="empty" data-testid="no-attention"><b>The capture budget dropped the attention rows</b>The run's notices say what was dropped; a larger budget keeps them.</div>
        : <div className="empty" data-testid="no-attention"><b>No attention layers in this layout</b>Pure SSM layers have no attention; the SSM tab shows their implicit attention.</div>;
  }
  const a = rec.attention!;
  const focusProbs = a.focusProbs!;
  const H = focusProbs.shape[0];
  const row = pickRow(rec, prompt, focusPos);
  const pos = rec.focus[row];
  const marks = entryMarks(prompt);
  const curves = Array.from({ length: H }, (_, h) => ({ key: `head ${h}`, values: headRow(focusProbs, h, row), color: seriesColor(0), strong: h === head }));
  if (head < 0) curves.push({ key: 'mean of heads', values: headRow(focusProbs, -1, row), color: ink.text, strong: true });
  const side = pooled?.shape[1] ?? 0;
  const mass = a.entryMass ? headRow(a.entryMass, head, row) : null;
  const half = Math.max(320, Math.floor((width - 14) / 2));
  const label = `block ${rec.block} (position ${rec.index})`;
  const s = appStore.getState();
  return (
    <div ref={ref} data-testid="attention-view" style={{ display: 'flex', flexDirection: 'column', gap: 14 }}>
      <div style={{ display: 'flex', gap: 12, alignItems: 'center', flexWrap: 'wrap' }}>
        <LayerPicker records={records} current={rec.index} onPick={(i) => setChosen(i)} />
        <HeadPicker heads={H} head={head} onPick={(h) => s.selectHead(h + 1)} />
        <span className="small muted">query row: token {pos}</span>
      </div>
      {mass && prompt?.phonebook && (
        <ChartFrame
          title="Attention mass per entry" subtitle={`${label} · from token ${pos} · ${head < 0 ? 'mean of heads' : `head ${head}`}`} testId="attention-mass"
          data={() => ({ columns: ['entry', 'name', 'mass', 'target'], rows: Array.from(mass, (v, i) => [i + 1, prompt.phonebook!.entries[i]?.name ?? '', v, i === prompt.phonebook!.target]), meta: { run: id, layout: meta.layout, block: rec.block, head, query: pos } })}
        >
          <EntryMassChart mass={mass} target={prompt.phonebook.target} examples={prompt.phonebook.examples} names={prompt.phonebook.entries.map((e) => e.name)} width={width} height={200} yLabel="attention mass" />
        </ChartFrame>
      )}
      <div className="grid-2">
        {overview && (
          <ChartFrame title="Attention map" subtitle={`${label} · ${head < 0 ? 'mean' : `head ${head}`}`} testId="attention-map"
            data={() => ({ columns: ['row_cell', 'col_cell', 'value'], rows: Array.from(overview, (v, i) => [Math.floor(i / side), i % side, v]), meta: { stride: a.pooledStride, block: rec.block } })}
          >
            <ZoomMap data={overview} side={side} stride={a.pooledStride ?? 1} T={prompt?.ids.length ?? side} size={Math.min(half - 206, 420)} layer="attention-map" valueLabel="attention" fetchTile={head >= 0 ? fetchTile : undefined} />
          </ChartFrame>
        )}
        <ChartFrame title="Focus row" subtitle={`attention from token ${pos}`} testId="attention-curves"
          data={() => ({ columns: ['key', ...curves.map((c) => c.key)], rows: Array.from(curves[0].values, (_, t) => [t, ...curves.map((c) => c.values[t])]), meta: { block: rec.block, query: pos } })}
        >
          <PositionCurves curves={curves} width={overview ? half : width} height={overview ? Math.min(half - 206, 420) + 52 : 240} yLabel="attention probability" marks={marks} tokens={prompt?.tokens} />
        </ChartFrame>
      </div>
    </div>
  );
}
