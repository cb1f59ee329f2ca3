// SSM: state norm and dt as heads × tokens heatmaps, the implicit attention of the focus row
// (Mamba-2's M[t, s], SSD duality) and its mass per entry — where the memory fades — and the
// state snapshot h (P × N) of one head at the focus token.
import { useState } from 'react';
import { appStore, useApp } from '../store/appStore';
import { useRun } from '../cache/useRun';
import { useWidth } from '../ui/useWidth';
import { ChartFrame } from '../charts/ChartFrame';
import { HeatmapChart } from '../charts/HeatmapChart';
import { PositionCurves } from '../charts/PositionCurves';
import { EntryMassChart } from '../charts/EntryMassChart';
import { seriesColor, ink } from '../ui/palette';
import { HeadPicker, LayerPicker } from './Pickers';
import { entryMarks, headRow, pickRecord, pickRow } from './inspect';
import { StateSnapshot } from './StateSnapshot';
import type { Tensor } from '../../../app/protocol';

export function SsmView() {
  const { id, meta, data } = useRun('current');
  const inspectBlock = useApp((s) => s.inspectBlock);
  const focusPos = useApp((s) => s.focusPos);
  const head = useApp((s) => s.head) - 1;
  const [chosen, setChosen] = useState<number | null>(null);
  const [log, setLog] = useState(true);
  const [ref, width] = useWidth<HTMLDivElement>(900);
  // every Mamba layer, also one whose arrays the capture budget dropped: its panels say so
  const records = (data?.records ?? []).filter((r) => r?.ssm);
  const rec = pickRecord(records, inspectBlock, chosen);
  const prompt = data?.prompt ?? null;
  if (!meta) return <div className="empty"><b>No run yet</b>Run a prompt to see the Mamba layers' states.</div>;
  if (!rec) {
    return meta.status === 'running'
      ? <div className="empty"><span className="spinner" />Waiting for the first Mamba layer…</div>
      : <div className="empty" data-testid="no-ssm"><b>No Mamba layers in this layout</b>Attention-only layouts keep a KV cache instead of a state.</div>;
  }
  const ssm = rec.ssm!;
  const { stateNorm, dt } = ssm;
  const [H, T] = (stateNorm ?? dt)?.shape ?? [ssm.entryMass?.shape[0] ?? ssm.implicitRows?.shape[0] ?? 1, prompt?.tokens.length ?? 0];
  const row = pickRow(rec, prompt, focusPos);
  const pos = rec.focus[row];
  const marks = entryMarks(prompt);
  const label = `block ${rec.block} (position ${rec.index})`;
  const half = Math.max(320, Math.floor((width - 14) / 2));
  const heatH = Math.min(220, 70 + H * 14);
  const s = appStore.getState();
  const tableOf = (a: Tensor, name: string) => () => ({
    columns: ['head', 'token', name], rows: Array.from(a.data, (v, i) => [Math.floor(i / T), i % T, v]), meta: { run: id, block: rec.block },
  });
  return (
    <div ref={ref} data-testid="ssm-view" style={{ display: 'flex', flexDirection: 'column', gap: 14 }}>
      <div style={{ display: 'flex', gap: 12, alignItems: 'center', flexWrap: 'wrap' }}>
        <LayerPicker records={records} current={rec.index} onPick={(i) => setChosen(i)} />
        <HeadPicker heads={H} head={head} onPick={(h) => s.selectHead(h + 1)} label={rec.kind === 'mamba1' ? 'channel group' : 'head'} />
        <span className="small muted">focus row: token {pos}</span>
      </div>
      {ssm.implicitRows
        ? <ImplicitRow rows={ssm.implicitRows} row={row} head={head} width={width} marks={marks} tokens={prompt?.tokens} log={log} setLog={setLog} pos={pos} label={label} />
        : <Dropped title="Implicit attention" label={label} testId="ssm-implicit" notices={rec.notices} what="implicit rows" />}
      {!ssm.entryMass && <Dropped title="Implicit attention mass per entry" label={label} testId="ssm-mass" notices={rec.notices} what="implicit entry mass" />}
      {ssm.entryMass && prompt?.phonebook && (() => {
        const mass = headRow(ssm.entryMass, head, row);
        return (
          <ChartFrame title="Implicit attention mass per entry" subtitle={`${label} · from token ${pos}`} testId="ssm-mass"
            data={() => ({ columns: ['entry', 'mass', 'target'], rows: Array.from(mass, (v, i) => [i + 1, v, i === prompt.phonebook!.target]), meta: { block: rec.block, head } })}
          >
            <EntryMassChart mass={mass} target={prompt.phonebook.target} examples={prompt.phonebook.examples} names={prompt.phonebook.entries.map((e) => e.name)} width={width} height={190} yLabel="implicit mass" />
          </ChartFrame>
        );
      })()}
      {stateNorm
        ? <ChartFrame title="State norm ‖h‖" subtitle={`${label} · heads × tokens`} testId="ssm-state-norm" data={tableOf(stateNorm, 'state_norm')}>
            <HeatmapChart data={stateNorm.data} rows={H} cols={T} width={width} height={heatH} rowLabel="head" colLabel="token" valueLabel="‖h‖" layer="ssm-norm" marks={marks} onPick={(_, c) => s.focusPosition(c)} />
          </ChartFrame>
        : <Dropped title="State norm ‖h‖" label={label} testId="ssm-state-norm" notices={rec.notices} what="state norms" />}
      {dt
        ? <ChartFrame title="Step size Δ (dt)" subtitle={`${label} · heads × tokens`} testId="ssm-dt" data={tableOf(dt, 'dt')}>
            <HeatmapChart data={dt.data} rows={H} cols={T} width={width} height={heatH} rowLabel="head" colLabel="token" valueLabel="dt" layer="ssm-dt" marks={marks} scheme="blues" onPick={(_, c) => s.focusPosition(c)} />
          </ChartFrame>
        : <Dropped title="Step size Δ (dt)" label={label} testId="ssm-dt" notices={rec.notices} what="dt" />}
      <StateSnapshot runId={id} record={rec} head={Math.max(0, head)} position={focusPos ?? pos} width={half} />
    </div>
  );
}

