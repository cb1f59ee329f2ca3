// Accuracy over target depth × book length for one model / layout (the "needle" grid): few cells,
// so SVG rectangles with their value printed, viridis colours.
import { scaleBand } from 'd3-scale';
import { colorMap } from './scales';
import { ColorLegend } from './ColorLegend';
import type { DepthGrid } from './recallData';
import { pct } from './Axis';
import { ink } from '../ui/palette';

const M = { top: 12, right: 160, bottom: 42, left: 64 };

export function DepthGridChart({ grid, width, height }: { grid: DepthGrid; width: number; height: number }) {
  const x = scaleBand<string>().domain(grid.entries.map(String)).range([M.left, width - M.right]).padding(0.04);
  const y = scaleBand<string>().domain(grid.depths.map(String)).range([M.top, height - M.bottom]).padding(0.04);
  const cmap = colorMap(0, 1);
  return (
    <svg data-figure width={width} height={height} style={{ display: 'block' }} data-testid="depth-grid">
      {grid.depths.map((d, i) => grid.entries.map((e, j) => {
        const v = grid.accuracy[i][j];
        const cx = x(String(e)) ?? 0, cy = y(String(d)) ?? 0;
        return (
          <g key={`${d}:${e}`}>
            <rect data-cell={v ?? "none"} x={cx} y={cy} width={x.bandwidth()} height={y.bandwidth()} fill={v === null ? ink.empty : cmap.css(v)} />
            {v !== null && <text x={cx + x.bandwidth() / 2} y={cy + y.bandwidth() / 2} dy="0.32em" textAnchor="middle" fontSize={11} fill={v > 0.6 ? '#1e2226' : '#ffffff'}>{pct(v)}</text>}
          </g>
        );
      }))}
      <g fontSize={11} fill={ink.label}>
        {grid.entries.map((e) => <text key={e} x={(x(String(e)) ?? 0) + x.bandwidth() / 2} y={height - M.bottom + 15} textAnchor="middle">{e}</text>)}
        {grid.depths.map((d) => <text key={d} x={M.left - 6} y={(y(String(d)) ?? 0) + y.bandwidth() / 2} dy="0.32em" textAnchor="end">{pct(d)}</text>)}
        <text x={(M.left + width - M.right) / 2} y={height - 8} textAnchor="middle" fontSize={12} fill={ink.text}>phonebook entries</text>
        <text transform={`translate(14,${(M.top + height - M.bottom) / 2}) rotate(-90)`} textAnchor="middle" fontSize={12} fill={ink.text}>target depth</text>
      </g>
      <ColorLegend cmap={cmap} x={width - M.right + 18} y={M.top + 14} label="exact-match accuracy" />
    </svg>
  );
}
