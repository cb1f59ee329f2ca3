// Cost against context length: one line per model / layout (measured ms per generated token, or
// prefill ms), in the recall chart's style.
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { AxisBottom, AxisLeft } from './Axis';
import type { CostPoint } from '../store/costSlice';
import { seriesColor, ink } from '../ui/palette';
import { hideTip, showTip } from '../ui/Tooltip';

interface Props { points: CostPoint[]; metric: 'msPerToken' | 'prefillMs'; width: number; height: number }

const wide = { top: 14, right: 220, bottom: 42, left: 56 };
// half-width charts keep their plot area: the legend moves above the plot
const narrow = { top: 22, right: 20, bottom: 42, left: 56 };
const LABEL = { msPerToken: 'ms per generated token', prefillMs: 'prefill ms' } as const;

export function CostChart({ points, metric, width, height }: Props) {
  const M = width < 700 ? { ...narrow, top: narrow.top + 16 * new Set(points.map((p) => p.series)).size } : wide;
  const series = [...new Set(points.map((p) => p.series))];
  const xMax = Math.max(1, ...points.map((p) => p.promptTokens));
  const yMax = Math.max(1e-3, ...points.map((p) => p[metric]));
  const x = scaleLinear().domain([0, xMax]).range([M.left, width - M.right]).nice();
  const y = scaleLinear().domain([0, yMax]).range([height - M.bottom, M.top]).nice();
  const path = line<CostPoint>().x((p) => x(p.promptTokens)).y((p) => y(p[metric]));
  return (
    <svg data-figure width={width} height={height} style={{ display: 'block' }} data-testid={`cost-${metric}`}>
      {y.ticks(5).map((t) => <line key={t} x1={M.left} x2={width - M.right} y1={y(t)} y2={y(t)} stroke={ink.grid} />)}
      {series.map((key, i) => {
        const pts = points.filter((p) => p.series === key).sort((a, b) => a.promptTokens - b.promptTokens);
        return (
          <g key={key}>
            <path d={path(pts) ?? ''} fill="none" stroke={seriesColor(i)} strokeWidth={2} />
            {pts.map((p) => <circle key={p.promptTokens} cx={x(p.promptTokens)} cy={y(p[metric])} r={3.5} fill={seriesColor(i)}
              onMouseMove={(e) => showTip(e.clientX, e.clientY, `${key} · ${p.promptTokens} tokens · ${p[metric].toFixed(2)} ${metric === 'msPerToken' ? 'ms/token' : 'ms'}`)} onMouseLeave={hideTip} />)}
          </g>
        );
      })}
      <AxisBottom scale={x} y={height - M.bottom} label="context length (prompt tokens)" />
      <AxisLeft scale={y} x={M.left} label={LABEL[metric]} />
      <g transform={M.right === wide.right ? `translate(${width - M.right + 18},${M.top + 8})` : `translate(${M.left},16)`} fontSize={11} fill={ink.text}>
        {series.map((key, i) => <g key={key} transform={`translate(0,${i * 18})`}><line x2={18} y1={-4} y2={-4} stroke={seriesColor(i)} strokeWidth={2} /><text x={24}>{key.length > 30 ? `${key.slice(0, 29)}…` : key}</text></g>)}
      </g>
    </svg>
  );
}
