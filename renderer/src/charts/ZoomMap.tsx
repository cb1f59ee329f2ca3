// A square token × token map (attention or implicit attention) on canvas with d3-zoom: the pooled
// overview is drawn through a mip pyramid; when zoomed past its resolution, a full-resolution tile
// of the visible window is fetched (`fetchTile`) and drawn on top. Axes follow the zoom. The mip
// pyramid of new data is built in a task of its own (paintQueue.ts), after the render that brought it.
import { startTransition, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { zoom as d3zoom, zoomIdentity, type ZoomTransform, type ZoomBehavior } from 'd3-zoom';
import { AxisBottom, AxisLeft } from './Axis';
import { ColorLegend } from './ColorLegend';
import { buildMip, drawMip, type Mip } from './mipmap';
import { queuePaint } from './paintQueue';
import { colorMap, extent, quantile } from './scales';
import { matrixBitmap } from './useMatrixCanvas';
import { needsTile, visibleWindow } from './zoomWindow';
import { hideTip, showTip } from '../ui/Tooltip';
import { ink } from '../ui/palette';

export interface Tile { rows: [number, number]; cols: [number, number]; data: Float32Array; shape: number[] }

interface Props {
  /** Overview (S, S), each cell `stride` tokens. */
  data: Float32Array;
  side: number;
  stride: number;
  /** Prompt length in tokens. */
  T: number;
  size: number;
  layer: string;
  valueLabel: string;
  fetchTile?(rows: [number, number], cols: [number, number], size: number): Promise<Tile | null>;
  /** Exposes the zoom behaviour and canvas (the pan/zoom frame-rate bench drives it). */
  onReady?(api: { zoom: ZoomBehavior<HTMLCanvasElement, unknown>; canvas: HTMLCanvasElement }): void;
}

const M = { top: 12, right: 150, bottom: 40, left: 56 };

export function ZoomMap({ data, side, stride, T, size, layer, valueLabel, fetchTile, onReady }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [t, setT] = useState<ZoomTransform>(zoomIdentity);
  const tile = useRef<Tile | null>(null);
  const kept = useRef<{ T: number; size: number; t: ZoomTransform } | null>(null);
  const cmap = useMemo(() => colorMap(extent(data)[0], Math.max(1e-9, quantile(data, 0.995))), [data]);
  // the pyramid of the data on show: null until its paint has run (the canvas stays blank meanwhile)
  const [built, setBuilt] = useState<{ mip: Mip; data: Float32Array; cmap: typeof cmap } | null>(null);
  useEffect(() => queuePaint(() => setBuilt({ mip: buildMip(matrixBitmap(data, side, side, cmap)), data, cmap })), [data, side, cmap]);
  const mip = built && built.data === data && built.cmap === cmap ? built.mip : null;
  const base = scaleLinear().domain([0, T]).range([0, size]);

  const draw = useRef<(tr: ZoomTransform) => void>(() => {});
  // the zoom handler calls the latest painter (new data, colour map) without re-binding d3-zoom
  useLayoutEffect(() => { draw.current = (tr) => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    ctx.imageSmoothingEnabled = false;
    // visible window in overview cells
    const cell = size / side;
    const x0 = -tr.x / tr.k / cell, y0 = -tr.y / tr.k / cell;
    const span = size / tr.k / cell;
    if (!mip) {
      ctx.clearRect(0, 0, c.width, c.height);
      return;
    }
    drawMip(ctx, mip, x0, y0, x0 + span, y0 + span, c.width, c.height);
    const tl = tile.current;
    if (tl) {
      const [r0, r1] = tl.rows, [c0, c1] = tl.cols;
      const bmp = matrixBitmap(tl.data, tl.shape[0], tl.shape[1], cmap);
      const sx = (v: number) => ((tr.applyX(base(v))) / size) * c.width;
      const sy = (v: number) => ((tr.applyY(base(v))) / size) * c.height;
      ctx.drawImage(bmp, sx(c0), sy(r0), sx(c1) - sx(c0), sy(r1) - sy(r0));
    }
  }; });

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(size * dpr);
    c.height = Math.round(size * dpr);
    tile.current = null;
    let timer = 0;
    const z = d3zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([1, Math.max(2, (T / size) * 8)])
      .translateExtent([[0, 0], [size, size]])
      .extent([[0, 0], [size, size]])
      .on('zoom', (ev: { transform: ZoomTransform }) => {
        draw.current(ev.transform);
        kept.current = { T, size, t: ev.transform };
        // the canvas is painted now; the axes follow as a transition, which React may skip under load
        startTransition(() => setT(ev.transform));
        window.clearTimeout(timer);
        if (!fetchTile) return;
        if (!needsTile(ev.transform, T, size, stride)) { tile.current = null; return; }
        timer = window.setTimeout(async () => {
          const tr = ev.transform;
          const { rows, cols } = visibleWindow(tr, T, size);
          tile.current = await fetchTile(rows, cols, Math.min(1024, Math.round(size * dpr)));
          draw.current(tr);
        }, 160);
      });
    const sel = select(c);
    // re-binding (new head, new tile source) keeps the view; a new map starts zoomed out
    const keep = kept.current && kept.current.T === T && kept.current.size === size ? kept.current.t : zoomIdentity;
    sel.call(z).call(z.transform, keep);
    onReady?.({ zoom: z, canvas: c });
    return () => { sel.on('.zoom', null); window.clearTimeout(timer); };
  }, [mip, size, T, stride, fetchTile, onReady]);

  // the zoom transform lives in canvas pixels [0, size]; axes are the same window, shifted by the margins
  const xs = t.rescaleX(scaleLinear().domain([0, T]).range([0, size]));
  const ys = t.rescaleY(scaleLinear().domain([0, T]).range([0, size]));
  const xAxis = scaleLinear().domain(xs.domain()).range([M.left, M.left + size]);
  const yAxis = scaleLinear().domain(ys.domain()).range([M.top, M.top + size]);
  const tokenAt = (e: React.MouseEvent) => {
    const r = e.currentTarget.getBoundingClientRect();
    return [Math.floor(ys.invert(e.clientY - r.top)), Math.floor(xs.invert(e.clientX - r.left))] as const;
  };
  const W = M.left + size + M.right, H = M.top + size + M.bottom;
  return (
    <div style={{ position: 'relative', width: W, height: H }}>
      <canvas
        ref={canvas} data-layer={layer} data-testid="zoom-map"
        style={{ position: 'absolute', left: M.left, top: M.top, width: size, height: size, cursor: 'grab', imageRendering: 'pixelated' }}
        onMouseMove={(e) => {
          const [q, k] = tokenAt(e);
          const cell = data[Math.min(side - 1, Math.floor(q / stride)) * side + Math.min(side - 1, Math.floor(k / stride))];
          if (q >= 0 && k >= 0 && q < T && k < T) showTip(e.clientX, e.clientY, `query ${q} → key ${k} · ${valueLabel} ${k > q ? '(masked)' : cell.toPrecision(3)}`);
        }}
        onMouseLeave={hideTip}
        onDoubleClick={(e) => e.preventDefault()}
      />
      <svg data-figure width={W} height={H} style={{ position: 'absolute', left: 0, top: 0, pointerEvents: 'none' }}>
        <g data-canvas-layer={layer} transform={`translate(${M.left},${M.top})`} data-width={size} data-height={size} />
        <rect x={M.left} y={M.top} width={size} height={size} fill="none" stroke={ink.axis} />
        <AxisBottom scale={xAxis} y={M.top + size} label="key position (token)" />
        <AxisLeft scale={yAxis} x={M.left} label="query position (token)" />
        <ColorLegend cmap={cmap} x={M.left + size + 18} y={M.top + 14} label={valueLabel} />
        <text x={M.left + size + 18} y={M.top + 60} fontSize={10} fill={ink.faint} data-export="hide">scroll: zoom · drag: pan</text>
        <text x={M.left + size + 18} y={M.top + 74} fontSize={10} fill={ink.faint} data-export="hide">{t.k > 1 ? `${t.k.toFixed(1)}×` : `${stride} tok / cell`}</text>
      </svg>
    </div>
  );
}
