// Every security setting of the desktop app in one place, so a test can assert them
// (Electron security checklist: https://www.electronjs.org/docs/latest/tutorial/security).
// Pure data and predicates: no electron import, so the unit test runs without an Electron binary.

/** The page's own scheme and origin: main/protocol.ts serves out/renderer there. `standard` gives it
 *  an origin (so 'self', storage and exact postMessage targets work), `secure` makes it a secure
 *  context, `supportFetchAPI` lets module scripts and workers load; no `corsEnabled` (nothing else may
 *  read it) and no `bypassCSP`. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'hybridscope';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_PAGE = `${APP_ORIGIN}/index.html`;
export const APP_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, codeCache: true } as const;

/** The preload posts the engine's port to exactly the page's origin. Main passes that origin (the dev
 *  server's in development) as a renderer argument; without one it is the app:// origin — never '*'. */
const PAGE_ORIGIN_ARG = '--hybridscope-page-origin=';
export const pageOriginArgument = (origin: string) => `${PAGE_ORIGIN_ARG}${origin}`;
export function pageOriginFrom(argv: readonly string[]): string {
  return argv.find((a) => a.startsWith(PAGE_ORIGIN_ARG))?.slice(PAGE_ORIGIN_ARG.length) || APP_ORIGIN;
}

/** webPreferences of every window: isolated, sandboxed, no Node in the page, web security on.
 *  `pageOrigin` reaches the preload as an argument (pageOriginFrom). */
export function secureWebPreferences(preload: string, pageOrigin: string = APP_ORIGIN) {
  return {
    preload,
    additionalArguments: [pageOriginArgument(pageOrigin)] as string[],
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

/** Whether a frame's URL is our own page: the app:// origin, or the dev server's origin. */
export function isOwnUrl(url: string, devUrl?: string): boolean {
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
  // Node's URL gives a custom scheme no origin, so scheme and host are compared; a port or user
  // name makes it another origin.
  return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && !u.username && !u.password;
}

/** End-to-end tests reach the engine supervisor through a global when HYBRIDSCOPE_E2E=1; a packaged
 *  app never exposes it, whatever its environment says. */
export function testHookEnabled(env: Readonly<Record<string, string | undefined>>, isPackaged: boolean): boolean {
  return !isPackaged && env.HYBRIDSCOPE_E2E === '1';
}

/** Permission requests (camera, notifications, …) are all refused: the explorer needs none. */
export const ALLOWED_PERMISSIONS: readonly string[] = [];
