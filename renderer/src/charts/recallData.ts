// Sweep points to what the recall charts draw: the latest point per (series, length, depth), curves
// averaged over depths, a depth × length grid for one series, the bundled models' reference curves
// from their shipped evaluations, and each point's x on the chosen axis and its interval.
import type { CatalogEntry, ModelEvaluation, ReferencePoint } from '../../../app/protocol';
import type { CurvePoint } from '../store/sweepSlice';
import { wilson, type Interval } from './recallStats';

export function latestPoints(points: CurvePoint[]): CurvePoint[] {
  return [...new Map(points.map((p) => [`${p.series}\u0000${p.entries}\u0000${p.depth ?? ''}`, p])).values()];
}

/** Exact answers of a point (its accuracy is a count over its samples). */
export const correctOf = (p: Pick<CurvePoint, 'accuracy' | 'samples'>) => Math.round(p.accuracy * p.samples);
/** Wrong answers of a point. */
export const wrongOf = (p: Pick<CurvePoint, 'accuracy' | 'samples'>) => p.samples - correctOf(p);

/** The Wilson 95 % interval of a point's exact-match accuracy. */
export const accuracyInterval = (p: Pick<CurvePoint, 'accuracy' | 'samples'>): Interval => wilson(correctOf(p), p.samples);

/** The Wilson 95 % interval of the share of wrong answers that are another entry's number; null
 *  when none was wrong or the point does not say. */
export function copyInterval(p: CurvePoint): Interval | null {
  const wrong = wrongOf(p);
  if (!wrong || p.wrongOtherEntry === null || p.wrongOtherEntry === undefined) return null;
  return wilson(Math.round(p.wrongOtherEntry * wrong), wrong);
}

/** One point per (series, length): accuracies averaged over the depths swept (sample-weighted; the
 *  wrong answers' numbers weighted by the wrong answers). */
export function curvePoints(points: CurvePoint[]): CurvePoint[] {
  const groups = new Map<string, CurvePoint[]>();
  for (const p of points) {
    const k = `${p.series}\u0000${p.entries}`;
    groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  return [...groups.values()].map((g) => {
    const n = g.reduce((a, p) => a + p.samples, 0) || 1;
    const mean = (f: (p: CurvePoint) => number) => g.reduce((a, p) => a + f(p) * p.samples, 0) / n;
    const overWrong = (f: (p: CurvePoint) => number | null | undefined) => {
      const known = g.filter((p) => wrongOf(p) > 0 && f(p) !== null && f(p) !== undefined);
      const w = known.reduce((a, p) => a + wrongOf(p), 0);
      return w ? known.reduce((a, p) => a + f(p)! * wrongOf(p), 0) / w : null;
    };
    return {
      series: g[0].series, entries: g[0].entries, samples: n, accuracy: mean((p) => p.accuracy), digitAccuracy: mean((p) => p.digitAccuracy),
      meanTokens: mean((p) => p.meanTokens), wrongDigitAccuracy: overWrong((p) => p.wrongDigitAccuracy), wrongOtherEntry: overWrong((p) => p.wrongOtherEntry),
      ...(g[0].reference ? { reference: true } : {}),
    };
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

/** The name a reference curve goes by: the model's, marked as its shipped evaluation. */
export const referenceKey = (name: string) => `${name} · shipped`;

/** A model's evaluation points of one format and variant, at the seed it was measured at over the
 *  most lengths (cards.py's main seed; others are a few spot checks). */
export function evaluationPoints(ev: ModelEvaluation, format: string, variant: string): ReferencePoint[] {
  const mine = ev.points.filter((p) => p.format === format && p.variant === variant);
  const bySeed = new Map<number, ReferencePoint[]>();
  for (const p of mine) bySeed.set(p.seed, [...(bySeed.get(p.seed) ?? []), p]);
  const best = [...bySeed.values()].sort((a, b) => b.length - a.length || a[0].seed - b[0].seed)[0] ?? [];
  return best.sort((a, b) => a.entries - b.entries);
}

/** A shipped evaluation point as a curve point. */
export function fromReference(p: ReferencePoint, series: string): CurvePoint {
  const wrong = p.samples - p.correct;
  return {
    series, entries: p.entries, samples: p.samples, accuracy: p.correct / p.samples, digitAccuracy: p.digitAccuracy,
    meanTokens: p.meanTokens, wrongDigitAccuracy: p.wrongDigitAccuracy,
    wrongOtherEntry: wrong && p.wrongOtherEntry !== null ? p.wrongOtherEntry / wrong : null, reference: true,
  };
}

/** Every bundled model's reference curve (models whose weights ship), in catalog order. */
export function referenceCurves(evaluations: ModelEvaluation[], catalog: CatalogEntry[], format: string, variant: string): CurvePoint[] {
  return catalog.filter((c) => c.weights !== false && !c.ablation).flatMap((c) => {
    const ev = evaluations.find((e) => e.id === c.id);
    return ev ? evaluationPoints(ev, format, variant).map((p) => fromReference(p, referenceKey(c.name))) : [];
  });
}

export type RecallAxis = 'entries' | 'tokens';

/** Where a point sits on the chosen axis: its book length, or its prompts' mean length in tokens. */
export const xOf = (p: CurvePoint, axis: RecallAxis) => (axis === 'entries' ? p.entries : p.meanTokens);
