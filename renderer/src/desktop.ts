// The desktop API (app/desktop-api.ts) that Electron's preload exposes as `window.hybridscope`:
// present in the desktop app, absent in the web build, which then falls back to browser ways
// (downloads, file inputs) and gets its engine from a Web Worker.
import type { DesktopApi } from '../../app/desktop-api';

export function desktopApi(): DesktopApi | undefined {
  return (window as unknown as { hybridscope?: DesktopApi }).hybridscope;
}
