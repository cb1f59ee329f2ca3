// The token window a zoom transform shows: d3-zoom's transform maps canvas pixels [0, size] of the
// unzoomed map (T tokens) to the screen; its inverse at the canvas edges gives the visible tokens.

export interface Transform { k: number; x: number; y: number }

/** Visible [start, end) token ranges (rows = query, cols = key), clamped to [0, T]. */
export function visibleWindow(t: Transform, T: number, size: number): { rows: [number, number]; cols: [number, number] } {
  const toToken = (px: number, offset: number) => ((px - offset) / t.k) * (T / size);
  const range = (offset: number): [number, number] => [
    Math.max(0, Math.floor(toToken(0, offset))),
    Math.min(T, Math.ceil(toToken(size, offset))),
  ];
  return { rows: range(t.y), cols: range(t.x) };
}

/** Whether the overview (stride tokens per cell) is too coarse for the window: more than one
 *  screen pixel per half cell means a full-resolution tile shows more. */
export function needsTile(t: Transform, T: number, size: number, stride: number): boolean {
  return t.k > 1 && T / t.k / size < stride / 2;
}