/** A panel whose array the capture budget dropped: the record's own notice, not another layer's data. */
function Dropped({ title, label, testId, notices, what }: { title: string; label: string; testId: string; notices?: string[]; what: string }) {
  const notice = notices?.find((n) => n.includes(`mixer ${what} (`) || n.endsWith(`mixer ${what}`));
  return (
    <div className="empty" data-testid={testId} data-dropped="true" style={{ minHeight: 0, padding: '10px 14px' }}>
      <b>{title} · {label}: not in this run</b>
      {notice ? `${notice.replace(/^dropped /, 'Dropped ')}; a larger capture budget keeps it.` : 'Not captured for this layer.'}
    </div>
  );
}

function ImplicitRow({ rows, row, head, width, marks, tokens, log, setLog, pos, label }: {
  rows: Tensor; row: number; head: number; width: number; marks: ReturnType<typeof entryMarks>; tokens?: string[];
  log: boolean; setLog(v: boolean): void; pos: number; label: string;
}) {
  const H = rows.shape[0];
  const curves = Array.from({ length: H }, (_, h) => ({ key: `head ${h}`, values: headRow(rows, h, row), color: seriesColor(0), strong: h === head }));
  if (head < 0) curves.push({ key: 'mean of heads', values: headRow(rows, -1, row), color: ink.text, strong: true });
  return (
    <ChartFrame
      title="Implicit attention" subtitle={`${label} · M[t, s] from token ${pos}`} testId="ssm-implicit"
      tools={<label className="small"><input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> log scale</label>}
      data={() => ({ columns: ['key', ...curves.map((c) => c.key)], rows: Array.from(curves[0].values, (_, t) => [t, ...curves.map((c) => c.values[t])]) })}
    >
      <PositionCurves curves={curves} width={width} height={220} yLabel={log ? 'log₁₀ |M[t, s]|' : 'M[t, s]'} marks={marks} tokens={tokens} log={log} />
    </ChartFrame>
  );
}
