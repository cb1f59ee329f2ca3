// Cache memory against context length: SSM states are constant, the KV cache grows linearly —
// why the hybrid generates faster at long context (the NVIDIA study, arXiv 2406.07887: up to ~8× for its 8B models).
import { scaleLinear } from 'd3-scale';
import { format } from 'd3-format';
import { AxisBottom, AxisLeft } from './Axis';
import { okabeIto, ink } from '../ui/palette';

export interface CacheSize { stateBytes: number; kvBytesPerToken: number }

interface Props { size: CacheSize; maxTokens: number; width: number; height: number }

const M = { top: 14, right: 220, bottom: 42, left: 64 };
const bytes = format('.2~s');

export function MemoryChart({ size, maxTokens, width, height }: Props) {
  const x = scaleLinear().domain([0, maxTokens]).range([M.left, width - M.right]).nice();
  const total = (t: number) => size.stateBytes + size.kvBytesPerToken * t;
  const y = scaleLinear().domain([0, Math.max(1, total(x.domain()[1]))]).range([height - M.bottom, M.top]).nice();
  const [t0, t1] = x.domain();
  const lines = [
    { name: 'SSM state (constant)', color: okabeIto[0], f: () => size.stateBytes },
    { name: 'KV cache', color: okabeIto[3], f: (t: number) => size.kvBytesPerToken * t },
    { name: 'total', color: ink.text, f: total },
  ];
  return (
    <svg data-figure width={width} height={height} style={{ display: 'block' }} data-testid="cost-memory">
      {y.ticks(5).map((t) => <line key={t} x1={M.left} x2={width - M.right} y1={y(t)} y2={y(t)} stroke={ink.grid} />)}
      {lines.map((l) => <line key={l.name} x1={x(t0)} x2={x(t1)} y1={y(l.f(t0))} y2={y(l.f(t1))} stroke={l.color} strokeWidth={l.name === 'total' ? 1.2 : 2} strokeDasharray={l.name === 'total' ? '4 3' : undefined} />)}
      <AxisBottom scale={x} y={height - M.bottom} label="context length (tokens)" />
      <AxisLeft scale={y} x={M.left} label="bytes" tickFormat={(v) => `${bytes(v)}B`} />
      <g transform={`translate(${width - M.right + 18},${M.top + 8})`} fontSize={11} fill={ink.text}>
        {lines.map((l, i) => <g key={l.name} transform={`translate(0,${i * 18})`}><line x2={18} y1={-4} y2={-4} stroke={l.color} strokeWidth={2} strokeDasharray={l.name === 'total' ? '4 3' : undefined} /><text x={24}>{l.name}</text></g>)}
      </g>
    </svg>
  );
}
