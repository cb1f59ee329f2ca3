// What the wrong answers are, against book length: the digits right in them (the study's "fuzzy
// memory") beside the chance line, and the share that is another entry's number copied whole, with
// its Wilson 95 % interval. Two panels over one x axis; points without wrong answers are left out.
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { format } from 'd3-format';
import { AxisBottom, AxisLeft, pct } from './Axis';
import type { CurvePoint } from '../store/sweepSlice';
import { ink } from '../ui/palette';
import { hideTip, showTip } from '../ui/Tooltip';
import { copyInterval, wrongOf, xOf, type RecallAxis } from './recallData';
import { recallTicks, recallXScale, trainingAt, type TrainingMark } from './RecallChart';
import { CHANCE_WRONG_DIGITS } from './recallStats';
import { Marker } from './Marker';
import type { SeriesStyle } from './seriesStyle';

interface Props { series: SeriesStyle[]; points: CurvePoint[]; width: number; height: number; axis: RecallAxis; train?: TrainingMark }

const M = { top: 24, bottom: 42, left: 56, gap: 64 };
const pct1 = format('.1%');
const int = format(',d');

type Measure = { title: string; value: (p: CurvePoint) => number | null | undefined; interval?: (p: CurvePoint) => { lo: number; hi: number } | null; chance?: number; testId: string };

const MEASURES: Measure[] = [
  { title: 'digits right in the wrong answers', value: (p) => p.wrongDigitAccuracy, chance: CHANCE_WRONG_DIGITS, testId: 'wrong-digits' },
  { title: 'wrong answers that copy another entry\'s number', value: (p) => p.wrongOtherEntry, interval: copyInterval, testId: 'wrong-copies' },
];

export function WrongAnswersChart({ series, points, width, height, axis, train }: Props) {
  const wrong = points.filter((p) => wrongOf(p) > 0);
  const mark = trainingAt(train, axis);
  // the recall chart's x domain, so that the three panels line up by length
  const xs = [...points.map((p) => xOf(p, axis)), ...(mark ? [mark.x] : [])];
  const panel = (width - M.left - M.gap - 12) / 2;
  const y = scaleLinear().domain([0, 1]).range([height - M.bottom, M.top]);
  return (
    <svg data-figure width={width} height={height} style={{ display: 'block' }} data-testid="wrong-answers-svg">
      {MEASURES.map((m, k) => {
        const left = M.left + k * (panel + M.gap);
        const x = recallXScale(xs.length ? xs : [1, 10], [left, left + panel]);
        const at = (p: CurvePoint) => x(xOf(p, axis));
        const known = (p: CurvePoint) => m.value(p) !== null && m.value(p) !== undefined;
        const path = line<CurvePoint>().defined(known).x(at).y((p) => y(m.value(p) ?? 0));
        return (
          <g key={m.testId} data-testid={m.testId}>
            <text x={left} y={12} fontSize={12} fill={ink.text}>{m.title}</text>
            {y.ticks(5).map((t) => <line key={t} x1={left} x2={left + panel} y1={y(t)} y2={y(t)} stroke={ink.grid} />)}
            {mark && x(mark.x) <= left + panel && <line x1={x(mark.x)} x2={x(mark.x)} y1={M.top} y2={height - M.bottom} stroke={ink.faint} strokeDasharray="2 3" />}
            {m.chance !== undefined && (
              <g data-testid="chance-line" data-value={m.chance}>
                <line x1={left} x2={left + panel} y1={y(m.chance)} y2={y(m.chance)} stroke={ink.text} strokeDasharray="6 3" strokeWidth={1} />
                <text x={left + panel - 2} y={y(m.chance) - 4} fontSize={10} textAnchor="end" fill={ink.label}>chance {pct1(m.chance)}</text>
              </g>
            )}
            {series.map((s) => {
              const pts = wrong.filter((p) => p.series === s.key && known(p)).sort((a, b) => xOf(a, axis) - xOf(b, axis));
              return (
                <g key={s.key} data-series={s.key} data-points={pts.length} opacity={s.reference ? 0.4 : 1}>
                  <path d={path(pts) ?? ''} fill="none" stroke={s.color} strokeWidth={s.reference ? 1.2 : 2} />
                  {pts.map((p) => {
                    const ci = m.interval?.(p);
                    const v = m.value(p)!;
                    return (
                      <g key={p.entries} style={{ pointerEvents: 'all' }} onMouseLeave={hideTip}
                        onMouseMove={(e) => showTip(e.clientX, e.clientY, `${s.key} · ${p.entries} entries · ${m.title}: ${pct(v)}${ci ? ` (95 % ${pct(ci.lo)}–${pct(ci.hi)})` : ''} · ${wrongOf(p)} wrong of ${p.samples}`)}>
                        {ci && <line x1={at(p)} x2={at(p)} y1={y(ci.lo)} y2={y(ci.hi)} stroke={s.color} />}
                        <Marker kind={s.marker} x={at(p)} y={y(v)} color={s.color} size={s.reference ? 0.7 : 1} />
                      </g>
                    );
                  })}
                </g>
              );
            })}
            <AxisBottom scale={x} y={height - M.bottom} label={axis === 'entries' ? 'phonebook entries' : 'prompt tokens (mean per point)'} ticks={5} tickFormat={(v) => int(v)} values={recallTicks(axis, x.domain())} />
            <AxisLeft scale={y} x={left} tickFormat={pct} />
          </g>
        );
      })}
    </svg>
  );
}
