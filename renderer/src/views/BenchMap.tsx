// The pan/zoom frame-rate bench (target: a 4k × 4k map at 60 fps, bench/README.md): a synthetic causal
// attention-like 4,000 × 4,000 map in the real ZoomMap, driven by `window.__hybridscopeBench.run`,
// which pans and zooms once per animation frame and reports the frames per second it achieved.
import { useCallback, useMemo } from 'react';
import { select } from 'd3-selection';
import { zoomIdentity, type ZoomBehavior } from 'd3-zoom';
import { ZoomMap } from '../charts/ZoomMap';

const N = 4000;

export interface BenchResult { frames: number; ms: number; fps: number; p95FrameMs: number; side: number }

function syntheticMap(n: number): Float32Array {
  const m = new Float32Array(n * n); // (T, T), row = query
  for (let q = 0; q < n; q++) {
    for (let k = 0; k <= q; k++) m[q * n + k] = Math.exp(-(q - k) / 300) + (k % 97 === 0 ? 0.6 : 0) + (k < 4 ? 1 : 0);
  }
  return m;
}

export function BenchMap() {
  const data = useMemo(() => syntheticMap(N), []);
  const onReady = useCallback(({ zoom, canvas }: { zoom: ZoomBehavior<HTMLCanvasElement, unknown>; canvas: HTMLCanvasElement }) => {
    const sel = select(canvas);
    const run = (frames = 240): Promise<BenchResult> => new Promise((resolve) => {
      const times: number[] = [];
      let i = 0;
      const t0 = performance.now();
      let last = t0;
      const step = () => {
        const now = performance.now();
        if (i > 0) times.push(now - last);
        last = now;
        if (i >= frames) {
          const ms = now - t0;
          times.sort((a, b) => a - b);
          resolve({ frames, ms, fps: (frames / ms) * 1000, p95FrameMs: times[Math.floor(times.length * 0.95)] ?? 0, side: N });
          return;
        }
        // zoom in and out between 1× and 24× while panning across the map
        const phase = (i / frames) * Math.PI * 2;
        const k = 1 + 23 * (0.5 - 0.5 * Math.cos(phase));
        const size = canvas.clientWidth;
        const cx = size * (0.5 + 0.4 * Math.sin(phase * 3));
        const cy = size * (0.5 + 0.4 * Math.cos(phase * 2));
        zoom.transform(sel, zoomIdentity.translate(size / 2 - cx * k, size / 2 - cy * k).scale(k));
        i++;
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    });
    (window as unknown as { __hybridscopeBench: unknown }).__hybridscopeBench = { run, ready: true };
  }, []);
  return (
    <div style={{ padding: 16, background: '#fff' }} data-testid="bench-map">
      <ZoomMap data={data} side={N} stride={1} T={N} size={600} layer="bench" valueLabel="synthetic" onReady={onReady} />
    </div>
  );
}
