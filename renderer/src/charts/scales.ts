// Scales shared by the charts, as plain functions (unit-tested without React): token positions to
// pixels, values to colours for dense maps, and the margins every figure uses.
import { scaleBand, scaleLinear, scaleSequential, type ScaleLinear } from 'd3-scale';
import { interpolateViridis, interpolateBlues } from 'd3-scale-chromatic';

export interface Margins { top: number; right: number; bottom: number; left: number }
export const figureMargins: Margins = { top: 10, right: 16, bottom: 38, left: 52 };

/** Token positions [0, T) onto [left, width − right]: each token owns the band [x(t), x(t + 1)). */
export function positionScale(T: number, width: number, m: Pick<Margins, 'left' | 'right'> = figureMargins): ScaleLinear<number, number> {
  return scaleLinear().domain([0, Math.max(1, T)]).range([m.left, Math.max(m.left + 1, width - m.right)]);
}

/** Category bands (heads, layers, models) onto a pixel range, with a little padding. */
export function bandScale(keys: string[], range: [number, number], padding = 0.15) {
  return scaleBand<string>().domain(keys).range(range).paddingInner(padding).paddingOuter(padding / 2);
}

/** A colour map over [lo, hi] → RGBA bytes, precomputed in 256 steps for canvas painting. */
export interface ColorMap { lo: number; hi: number; lut: Uint8ClampedArray; css(v: number): string }

export function colorMap(lo: number, hi: number, scheme: 'viridis' | 'blues' = 'viridis'): ColorMap {
  const interp = scheme === 'viridis' ? interpolateViridis : interpolateBlues;
  const seq = scaleSequential(interp).domain([0, 255]);
  const lut = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) {
    lut.set([...parseRgb(seq(i)), 255], i * 4);
  }
  const span = hi > lo ? hi - lo : 1;
  return { lo, hi, lut, css: (v) => seq(Math.max(0, Math.min(255, ((v - lo) / span) * 255))) };
}

/** LUT index of a value: 0 … 255, clamped; NaN maps to 0. */
export function lutIndex(v: number, lo: number, hi: number): number {
  if (!(v > lo)) return 0;
  if (v >= hi) return 255;
  return Math.floor(((v - lo) / (hi - lo)) * 255.999);
}

/** min and max of an array, ignoring NaN; [0, 1] when empty. */
export function extent(data: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** Robust upper bound for a colour scale: the q-quantile of a sample, so one spike (the BOS token's
 *  attention sink) does not wash out the rest of a map. */
export function quantile(data: ArrayLike<number>, q: number, sample = 20000): number {
  const n = data.length;
  if (n === 0) return 1;
  const step = Math.max(1, Math.floor(n / sample));
  const xs = new Float64Array(Math.ceil(n / step));
  let m = 0;
  for (let i = 0; i < n; i += step) if (Number.isFinite(data[i])) xs[m++] = data[i];
  if (m === 0) return 1;
  return select(xs.subarray(0, m), Math.min(m - 1, Math.floor(q * (m - 1))));
}

/** The k-th smallest of xs (reordered in place): Hoare's quickselect, O(n) on average where a sort is
 *  O(n log n) — a colour scale is computed whenever a 4k-token record lands. */
function select(xs: Float64Array, k: number): number {
  let lo = 0, hi = xs.length - 1;
  while (lo < hi) {
    const pivot = xs[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (xs[i] < pivot) i++;
      while (xs[j] > pivot) j--;
      if (i <= j) {
        const t = xs[i]; xs[i] = xs[j]; xs[j] = t;
        i++; j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return xs[k];
  }
  return xs[k];
}

/** `#rrggbb` or `rgb(r, g, b)` (what d3-scale-chromatic returns) → [r, g, b]. */
export function parseRgb(css: string): [number, number, number] {
  if (css.startsWith('#') && css.length === 7) return [1, 3, 5].map((i) => parseInt(css.slice(i, i + 2), 16)) as [number, number, number];
  const m = css.match(/rgba?\((\d+),\s*(\d+),\s*(\d+)/);
  return m ? [+m[1], +m[2], +m[3]] : [0, 0, 0];
}
