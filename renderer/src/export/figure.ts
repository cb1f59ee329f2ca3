// Figure export: a chart's <svg> becomes a standalone SVG file (white background, fonts set, every
// canvas layer embedded as an <image>, the light figure inks whatever the screen's colour scheme), and
// a PNG at 1×, 2× or 300 dpi (with a pHYs chunk).
import { withDpi } from './png';
import { desktopApi } from '../desktop';
import type { FigureFormat } from '../../../app/desktop-api';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** CSS pixels are 1/96 inch. */
const CSS_DPI = 96;
const FIGURE_FONT = "'DejaVu Sans', Helvetica, Arial, sans-serif";

export type PngScale = { kind: 'scale'; scale: number } | { kind: 'dpi'; dpi: number };

/**
 * Standalone SVG text for a chart. `svg` is the chart's on-screen <svg>; canvas layers are the
 * <canvas data-layer="id"> elements inside `frame` whose slot is a <g data-canvas-layer="id"
 * data-width data-height> in the SVG (positioned by its transform).
 */
export function figureSvg(svg: SVGSVGElement, frame: HTMLElement, title?: string): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const width = Number(svg.getAttribute('width')) || svg.clientWidth;
  const height = Number(svg.getAttribute('height')) || svg.clientHeight;
  clone.setAttribute('xmlns', SVG_NS);
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  clone.setAttribute('font-family', FIGURE_FONT);
  clone.removeAttribute('class');
  clone.removeAttribute('style');
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#ffffff');
  clone.insertBefore(bg, clone.firstChild);
  if (title) {
    const t = document.createElementNS(SVG_NS, 'title');
    t.textContent = title;
    clone.insertBefore(t, clone.firstChild);
  }
  for (const slot of clone.querySelectorAll<SVGGElement>('g[data-canvas-layer]')) {
    const canvas = frame.querySelector<HTMLCanvasElement>(`canvas[data-layer="${slot.dataset.canvasLayer}"]`);
    if (!canvas) continue;
    const img = document.createElementNS(SVG_NS, 'image');
    img.setAttribute('width', slot.dataset.width ?? String(canvas.clientWidth));
    img.setAttribute('height', slot.dataset.height ?? String(canvas.clientHeight));
    img.setAttribute('preserveAspectRatio', 'none');
    img.setAttribute('href', canvas.toDataURL('image/png'));
    img.setAttribute('style', 'image-rendering: pixelated');
    slot.appendChild(img);
  }
  for (const el of clone.querySelectorAll('[data-export="hide"]')) el.remove();
  return `<?xml version="1.0" encoding="UTF-8"?>\n${figureInks(new XMLSerializer().serializeToString(clone))}`;
}

/** Charts draw neutral inks as `var(--fig-<name>, <figure colour>)` (ui/palette.ts `ink`), which dark
 *  mode redefines on screen; a figure file gets the figure colours themselves, which every SVG reader
 *  understands and which print on white. */
export function figureInks(svgText: string): string {
  return svgText.replace(/var\(--fig-[\w-]+,\s*(#[0-9a-fA-F]{3,8})\)/g, '$1');
}

/** Rasterize standalone SVG text to PNG bytes at a scale (1×, 2×) or a print resolution (dpi). */
export async function figurePng(svgText: string, width: number, height: number, scale: PngScale): Promise<Uint8Array> {
  const factor = scale.kind === 'scale' ? scale.scale : scale.dpi / CSS_DPI;
  const dpi = scale.kind === 'scale' ? CSS_DPI * scale.scale : scale.dpi;
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * factor);
    canvas.height = Math.round(height * factor);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
    return withDpi(new Uint8Array(await blob.arrayBuffer()), dpi);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Save bytes or text as a file through the browser's download (Electron shows its save dialog). */
export function download(name: string, content: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}

/** Save a figure or its data: the desktop app's save dialog, or a browser download. */
export async function saveFile(name: string, content: string | Uint8Array, format: FigureFormat): Promise<void> {
  const api = desktopApi();
  if (api) {
    await api.exportFigure(content, format, name);
    return;
  }
  const type = { svg: 'image/svg+xml', png: 'image/png', csv: 'text/csv', json: 'application/json' }[format];
  download(name, content as BlobPart, type);
}

export function fileStem(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'figure';
}
