// Every security setting of the desktop app in one place, so a test can assert them
// (Electron security checklist: https://www.electronjs.org/docs/latest/tutorial/security).
// Pure data and predicates: no electron import, so the unit test runs without an Electron binary.

/** webPreferences of every window: isolated, sandboxed, no Node in the page, web security on. */
export function secureWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  } as const;
}

/** The page's CSP: only our own scripts, workers and data; no remote content, no eval, no plugins.
 *  `blob:` workers and images are what the bundler and figure export produce. Inline styles are
 *  allowed because React sets `style` attributes. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** In development the renderer comes from the Vite dev server, whose React refresh preamble is an
 *  inline script and whose HMR uses a websocket: those two are added, nothing else. */
export function devCsp(devUrl: string): string {
  const ws = devUrl.replace(/^http/, 'ws');
  return CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace("connect-src 'self'", `connect-src 'self' ${ws}`);
}

/** Whether a frame's URL is our own page: the packaged file, or the dev server's origin. */
export function isOwnUrl(url: string, rendererFile: string, devUrl?: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (devUrl) {
    try {
      if (u.origin === new URL(devUrl).origin) return true;
    } catch {
      return false;
    }
  }
  if (u.protocol !== 'file:') return false;
  const own = new URL(`file://${rendererFile.startsWith('/') ? '' : '/'}${rendererFile.replace(/\\/g, '/')}`);
  return decodeURIComponent(u.pathname) === decodeURIComponent(own.pathname);
}

/** Hosts `openExternal` may open (the paper, the code it cites); https only. */
export const EXTERNAL_ALLOW_LIST = ['arxiv.org', 'github.com', 'huggingface.co', 'www.electronjs.org'];

export function isAllowedExternal(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && EXTERNAL_ALLOW_LIST.includes(u.hostname) && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** Permission requests (camera, notifications, …) are all refused: the explorer needs none. */
export const ALLOWED_PERMISSIONS: readonly string[] = [];
