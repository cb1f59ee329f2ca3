// Grouped bars: for each group (a layer, a metric) one bar per series (baseline, edited), with
// missing values drawn as a small cross (a dropped layer has no record in the edited run).
import { scaleBand, scaleLinear } from 'd3-scale';
import { AxisLeft } from './Axis';
import { hideTip, showTip } from '../ui/Tooltip';
import { ink } from '../ui/palette';

export interface BarSeries { name: string; color: string; values: (number | null)[] }

interface Props {
  /** Unique group keys; `labels` (same order) are shown under them when given. */
  groups: string[];
  labels?: string[];
  series: BarSeries[];
  width: number;
  height: number;
  yLabel: string;
  xLabel: string;
  yMax?: number;
  format?: (v: number) => string;
  testId?: string;
}

const M = { top: 14, right: 150, bottom: 42, left: 56 };
/** Width of a label character at 11 px, generously (labels are short: `M12`, `7`). */
const CHAR_PX = 7;

export function GroupedBars({ groups, labels, series, width, height, yLabel, xLabel, yMax, format = (v) => v.toPrecision(3), testId }: Props) {
  const x = scaleBand<string>().domain(groups).range([M.left, width - M.right]).paddingInner(0.25).paddingOuter(0.1);
  const inner = scaleBand<string>().domain(series.map((s) => s.name)).range([0, x.bandwidth()]).paddingInner(0.08);
  let max = yMax ?? 0;
  if (yMax === undefined) for (const s of series) for (const v of s.values) if (v !== null && Number.isFinite(v) && v > max) max = v;
  const y = scaleLinear().domain([0, max || 1]).range([height - M.bottom, M.top]).nice();
  // many groups (56 layers) leave no room under each for its label: every k-th is shown
  const longest = Math.max(1, ...groups.map((g, i) => (labels?.[i] ?? g).length));
  const every = Math.max(1, Math.ceil((longest * CHAR_PX + 4) / x.step()));
  return (
    <svg data-figure width={width} height={height} style={{ display: 'block' }} data-testid={testId}>
      {y.ticks(5).map((t) => <line key={t} x1={M.left} x2={width - M.right} y1={y(t)} y2={y(t)} stroke={ink.grid} />)}
      {groups.map((g, gi) => series.map((s) => {
        // a missing or non-finite value (a dropped layer, a shorter answer) is drawn as a cross
        const raw = s.values[gi];
        const v = raw === undefined || raw === null || !Number.isFinite(raw) ? null : raw;
        const bx = (x(g) ?? 0) + (inner(s.name) ?? 0);
        if (v === null) {
          const cy = y(0) - 6;
          return <path key={g + s.name} d={`M${bx + inner.bandwidth() / 2 - 3},${cy - 3} l6,6 m0,-6 l-6,6`} stroke={s.color} strokeWidth={1.4} />;
        }
        return (
          <rect key={g + s.name} x={bx} y={y(v)} width={inner.bandwidth()} height={Math.max(0, y(0) - y(v))} fill={s.color}
            data-series={s.name} data-group={g} data-value={v}
            onMouseMove={(e) => showTip(e.clientX, e.clientY, `${s.name} · ${g} · ${format(v)}`)} onMouseLeave={hideTip} />
        );
      }))}
      <g fontSize={11} fill={ink.label} transform={`translate(0,${height - M.bottom})`}>
        <line x1={M.left} x2={width - M.right} stroke={ink.axis} />
        {groups.map((g, i) => i % every === 0 && <text key={g} x={(x(g) ?? 0) + x.bandwidth() / 2} y={15} textAnchor="middle">{labels?.[i] ?? g}</text>)}
        <text x={(M.left + width - M.right) / 2} y={32} textAnchor="middle" fontSize={12} fill={ink.text}>{xLabel}</text>
      </g>
      <AxisLeft scale={y} x={M.left} label={yLabel} tickFormat={format} />
      <g transform={`translate(${width - M.right + 16},${M.top + 8})`} fontSize={11} fill={ink.text}>
        {series.map((s, i) => <g key={s.name} transform={`translate(0,${i * 18})`}><rect width={10} height={10} y={-9} fill={s.color} /><text x={16}>{s.name.length > 20 ? `${s.name.slice(0, 19)}…` : s.name}</text></g>)}
      </g>
    </svg>
  );
}
