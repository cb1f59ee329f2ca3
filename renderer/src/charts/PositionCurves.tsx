// Curves over token positions: one row of attention (or implicit attention) per head at the query,
// the selected head bold, the rest faint; the target entry shaded. Hover reads the value.
import { useMemo } from 'react';
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { AxisBottom, AxisLeft } from './Axis';
import type { ColumnMark } from './HeatmapChart';
import { hideTip, showTip } from '../ui/Tooltip';
import { ink } from '../ui/palette';

export interface Curve { key: string; values: Float32Array; color: string; strong: boolean }

interface Props {
  curves: Curve[];
  width: number;
  height: number;
  yLabel: string;
  marks?: ColumnMark[];
  tokens?: string[];
  /** Log scale on y (attention rows span orders of magnitude). */
  log?: boolean;
}

const M = { top: 12, right: 150, bottom: 40, left: 52 };

/** Path strings already drawn, by the array they were drawn from (records are never changed once
 *  they arrive) and the scales: a view that redraws while other records stream in (thousands of
 *  points per head) reuses them. A head's row is a view on the record's buffer, hence the offsets. */
const drawn = new WeakMap<ArrayBufferLike, Map<string, string>>();

function cachedPath(values: Float32Array, scales: string, make: () => string): string {
  let byView = drawn.get(values.buffer);
  if (!byView) drawn.set(values.buffer, (byView = new Map()));
  const key = `${values.byteOffset}:${values.length}:${scales}`;
  let d = byView.get(key);
  if (d === undefined) {
    if (byView.size > 512) byView.clear();
    byView.set(key, (d = make()));
  }
  return d;
}

export function PositionCurves({ curves, width, height, yLabel, marks = [], tokens, log }: Props) {
  const T = curves[0]?.values.length ?? 0;
  const x = scaleLinear().domain([0, Math.max(1, T - 1)]).range([M.left, width - M.right]);
  const [yMin, yMax, absMax] = useMemo(() => {
    let lo = 0, hi = 0, abs = 0;
    for (const c of curves) for (const v of c.values) { if (v < lo) lo = v; if (v > hi) hi = v; if (Math.abs(v) > abs) abs = Math.abs(v); }
    return [lo, hi || 1, abs || 1];
  }, [curves]);
  // log view: four decades below the largest magnitude; implicit attention can be negative (C·B)
  const top = Math.ceil(Math.log10(absMax));
  const y = (log ? scaleLinear().domain([top - 4, top]) : scaleLinear().domain([yMin, yMax]).nice()).range([height - M.bottom, M.top]);
  const yv = (v: number) => y(log ? Math.max(top - 4, Math.log10(Math.abs(v) || 1e-30)) : v);
  const toPath = line<number>().x((_, i) => x(i)).y((v) => yv(v));
  const scales = `${width},${height},${T},${log ? `log${top}` : `${y.domain()}`}`;
  const path = (values: Float32Array) => cachedPath(values, scales, () => toPath(Array.from(values)) ?? '');
  const strong = curves.find((c) => c.strong);
  return (
    <svg
      data-figure width={width} height={height} style={{ display: 'block' }}
      onMouseMove={(e) => {
        if (!strong) return;
        const t = Math.round(x.invert(e.clientX - e.currentTarget.getBoundingClientRect().left));
        if (t >= 0 && t < T) showTip(e.clientX, e.clientY, `token ${t} ${JSON.stringify(tokens?.[t] ?? '')} · ${strong.key} ${strong.values[t].toPrecision(3)}`);
      }}
      onMouseLeave={hideTip}
    >
      {marks.map((m, i) => <rect key={i} x={x(m.from)} y={M.top} width={Math.max(1, x(m.to) - x(m.from))} height={height - M.top - M.bottom} fill={m.color} opacity={0.16} />)}
      {curves.filter((c) => !c.strong).map((c) => <path key={c.key} d={path(c.values)} fill="none" stroke={c.color} strokeWidth={1} opacity={0.35} />)}
      {strong && <path d={path(strong.values)} fill="none" stroke={strong.color} strokeWidth={1.6} />}
      <AxisBottom scale={x} y={height - M.bottom} label="key position (token)" />
      <AxisLeft scale={y} x={M.left} label={yLabel} ticks={log ? 4 : 5} tickFormat={log ? (v) => (Number.isInteger(v) ? `1e${v}` : '') : undefined} />
      <g transform={`translate(${width - M.right + 16},${M.top + 6})`} fontSize={11} fill={ink.label}>
        {strong && <g><line x2={16} y1={-4} y2={-4} stroke={strong.color} strokeWidth={2} /><text x={22}>{strong.key}</text></g>}
        {curves.length > 1 && <g transform="translate(0,16)"><line x2={16} y1={-4} y2={-4} stroke={ink.faint} opacity={0.5} /><text x={22}>other heads</text></g>}
        {marks.filter((m) => m.label).map((m, i) => (
          <g key={i} transform={`translate(0,${32 + i * 16})`}><rect width={16} height={8} y={-8} fill={m.color} opacity={0.3} /><text x={22}>{m.label}</text></g>
        ))}
      </g>
    </svg>
  );
}
