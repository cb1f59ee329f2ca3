// The SSM state h of one head at a token: P × N (Mamba-1: channels × N). Captured focus rows come
// with the record; any other position is fetched on request (state/get) and cached with the run.
import { useEffect, useState } from 'react';
import type { LayerRecord } from '../../../app/protocol';
import type { Tensor } from '../../../app/protocol';
import { ChartFrame } from '../charts/ChartFrame';
import { HeatmapChart } from '../charts/HeatmapChart';
import { fetchState } from '../actions/session';

interface Props { runId: number | null; record: LayerRecord; head: number; position: number; width: number }

export function StateSnapshot({ runId, record, head, position, width }: Props) {
  const captured = record.ssm?.states;
  const row = record.ssm?.statePositions.indexOf(position) ?? -1;
  const inRecord = !!captured && row >= 0;
  const [fetched, setFetched] = useState<{ key: string; state: Tensor | null; error?: string } | null>(null);
  const key = `${runId}:${record.index}:${position}`;
  useEffect(() => {
    if (inRecord || runId === null) return;
    let live = true;
    fetchState(runId, record.index, position).then(
      (state) => { if (live) setFetched({ key, state }); },
      (e) => { if (live) setFetched({ key, state: null, error: e instanceof Error ? e.message : String(e) }); },
    );
    return () => { live = false; };
  }, [inRecord, runId, record.index, position, key]);

  let plane: { data: Float32Array; rows: number; cols: number } | null = null;
  if (inRecord && captured) {
    // Mamba-2 (R, H, P, N); Mamba-1 (R, I, N) is one "head" of I channels
    const [, H, P, N] = captured.shape.length === 4 ? captured.shape : [0, 1, ...captured.shape.slice(1)];
    const h = Math.min(head, H - 1);
    const off = (row * H + h) * P * N;
    plane = { data: captured.data.subarray(off, off + P * N), rows: P, cols: N };
  } else if (fetched?.key === key && fetched.state) {
    const sh = fetched.state.shape;
    const [H, P, N] = sh.length === 3 ? sh : [1, sh[0], sh[1]];
    const h = Math.min(head, H - 1);
    plane = { data: fetched.state.data.subarray(h * P * N, (h + 1) * P * N), rows: P, cols: N };
  }
  const mamba1 = record.kind === 'mamba1';
  return (
    <ChartFrame title="State snapshot h" subtitle={`block ${record.block} · ${mamba1 ? 'channels' : `head ${head}`} · token ${position}`} testId="ssm-state"
      data={() => plane && { columns: ['p', 'n', 'h'], rows: Array.from(plane.data, (v, i) => [Math.floor(i / plane!.cols), i % plane!.cols, v]), meta: { block: record.block, head, position } }}
    >
      {plane
        ? <HeatmapChart data={plane.data} rows={plane.rows} cols={plane.cols} width={width} height={Math.max(180, Math.min(380, 70 + plane.rows * 6))} rowLabel={mamba1 ? 'channel' : 'head dim P'} colLabel="state dim N" valueLabel="h" layer="ssm-state" clip={1} />
        : <div className="empty small">{fetched?.error ?? 'Reading the state…'}</div>}
    </ChartFrame>
  );
}
