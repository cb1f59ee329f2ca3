// Mass per phonebook entry: how much (implicit) attention each entry receives from the query,
// one bar per entry, the target in vermillion, few-shot examples in orange.
import { scaleBand, scaleLinear } from 'd3-scale';
import { AxisLeft } from './Axis';
import { hideTip, showTip } from '../ui/Tooltip';
import { ink } from '../ui/palette';

interface Props {
  mass: Float32Array;
  target: number;
  examples: number[];
  names?: string[];
  width: number;
  height: number;
  yLabel: string;
}

const M = { top: 12, right: 150, bottom: 40, left: 52 };
export const massColors = { target: '#D55E00', example: '#E69F00', other: '#0072B2' };

export function argmax(xs: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}

/** A peak worth naming: at least 20 % above every other entry. */
function distinctPeak(mass: Float32Array, top: number): boolean {
  for (let i = 0; i < mass.length; i++) if (i !== top && mass[i] * 1.2 > mass[top]) return false;
  return mass.length > 1;
}

export function EntryMassChart({ mass, target, examples, names, width, height, yLabel }: Props) {
  const E = mass.length;
  const keys = Array.from({ length: E }, (_, i) => String(i));
  const x = scaleBand<string>().domain(keys).range([M.left, width - M.right]).paddingInner(E > 80 ? 0 : 0.15);
  let max = 0;
  for (const v of mass) if (Number.isFinite(v)) max = Math.max(max, v);
  const y = scaleLinear().domain([0, max || 1]).range([height - M.bottom, M.top]).nice();
  const top = argmax(mass);
  const every = Math.max(1, Math.ceil(E / 12));
  const color = (i: number) => (i === target ? massColors.target : examples.includes(i) ? massColors.example : massColors.other);
  return (
    <svg data-figure width={width} height={height} style={{ display: 'block' }} data-argmax={top} data-target={target} data-testid="entry-mass">
      {Array.from(mass, (v, i) => (
        <rect
          key={i} x={x(String(i))} y={y(Number.isFinite(v) ? v : 0)} width={Math.max(1, x.bandwidth())} height={Number.isFinite(v) ? Math.max(0, y(0) - y(v)) : 0} data-value={v}
          fill={color(i)} opacity={i === target || examples.includes(i) ? 1 : 0.55}
          onMouseMove={(e) => showTip(e.clientX, e.clientY, `entry ${i + 1}${names?.[i] ? ` ${names[i]}` : ''}${i === target ? ' (target)' : ''} · ${yLabel} ${v.toPrecision(3)}`)}
          onMouseLeave={hideTip}
        />
      ))}
      <g fontSize={11} fill={ink.label} transform={`translate(0,${height - M.bottom})`}>
        <line x1={M.left} x2={width - M.right} stroke={ink.axis} />
        {keys.map((k, i) => (i % every === 0 || i === target) && (
          <text key={k} x={(x(k) ?? 0) + x.bandwidth() / 2} y={15} textAnchor="middle" fontWeight={i === target ? 700 : 400} fill={i === target ? massColors.target : undefined}>{i + 1}</text>
        ))}
        <text x={(M.left + width - M.right) / 2} y={31} textAnchor="middle" fontSize={12} fill={ink.text}>phonebook entry</text>
      </g>
      <AxisLeft scale={y} x={M.left} label={yLabel} />
      <g transform={`translate(${width - M.right + 16},${M.top + 6})`} fontSize={11} fill={ink.label}>
        {([['target', massColors.target], ['few-shot', massColors.example], ['other entries', massColors.other]] as const).map(([l, c], i) => (
          <g key={l} transform={`translate(0,${i * 16})`}><rect width={10} height={10} y={-9} fill={c} /><text x={16}>{l}</text></g>
        ))}
        {distinctPeak(mass, top) && <text y={56} fill={top === target ? '#009E73' : '#D55E00'} data-export="hide">{top === target ? 'peak on target' : `peak on entry ${top + 1}`}</text>}
      </g>
    </svg>
  );
}
