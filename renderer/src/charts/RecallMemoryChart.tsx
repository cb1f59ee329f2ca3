// Recall at the training length against the memory a model keeps for its prompt there (SSM states
// plus the KV cache at that prompt's length): the study's trade-off, one point per bundled model or
// trained variant, with the Wilson 95 % interval of its accuracy.
import { scaleLinear, scaleLog } from 'd3-scale';
import { format } from 'd3-format';
import { AxisBottom, AxisLeft, pct } from './Axis';
import { ink, seriesColor } from '../ui/palette';
import { hideTip, showTip } from '../ui/Tooltip';
import type { Interval } from './recallStats';

export interface MemoryPoint { id: string; name: string; bytes: number; accuracy: number; interval: Interval; samples: number; variant: boolean }

interface Props { points: MemoryPoint[]; entries: number; width: number; height: number }

const M = { top: 14, right: 24, bottom: 42, left: 56 };
const bytes = format('.2~s');

export function RecallMemoryChart({ points, entries, width, height }: Props) {
  const xs = points.map((p) => p.bytes);
  const lo = Math.min(...xs, 1e5);
  const hi = Math.max(...xs, 1e6);
  const x = scaleLog().domain([lo / 1.5, hi * 1.5]).range([M.left, width - M.right]);
  const y = scaleLinear().domain([0, 1]).range([height - M.bottom, M.top]);
  return (
    <svg data-figure width={width} height={height} style={{ display: 'block' }} data-testid="recall-memory-svg">
      {y.ticks(5).map((t) => <line key={t} x1={M.left} x2={width - M.right} y1={y(t)} y2={y(t)} stroke={ink.grid} />)}
      {points.map((p, i) => (
        <g key={p.id} data-testid="memory-point" data-id={p.id} data-bytes={p.bytes} data-accuracy={p.accuracy} style={{ pointerEvents: 'all' }} onMouseLeave={hideTip}
          onMouseMove={(e) => showTip(e.clientX, e.clientY, `${p.name} · ${pct(p.accuracy)} exact at ${entries} entries (95 % ${pct(p.interval.lo)}–${pct(p.interval.hi)}, n=${p.samples}) · cache ${bytes(p.bytes)}B`)}>
          <line x1={x(p.bytes)} x2={x(p.bytes)} y1={y(p.interval.lo)} y2={y(p.interval.hi)} stroke={seriesColor(i)} strokeWidth={1.3} />
          <circle cx={x(p.bytes)} cy={y(p.accuracy)} r={p.variant ? 3.5 : 5} fill={p.variant ? 'white' : seriesColor(i)} stroke={seriesColor(i)} strokeWidth={1.5} />
          <text x={x(p.bytes) + 7} y={y(p.accuracy) + (i % 2 ? 12 : -6)} fontSize={10} fill={ink.text}>{p.name}</text>
        </g>
      ))}
      <AxisBottom scale={x as unknown as Parameters<typeof AxisBottom>[0]['scale']} y={height - M.bottom} label={`cache at the ${entries}-entry prompt: SSM states + KV (float32 bytes)`} ticks={4} tickFormat={(v) => ([1, 2, 5].includes(Math.round(v / 10 ** Math.floor(Math.log10(v)))) ? `${bytes(v)}B` : '')} />
      <AxisLeft scale={y} x={M.left} label={`exact match at ${entries} entries`} tickFormat={pct} />
    </svg>
  );
}
