// Recall curves, the study's Figure 3 in miniature: exact-match accuracy against book length (in
// entries or prompt tokens), one line per model / layout, each point with its Wilson 95 % interval;
// the bundled models' shipped evaluations faintly behind, and the training length marked.
import { scaleLinear, scaleLog } from 'd3-scale';
import { line } from 'd3-shape';
import { format } from 'd3-format';
import { AxisBottom, AxisLeft, pct } from './Axis';
import type { CurvePoint } from '../store/sweepSlice';
import { ink } from '../ui/palette';
import { hideTip, showTip } from '../ui/Tooltip';
import { accuracyInterval, xOf, type RecallAxis } from './recallData';
import { Marker } from './Marker';
import type { SeriesStyle } from './seriesStyle';

export interface TrainingMark {
  entries?: number;
  /** The longest sequence training fed the model, in tokens. */
  tokens?: number;
}

interface Props {
  /** Measured series, then reference series; each with its colour and marker. */
  series: SeriesStyle[];
  points: CurvePoint[];
  width: number;
  height: number;
  digits: boolean;
  axis: RecallAxis;
  train?: TrainingMark;
}

const M = { top: 14, right: 230, bottom: 42, left: 56 };
const int = format(',d');

export function recallXScale(values: number[], range: [number, number]) {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  // a log axis once lengths span more than 8×, as the study's doubling lengths do (a little room on
  // either side rather than a decade's worth of nice())
  return hi / Math.max(1, lo) > 8 ? scaleLog().domain([lo / 1.15, hi * 1.15]).range(range) : scaleLinear().domain([Math.min(0, lo), hi]).range(range).nice();
}

/** The ticks of a recall x axis: on a log axis the doubling lengths (entries) or 1-2-5 steps (tokens)
 *  inside its domain, so that the labels name the lengths swept and do not crowd; else the scale's own. */
export function recallTicks(axis: RecallAxis, domain: number[]): number[] | undefined {
  const [lo, hi] = domain;
  if (hi / Math.max(lo, 1e-9) <= 8 || lo <= 0) return undefined;
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); 10 ** e <= hi; e++) {
    for (const k of axis === 'entries' ? [] : [1, 2, 5]) if (k * 10 ** e >= lo && k * 10 ** e <= hi) out.push(k * 10 ** e);
  }
  if (axis === 'entries') for (let v = 2 ** Math.ceil(Math.log2(lo)); v <= hi; v *= 2) out.push(v);
  return out;
}

/** The training length on the chosen axis and what it is called there. */
export function trainingAt(train: TrainingMark | undefined, axis: RecallAxis): { x: number; label: string } | null {
  if (axis === 'entries') return train?.entries ? { x: train.entries, label: `trained to ${train.entries} entries` } : null;
  return train?.tokens ? { x: train.tokens, label: `longest training sequence, ${int(train.tokens)} tokens` } : null;
}

