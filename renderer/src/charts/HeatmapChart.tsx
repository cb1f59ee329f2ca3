// A dense (rows, cols) matrix on canvas under SVG axes: heads × tokens (dt, state norm), or a
// state snapshot P × N. Hover reports the cell; optional column markers (target entry, focus).
import { useMemo } from 'react';
import { scaleLinear } from 'd3-scale';
import { AxisBottom, AxisLeft } from './Axis';
import { ColorLegend } from './ColorLegend';
import { colorMap, extent, quantile } from './scales';
import { useMatrixCanvas } from './useMatrixCanvas';
import { hideTip, showTip } from '../ui/Tooltip';
import { ink } from '../ui/palette';

export interface ColumnMark { from: number; to: number; color: string; label?: string }

interface Props {
  data: Float32Array;
  rows: number;
  cols: number;
  width: number;
  height: number;
  rowLabel: string;
  colLabel: string;
  valueLabel: string;
  layer: string;
  marks?: ColumnMark[];
  /** Clip the colour scale at this quantile (robust to one spike); 1 = full range. */
  clip?: number;
  scheme?: 'viridis' | 'blues';
  rowName?: (r: number) => string;
  onPick?(row: number, col: number): void;
}

const M = { top: 22, right: 150, bottom: 40, left: 52 };
const intTick = (v: number) => (Number.isInteger(v) ? String(v) : '');

export function HeatmapChart(p: Props) {
  const { data, rows, cols, width, height, marks = [], clip = 0.995 } = p;
  const cmap = useMemo(() => {
    const [lo, hi] = extent(data);
    return colorMap(lo, clip < 1 ? Math.max(lo + 1e-12, quantile(data, clip)) : hi, p.scheme);
  }, [data, clip, p.scheme]);
  const pw = Math.max(10, width - M.left - M.right);
  const ph = Math.max(10, height - M.top - M.bottom);
  const x = scaleLinear().domain([0, cols]).range([M.left, M.left + pw]); // column edges, for marks
  const canvas = useMatrixCanvas(data, rows, cols, cmap, pw, ph);
  const cell = (e: React.MouseEvent) => {
    const r = e.currentTarget.getBoundingClientRect();
    return [Math.floor(((e.clientY - r.top) / r.height) * rows), Math.floor(((e.clientX - r.left) / r.width) * cols)] as const;
  };
  return (
    <div style={{ position: 'relative', width, height }}>
      <canvas
        ref={canvas} data-layer={p.layer}
        style={{ position: 'absolute', left: M.left, top: M.top, width: pw, height: ph, cursor: 'crosshair', imageRendering: 'pixelated' }}
        onMouseMove={(e) => {
          const [r, c] = cell(e);
          if (r >= 0 && r < rows && c >= 0 && c < cols) showTip(e.clientX, e.clientY, `${p.rowName?.(r) ?? `${p.rowLabel} ${r}`} · ${p.colLabel} ${c} · ${p.valueLabel} ${data[r * cols + c].toPrecision(4)}`);
        }}
        onMouseLeave={hideTip}
        onClick={(e) => { const [r, c] = cell(e); p.onPick?.(r, c); }}
      />
      <svg data-figure width={width} height={height} style={{ position: 'absolute', left: 0, top: 0, pointerEvents: 'none' }}>
        <g data-canvas-layer={p.layer} transform={`translate(${M.left},${M.top})`} data-width={pw} data-height={ph} />
        {marks.map((m, i) => (
          <g key={i}>
            <rect x={x(m.from)} y={M.top - 8} width={Math.max(1.5, x(m.to) - x(m.from))} height={5} fill={m.color} />
            <rect x={x(m.from)} y={M.top} width={Math.max(1, x(m.to) - x(m.from))} height={ph} fill="none" stroke={m.color} strokeWidth={1} opacity={0.8} />
          </g>
        ))}
        {/* ticks at cell centres, integers only */}
        <AxisBottom scale={scaleLinear().domain([-0.5, cols - 0.5]).range([M.left, M.left + pw])} y={M.top + ph} label={p.colLabel} ticks={Math.min(cols, 8)} tickFormat={intTick} />
        <AxisLeft scale={scaleLinear().domain([-0.5, rows - 0.5]).range([M.top, M.top + ph])} x={M.left} label={p.rowLabel} ticks={Math.min(rows, Math.max(2, Math.floor(ph / 16)))} tickFormat={intTick} />
        <ColorLegend cmap={cmap} x={M.left + pw + 18} y={M.top + 10} label={p.valueLabel} />
        {marks.filter((m) => m.label).map((m, i) => (
          <g key={i} transform={`translate(${M.left + pw + 18},${M.top + 52 + i * 16})`} fontSize={10} fill={ink.label}>
            <rect width={10} height={5} y={-5} fill={m.color} /><text x={14}>{m.label}</text>
          </g>
        ))}
      </svg>
    </div>
  );
}
