// Pan/zoom frame rate of a 4,000 × 4,000 map in Chromium (target 60 fps; the test asks ≥ 50).
// The web build's `#bench-map` page holds the real ZoomMap over a synthetic map; the page pans and
// zooms once per animation frame (1× ↔ 24×) and reports the frames per second it achieved.
// Used by the e2e test below it and by the PERF engineer's bench (`npm run bench`).
import { openApp, startHarness, type Harness } from './harness';

export interface PanZoomResult { fps: number; p95FrameMs: number; frames: number; ms: number; side: number }

/** Measures in a fresh harness unless one is passed; `dist-web/` must be built. */
export async function measurePanZoomFps(opts: { frames?: number; harness?: Harness } = {}): Promise<PanZoomResult> {
  const own = !opts.harness;
  const h = opts.harness ?? (await startHarness());
  try {
    const { page } = await openApp(h, '#bench-map');
    await page.waitForFunction(() => (window as unknown as { __hybridscopeBench?: { ready: boolean } }).__hybridscopeBench?.ready === true, null, { timeout: 60_000 });
    const run = (frames: number) => page.evaluate((n) => (window as unknown as { __hybridscopeBench: { run(n: number): Promise<PanZoomResult> } }).__hybridscopeBench.run(n), frames);
    await run(30); // warm-up: first draws build the mip levels' GPU-less raster caches
    const result = await run(opts.frames ?? 300);
    await page.close();
    return result;
  } finally {
    if (own) await h.close();
  }
}
