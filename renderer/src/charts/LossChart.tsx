// A model's training loss (train.json's curve), phase after phase on one step axis with the phase
// boundary marked; log loss, since the curves fall by orders of magnitude.
import { scaleLinear, scaleLog } from 'd3-scale';
import { line } from 'd3-shape';
import { format } from 'd3-format';
import { AxisBottom, AxisLeft } from './Axis';
import { ink, okabeIto } from '../ui/palette';
import type { ModelEvaluation } from '../../../app/protocol';

interface Props { loss: ModelEvaluation['loss']; width: number; height: number }

const M = { top: 14, right: 16, bottom: 40, left: 56 };
const steps = format(',d');
const FLOOR = 1e-4;

/** The loss points on one step axis: each phase starts where the one before it ended. */
export function chainedLoss(loss: ModelEvaluation['loss']): { phase: number; step: number; loss: number }[] {
  const phases = [...new Set(loss.map((p) => p.phase))].sort((a, b) => a - b);
  let offset = 0;
  return phases.flatMap((ph) => {
    const mine = loss.filter((p) => p.phase === ph).map((p) => ({ ...p, step: p.step + offset }));
    offset = mine.length ? mine[mine.length - 1].step : offset;
    return mine;
  });
}

export function LossChart({ loss, width, height }: Props) {
  const pts = chainedLoss(loss);
  const x = scaleLinear().domain([0, Math.max(1, ...pts.map((p) => p.step))]).range([M.left, width - M.right]);
  // train.json keeps 4 decimals, so a loss under 5e-5 reads 0: drawn at the floor of the axis
  const y = scaleLog().domain([Math.max(FLOOR, Math.min(...pts.map((p) => p.loss))), Math.max(...pts.map((p) => p.loss), 1)]).range([height - M.bottom, M.top]).nice().clamp(true);
  const phases = [...new Set(pts.map((p) => p.phase))];
  const path = line<{ step: number; loss: number }>().x((p) => x(p.step)).y((p) => y(Math.max(FLOOR, p.loss)));
  return (
    <svg data-figure width={width} height={height} style={{ display: 'block' }} data-testid="loss-svg" data-points={pts.length}>
      {phases.map((ph) => {
        const mine = pts.filter((p) => p.phase === ph);
        const start = ph > 0 ? pts.filter((p) => p.phase < ph).at(-1)?.step : undefined;
        return (
          <g key={ph}>
            {start !== undefined && <line x1={x(start)} x2={x(start)} y1={M.top} y2={height - M.bottom} stroke={ink.faint} strokeDasharray="2 3" />}
            {start !== undefined && <text x={x(start) + 4} y={M.top + 10} fontSize={10} fill={ink.label}>phase {ph + 1}</text>}
            <path d={path(mine) ?? ''} fill="none" stroke={okabeIto[ph % okabeIto.length]} strokeWidth={1.5} />
          </g>
        );
      })}
      <AxisBottom scale={x} y={height - M.bottom} label="training step (phases one after the other)" ticks={5} tickFormat={(v) => steps(v)} />
      <AxisLeft scale={y as unknown as Parameters<typeof AxisLeft>[0]['scale']} x={M.left} label="loss (log)" ticks={4} tickFormat={format('.2~g')} />
    </svg>
  );
}
