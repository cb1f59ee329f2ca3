// A series marker (circle, square, triangle, diamond) at a point, scaled by `size`.
import type { MarkerKind } from './seriesStyle';

export function Marker({ kind, x, y, color, size = 1 }: { kind: MarkerKind; x: number; y: number; color: string; size?: number }) {
  const r = 3.5 * size;
  if (kind === 'circle') return <circle cx={x} cy={y} r={r} fill={color} />;
  if (kind === 'square') return <rect x={x - 0.92 * r} y={y - 0.92 * r} width={1.83 * r} height={1.83 * r} fill={color} />;
  if (kind === 'triangle') return <path d={`M${x},${y - 1.2 * r} L${x + 1.15 * r},${y + 0.86 * r} L${x - 1.15 * r},${y + 0.86 * r} Z`} fill={color} />;
  return <path d={`M${x},${y - 1.3 * r} L${x + 1.3 * r},${y} L${x},${y + 1.3 * r} L${x - 1.3 * r},${y} Z`} fill={color} />;
}
