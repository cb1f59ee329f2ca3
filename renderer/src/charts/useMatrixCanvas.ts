// Paints a (rows, cols) matrix into a canvas: straight at the displayed size, each pixel the cell
// under it (every cell stays a crisp block, as drawImage without smoothing would scale it; a heads ×
// 4k-tokens map scaled by drawImage held the main thread ~90 ms a chart on a loaded machine).
// matrixBitmap keeps a native-resolution bitmap for the zoomable map's mip pyramid.
import { useEffect, useRef } from 'react';
import { paintMatrix, paintMatrixScaled } from './paintMatrix';
import { queuePaint } from './paintQueue';
import type { ColorMap } from './scales';

export function matrixBitmap(data: ArrayLike<number>, rows: number, cols: number, cmap: ColorMap): HTMLCanvasElement {
  const bitmap = document.createElement('canvas');
  bitmap.width = Math.max(1, cols);
  bitmap.height = Math.max(1, rows);
  const ctx = bitmap.getContext('2d');
  if (ctx && rows > 0 && cols > 0) {
    const img = ctx.createImageData(cols, rows);
    paintMatrix(img.data, data, rows, cols, cmap.lo, cmap.hi, cmap.lut);
    ctx.putImageData(img, 0, 0);
  }
  return bitmap;
}

export function useMatrixCanvas(data: ArrayLike<number> | null, rows: number, cols: number, cmap: ColorMap, width: number, height: number) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || !data) return;
    return queuePaint(() => {
      const dpr = window.devicePixelRatio || 1;
      const w = Math.max(1, Math.round(width * dpr));
      const h = Math.max(1, Math.round(height * dpr));
      if (canvas.width !== w) canvas.width = w;
      if (canvas.height !== h) canvas.height = h;
      const ctx = canvas.getContext('2d');
      if (!ctx || rows <= 0 || cols <= 0) return;
      const img = ctx.createImageData(w, h);
      paintMatrixScaled(img.data, w, h, data, rows, cols, cmap.lo, cmap.hi, cmap.lut);
      ctx.putImageData(img, 0, 0);
    });
  }, [data, rows, cols, cmap, width, height]);
  return ref;
}
