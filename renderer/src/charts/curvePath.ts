// A curve over token positions as SVG path data, written out for speed: a 4k-token attention row per
// head is thousands of points, and d3-shape's line builds each through closures and a rounding
// string appender. The test holds it to d3's line (its twin) within the 0.1 px it rounds to.

/** SVG path data of values[i] at (x(i), y(v)), coordinates to 0.1 px (as d3-shape's line, written out:
 *  one string build over thousands of points instead of d3's per-point closures). */
export function curvePath(values: ArrayLike<number>, xa: number, xb: number, ya: number, yb: number, d0: number, d1: number, logFloor: number | null): string {
  const n = values.length;
  if (n === 0) return '';
  const sx = (xb - xa) / Math.max(1, n - 1);
  const sy = d1 !== d0 ? (yb - ya) / (d1 - d0) : 0;
  const parts: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const u = logFloor === null ? v : Math.max(logFloor, Math.log10(Math.abs(v) || 1e-30));
    const px = Math.round((xa + i * sx) * 10) / 10;
    const py = Math.round((ya + (u - d0) * sy) * 10) / 10;
    parts[i] = `${i === 0 ? 'M' : 'L'}${px},${py}`;
  }
  return parts.join('');
}
