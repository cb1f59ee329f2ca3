// Recall curves, the study's Figure 3 in miniature: accuracy vs phonebook length, one line per
// model / layout (Okabe–Ito colours, markers), exact match solid and per-digit accuracy dashed.
import { scaleLinear, scaleLog } from 'd3-scale';
import { line } from 'd3-shape';
import { AxisBottom, AxisLeft, pct } from './Axis';
import type { CurvePoint } from '../store/sweepSlice';
import { seriesColor, ink } from '../ui/palette';
import { hideTip, showTip } from '../ui/Tooltip';

interface Props { series: string[]; points: CurvePoint[]; width: number; height: number; digits: boolean; trainMax?: number }

const M = { top: 14, right: 220, bottom: 42, left: 56 };
const MARKERS = ['circle', 'square', 'triangle', 'diamond'] as const;

export function recallXScale(entries: number[], range: [number, number]) {
  const lo = Math.min(...entries);
  const hi = Math.max(...entries);
  // a log axis once lengths span more than 8×, as the study's doubling lengths do
  return hi / Math.max(1, lo) > 8 ? scaleLog().domain([lo, hi]).range(range).nice() : scaleLinear().domain([Math.min(0, lo), hi]).range(range).nice();
}

function Marker({ kind, x, y, color }: { kind: (typeof MARKERS)[number]; x: number; y: number; color: string }) {
  if (kind === 'circle') return <circle cx={x} cy={y} r={3.5} fill={color} />;
  if (kind === 'square') return <rect x={x - 3.2} y={y - 3.2} width={6.4} height={6.4} fill={color} />;
  if (kind === 'triangle') return <path d={`M${x},${y - 4.2} L${x + 4},${y + 3} L${x - 4},${y + 3} Z`} fill={color} />;
  return <path d={`M${x},${y - 4.5} L${x + 4.5},${y} L${x},${y + 4.5} L${x - 4.5},${y} Z`} fill={color} />;
}

export function RecallChart({ series, points, width, height, digits, trainMax }: Props) {
  const entries = [...new Set(points.map((p) => p.entries))];
  const x = recallXScale(entries.length ? entries : [1, 10], [M.left, width - M.right]);
  const y = scaleLinear().domain([0, 1]).range([height - M.bottom, M.top]);
  const path = line<CurvePoint>().x((p) => x(p.entries)).y((p) => y(p.accuracy));
  const dpath = line<CurvePoint>().x((p) => x(p.entries)).y((p) => y(p.digitAccuracy));
  return (
    <svg data-figure width={width} height={height} style={{ display: 'block' }} data-testid="recall-svg">
      {y.ticks(5).map((t) => <line key={t} x1={M.left} x2={width - M.right} y1={y(t)} y2={y(t)} stroke={ink.grid} />)}
      {trainMax !== undefined && x(trainMax) <= width - M.right && (
        <g>
          <line x1={x(trainMax)} x2={x(trainMax)} y1={M.top} y2={height - M.bottom} stroke={ink.faint} strokeDasharray="2 3" />
          <text x={x(trainMax) + 4} y={M.top + 10} fontSize={10} fill={ink.faint}>training length</text>
        </g>
      )}
      {series.map((key, i) => {
        const pts = points.filter((p) => p.series === key).sort((a, b) => a.entries - b.entries);
        const c = seriesColor(i);
        return (
          <g key={key} data-testid="recall-series" data-series={key} data-points={pts.length}>
            {digits && <path d={dpath(pts) ?? ''} fill="none" stroke={c} strokeWidth={1.2} strokeDasharray="4 3" opacity={0.8} />}
            <path d={path(pts) ?? ''} fill="none" stroke={c} strokeWidth={2} />
            {pts.map((p) => (
              <g key={p.entries}
                onMouseMove={(e) => showTip(e.clientX, e.clientY, `${key} · ${p.entries} entries (~${Math.round(p.meanTokens)} tokens) · exact ${pct(p.accuracy)} · digits ${pct(p.digitAccuracy)} · n=${p.samples}`)}
                onMouseLeave={hideTip} style={{ pointerEvents: 'all' }}
              >
                <Marker kind={MARKERS[i % MARKERS.length]} x={x(p.entries)} y={y(p.accuracy)} color={c} />
              </g>
            ))}
          </g>
        );
      })}
      <AxisBottom scale={x} y={height - M.bottom} label="phonebook entries" ticks={Math.min(8, entries.length + 2)} tickFormat={(v) => String(v)} />
      <AxisLeft scale={y} x={M.left} label="accuracy" tickFormat={pct} />
      <g transform={`translate(${width - M.right + 18},${M.top + 8})`} fontSize={11} fill={ink.text}>
        {series.map((key, i) => (
          <g key={key} transform={`translate(0,${i * 18})`}>
            <line x1={0} x2={18} y1={-4} y2={-4} stroke={seriesColor(i)} strokeWidth={2} />
            <Marker kind={MARKERS[i % MARKERS.length]} x={9} y={-4} color={seriesColor(i)} />
            <text x={24}>{key.length > 30 ? `${key.slice(0, 29)}…` : key}</text>
          </g>
        ))}
        {digits && (
          <g transform={`translate(0,${series.length * 18 + 8})`} fill={ink.label}>
            <line x1={0} x2={18} y1={-4} y2={-4} stroke={ink.label} strokeDasharray="4 3" /><text x={24}>per-digit accuracy</text>
          </g>
        )}
      </g>
    </svg>
  );
}
