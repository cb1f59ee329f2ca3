// The renderer's one way in to an engine host: the Electron utility process when the page runs in
// the desktop app (the preload exposed `window.hybridscope`, which the renderer passes in), else a
// Web Worker (the web build).
import type { EngineClient } from '../app/client';
import type { DesktopApi } from '../app/desktop-api';
import { createElectronClient } from './electron-client';
import { createWebClient } from './web-client';

export function createEngineClient(desktop: DesktopApi | undefined): EngineClient {
  return desktop ? createElectronClient(desktop) : createWebClient();
}
