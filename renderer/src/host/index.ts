// Picks the engine host for this page: the Electron utility process when the preload exposed
// `window.hybridscope`, else a Web Worker (the web build).
import type { EngineClient } from '../../../app/client';
import type { DesktopApi } from '../../../app/desktop-api';
import { createElectronClient } from './electron-client';
import { createWebClient } from './web-client';

/** The desktop API when running in Electron, undefined in the browser. */
export function desktopApi(): DesktopApi | undefined {
  return (window as unknown as { hybridscope?: DesktopApi }).hybridscope;
}

export function createEngineClient(): EngineClient {
  const api = desktopApi();
  return api ? createElectronClient(api) : createWebClient();
}
