// Paints a (rows, cols) matrix into a canvas: cells → an offscreen bitmap at native resolution,
// then scaled to the displayed size without smoothing (every cell stays a crisp block).
import { useEffect, useRef } from 'react';
import { paintMatrix } from './paintMatrix';
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
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.max(1, Math.round(width * dpr));
    canvas.height = Math.max(1, Math.round(height * dpr));
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(matrixBitmap(data, rows, cols, cmap), 0, 0, canvas.width, canvas.height);
  }, [data, rows, cols, cmap, width, height]);
  return ref;
}
