// Sweep points to what the recall charts draw: the latest point per (series, length, depth), curves
// averaged over depths, and a depth × length grid for one series.
import type { CurvePoint } from '../store/sweepSlice';

export function latestPoints(points: CurvePoint[]): CurvePoint[] {
  return [...new Map(points.map((p) => [`${p.series}\u0000${p.entries}\u0000${p.depth ?? ''}`, p])).values()];
}

/** One point per (series, length): accuracies averaged over the depths swept (sample-weighted). */
export function curvePoints(points: CurvePoint[]): CurvePoint[] {
  const groups = new Map<string, CurvePoint[]>();
  for (const p of points) {
    const k = `${p.series}\u0000${p.entries}`;
    groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  return [...groups.values()].map((g) => {
    const n = g.reduce((a, p) => a + p.samples, 0) || 1;
    const mean = (f: (p: CurvePoint) => number) => g.reduce((a, p) => a + f(p) * p.samples, 0) / n;
    return { series: g[0].series, entries: g[0].entries, samples: n, accuracy: mean((p) => p.accuracy), digitAccuracy: mean((p) => p.digitAccuracy), meanTokens: mean((p) => p.meanTokens) };
  });
}

export interface DepthGrid { series: string; depths: number[]; entries: number[]; accuracy: (number | null)[][] }

/** The depth × length grid of a series, or null when it was swept at one depth only. */
export function depthGrid(points: CurvePoint[], series: string): DepthGrid | null {
  const mine = points.filter((p) => p.series === series && p.depth !== undefined);
  const depths = [...new Set(mine.map((p) => p.depth!))].sort((a, b) => a - b);
  if (depths.length < 2) return null;
  const entries = [...new Set(mine.map((p) => p.entries))].sort((a, b) => a - b);
  const at = new Map(mine.map((p) => [`${p.depth}:${p.entries}`, p.accuracy]));
  return { series, depths, entries, accuracy: depths.map((d) => entries.map((e) => at.get(`${d}:${e}`) ?? null)) };
}
