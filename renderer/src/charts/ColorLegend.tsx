// A horizontal colour bar with its value range, for the dense maps.
import type { ColorMap } from './scales';
import { num3 } from './Axis';
import { ink } from '../ui/palette';

export function ColorLegend({ cmap, x, y, width = 120, label }: { cmap: ColorMap; x: number; y: number; width?: number; label: string }) {
  const id = `grad-${label.replace(/[^a-z0-9]/gi, '')}-${Math.round(cmap.hi * 1e6)}`;
  const stops = Array.from({ length: 11 }, (_, i) => i / 10);
  return (
    <g transform={`translate(${x},${y})`} fontSize={10} fill={ink.label}>
      <defs>
        <linearGradient id={id}>
          {stops.map((s) => <stop key={s} offset={s} stopColor={cmap.css(cmap.lo + s * (cmap.hi - cmap.lo))} />)}
        </linearGradient>
      </defs>
      <text y={-4}>{label}</text>
      <rect width={width} height={8} fill={`url(#${id})`} />
      <text y={19}>{num3(cmap.lo)}</text>
      <text x={width} y={19} textAnchor="end">{num3(cmap.hi)}</text>
    </g>
  );
}
