// Level-of-detail for big maps: a pyramid of bitmaps, each half the previous, so a pan/zoom frame
// draws from the smallest level that still has ≥ 1 source pixel per screen pixel (a 4k × 4k map
// zoomed out draws from a 512² level, not 16 M pixels).

export interface Mip { levels: HTMLCanvasElement[]; width: number; height: number }

export function buildMip(base: HTMLCanvasElement, minSide = 256): Mip {
  const levels = [base];
  let cur = base;
  while (Math.max(cur.width, cur.height) / 2 >= minSide) {
    const next = document.createElement('canvas');
    next.width = Math.max(1, Math.ceil(cur.width / 2));
    next.height = Math.max(1, Math.ceil(cur.height / 2));
    const ctx = next.getContext('2d');
    if (!ctx) break;
    // keep the peaks visible: smoothing averages, which is what an overview wants for attention mass
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(cur, 0, 0, next.width, next.height);
    levels.push(next);
    cur = next;
  }
  return { levels, width: base.width, height: base.height };
}

/** Index of the level to draw when `sourcePx` base pixels span `screenPx` device pixels. */
export function pickLevel(levelCount: number, sourcePx: number, screenPx: number): number {
  if (screenPx <= 0) return levelCount - 1;
  const ratio = sourcePx / screenPx; // base pixels per screen pixel
  const level = Math.floor(Math.log2(Math.max(1, ratio)));
  return Math.max(0, Math.min(levelCount - 1, level));
}

/** Draw the visible part [x0, x1) × [y0, y1) of the base image (in base pixels) into dst. */
export function drawMip(ctx: CanvasRenderingContext2D, mip: Mip, x0: number, y0: number, x1: number, y1: number, dw: number, dh: number): void {
  const li = pickLevel(mip.levels.length, Math.max(x1 - x0, y1 - y0), Math.max(dw, dh));
  const src = mip.levels[li];
  const f = src.width / mip.width;
  ctx.drawImage(src, x0 * f, y0 * f, Math.max(1e-3, (x1 - x0) * f), Math.max(1e-3, (y1 - y0) * f), 0, 0, dw, dh);
}
