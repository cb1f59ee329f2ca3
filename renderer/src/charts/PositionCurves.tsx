// Curves over token positions: one row of attention (or implicit attention) per head at the query,
// the selected head bold, the rest faint; the target entry shaded. Hover reads the value.
// Each curve is its own memoized path (`CurvePath`), keyed by its values' identity and the numbers
// of its scales: records streaming in re-render the view, but a curve whose row and axes did not
// change keeps its path (thousands of points each) instead of rebuilding and re-setting it. A new
// path is built in a task of its own (paintQueue.ts), not in the render that asked for it.
import { memo, useEffect, useMemo, useState } from 'react';
import { scaleLinear } from 'd3-scale';
import { AxisBottom, AxisLeft } from './Axis';
import { curvePath } from './curvePath';
import { queuePaint } from './paintQueue';
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
  const [d0, d1] = y.domain();
  const frame = { x1: width - M.right, y0: height - M.bottom, d0, d1, logFloor: log ? top - 4 : null };
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
      {curves.filter((c) => !c.strong).map((c) => <CurvePath key={c.key} values={c.values} {...frame} color={c.color} strokeWidth={1} opacity={0.35} />)}
      {strong && <CurvePath values={strong.values} {...frame} color={strong.color} strokeWidth={1.6} />}
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

interface CurveProps {
  values: Float32Array;
  /** x: index 0 … T − 1 onto [M.left, x1]; y: value domain [d0, d1] onto [y0, M.top]. */
  x1: number;
  y0: number;
  d0: number;
  d1: number;
  /** Log view: log10 |v| clamped below at this floor; null for a linear view. */
  logFloor: number | null;
  color: string;
  strokeWidth: number;
  opacity?: number;
}

const CurvePath = memo(function CurvePath({ values, x1, y0, d0, d1, logFloor, color, strokeWidth, opacity }: CurveProps) {
  // until the new path is built the previous one stays (no flicker when a head or row changes)
  const [d, setD] = useState('');
  useEffect(() => queuePaint(() => setD(curvePath(values, M.left, x1, y0, M.top, d0, d1, logFloor))), [values, x1, y0, d0, d1, logFloor]);
  return <path d={d} fill="none" stroke={color} strokeWidth={strokeWidth} opacity={opacity} />;
});
