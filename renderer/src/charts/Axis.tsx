// Axes drawn by React from a D3 scale's ticks (D3 computes, React owns the DOM): bottom or left,
// with a label, in the figure style (11 px ticks, 12 px labels, grey domain line).
import type { ScaleLinear, ScaleBand } from 'd3-scale';
import { format } from 'd3-format';
import { ink } from '../ui/palette';

const INK = ink.label;

interface Common { label?: string; ticks?: number; tickFormat?: (v: number) => string; /** Tick values to draw instead of the scale's own. */ values?: number[] }

export function AxisBottom({ scale, y, label, ticks = 6, tickFormat, values }: Common & { scale: ScaleLinear<number, number>; y: number }) {
  const [x0, x1] = scale.range();
  const f = tickFormat ?? scale.tickFormat(ticks);
  return (
    <g transform={`translate(0,${y})`} fontSize={11} fill={INK}>
      <line x1={x0} x2={x1} stroke={ink.axis} />
      {(values ?? scale.ticks(ticks)).map((t) => (
        <g key={t} transform={`translate(${scale(t)},0)`}>
          <line y2={4} stroke={ink.axis} />
          <text y={15} textAnchor="middle">{f(t)}</text>
        </g>
      ))}
      {label && <text x={(x0 + x1) / 2} y={31} textAnchor="middle" fontSize={12} fill={ink.text}>{label}</text>}
    </g>
  );
}

export function AxisLeft({ scale, x, label, ticks = 5, tickFormat }: Common & { scale: ScaleLinear<number, number>; x: number }) {
  const [y0, y1] = scale.range();
  const f = tickFormat ?? smallFormat(scale, ticks);
  return (
    <g transform={`translate(${x},0)`} fontSize={11} fill={INK}>
      <line y1={y0} y2={y1} stroke={ink.axis} />
      {scale.ticks(ticks).map((t) => (
        <g key={t} transform={`translate(0,${scale(t)})`}>
          <line x2={-4} stroke={ink.axis} />
          <text x={-7} dy="0.32em" textAnchor="end">{f(t)}</text>
        </g>
      ))}
      {label && <text transform={`translate(${-x + 12},${(y0 + y1) / 2}) rotate(-90)`} textAnchor="middle" fontSize={12} fill={ink.text}>{label}</text>}
    </g>
  );
}

/** Left axis over bands (heads, layers): every `every`-th band labelled. */
export function AxisLeftBand({ scale, x, label, every = 1, name = (k: string) => k }: { scale: ScaleBand<string>; x: number; label?: string; every?: number; name?: (k: string) => string }) {
  const [y0, y1] = scale.range();
  return (
    <g transform={`translate(${x},0)`} fontSize={11} fill={INK}>
      {scale.domain().map((k, i) => i % every === 0 && (
        <text key={k} x={-6} y={(scale(k) ?? 0) + scale.bandwidth() / 2} dy="0.32em" textAnchor="end">{name(k)}</text>
      ))}
      {label && <text transform={`translate(${-x + 12},${(y0 + y1) / 2}) rotate(-90)`} textAnchor="middle" fontSize={12} fill={ink.text}>{label}</text>}
    </g>
  );
}

export const pct = format('.0%');
/** Shares that may all be under 1 % (attention mass on one entry): two decimals, trailing zeros trimmed. */
export const finePct = format('.2~%');

/** d3's tick format, switched to exponent notation for tiny values (1e-6 instead of 0.000001). */
function smallFormat(scale: ScaleLinear<number, number>, ticks: number): (v: number) => string {
  const [a, b] = scale.domain();
  const m = Math.max(Math.abs(a), Math.abs(b));
  return m > 0 && m < 1e-3 ? format('.1~e') : scale.tickFormat(ticks);
}
const g3 = format('.3~g');
const e2 = format('.2~e');
/** Three significant digits; exponent notation below 1e-3 (legends of tiny values). */
export const num3 = (v: number) => (v !== 0 && Math.abs(v) < 1e-3 ? e2(v) : g3(v));