export function RecallChart({ series, points, width, height, digits, axis, train }: Props) {
  const mark = trainingAt(train, axis);
  const xs = [...points.map((p) => xOf(p, axis)), ...(mark ? [mark.x] : [])];
  const x = recallXScale(xs.length ? xs : [1, 10], [M.left, width - M.right]);
  const y = scaleLinear().domain([0, 1]).range([height - M.bottom, M.top]);
  const at = (p: CurvePoint) => x(xOf(p, axis));
  const path = line<CurvePoint>().x(at).y((p) => y(p.accuracy));
  const dpath = line<CurvePoint>().x(at).y((p) => y(p.digitAccuracy));
  const [x0, x1] = x.range();
  const measured = series.filter((s) => !s.reference);
  const references = series.filter((s) => s.reference);
  return (
    <svg data-figure width={width} height={height} style={{ display: 'block' }} data-testid="recall-svg" data-axis={axis}>
      {y.ticks(5).map((t) => <line key={t} x1={x0} x2={x1} y1={y(t)} y2={y(t)} stroke={ink.grid} />)}
      {mark && x(mark.x) <= x1 && (
        <g data-testid="training-mark" data-x={mark.x}>
          <rect x={x(mark.x)} y={M.top} width={Math.max(0, x1 - x(mark.x))} height={height - M.bottom - M.top} fill={ink.band} opacity={0.7} />
          <line x1={x(mark.x)} x2={x(mark.x)} y1={M.top} y2={height - M.bottom} stroke={ink.faint} strokeDasharray="2 3" />
          {/* the label on the side with room for it: right of the line, or left of it near the edge */}
          <g transform={`translate(${x1 - x(mark.x) > 170 ? x(mark.x) + 4 : x(mark.x) - 4},0)`} textAnchor={x1 - x(mark.x) > 170 ? 'start' : 'end'} fontSize={10}>
            <text y={M.top + 10} fill={ink.label}>{mark.label}</text>
            <text y={M.top + 22} fill={ink.faint}>{x1 - x(mark.x) > 170 ? 'beyond: untrained lengths' : 'untrained lengths to the right'}</text>
          </g>
        </g>
      )}
      {[...references, ...measured].map((s) => {
        const pts = points.filter((p) => p.series === s.key).sort((a, b) => xOf(a, axis) - xOf(b, axis));
        const faint = s.reference;
        return (
          <g key={s.key} data-testid={faint ? 'recall-reference' : 'recall-series'} data-series={s.key} data-points={pts.length} opacity={faint ? 0.4 : 1}>
            {digits && !faint && <path d={dpath(pts) ?? ''} fill="none" stroke={s.color} strokeWidth={1.2} strokeDasharray="4 3" opacity={0.8} />}
            <path d={path(pts) ?? ''} fill="none" stroke={s.color} strokeWidth={faint ? 1.2 : 2} />
            {pts.map((p) => {
              const ci = accuracyInterval(p);
              const cx = at(p);
              return (
                <g key={p.entries} data-testid="recall-point" data-entries={p.entries} data-lo={ci.lo} data-hi={ci.hi}
                  onMouseMove={(e) => showTip(e.clientX, e.clientY, `${s.key} · ${p.entries} entries (~${Math.round(p.meanTokens)} tokens) · exact ${pct(p.accuracy)} (95 % ${pct(ci.lo)}–${pct(ci.hi)}) · digits ${pct(p.digitAccuracy)} · n=${p.samples}`)}
                  onMouseLeave={hideTip} style={{ pointerEvents: 'all' }}
                >
                  <line x1={cx} x2={cx} y1={y(ci.lo)} y2={y(ci.hi)} stroke={s.color} strokeWidth={faint ? 1 : 1.3} />
                  {!faint && <><line x1={cx - 3} x2={cx + 3} y1={y(ci.lo)} y2={y(ci.lo)} stroke={s.color} /><line x1={cx - 3} x2={cx + 3} y1={y(ci.hi)} y2={y(ci.hi)} stroke={s.color} /></>}
                  <Marker kind={s.marker} x={cx} y={y(p.accuracy)} color={s.color} size={faint ? 0.7 : 1} />
                </g>
              );
            })}
          </g>
        );
      })}
      <AxisBottom scale={x} y={height - M.bottom} label={axis === 'entries' ? 'phonebook entries' : 'prompt tokens (mean per point)'} ticks={axis === 'entries' ? 8 : 6} tickFormat={(v) => int(v)} values={recallTicks(axis, x.domain())} />
      <AxisLeft scale={y} x={M.left} label="exact match (95 % interval)" tickFormat={pct} />
      <g transform={`translate(${width - M.right + 18},${M.top + 8})`} fontSize={11} fill={ink.text}>
        {[...measured, ...references].map((s, i) => (
          <g key={s.key} transform={`translate(0,${i * 18})`} opacity={s.reference ? 0.55 : 1}>
            <line x1={0} x2={18} y1={-4} y2={-4} stroke={s.color} strokeWidth={2} />
            <Marker kind={s.marker} x={9} y={-4} color={s.color} />
            <text x={24}>{s.key.length > 32 ? `${s.key.slice(0, 31)}…` : s.key}</text>
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
