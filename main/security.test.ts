// The window's security settings and CSP (issue 5, acceptance 4): asserted on the one module main
// uses (the page's meta CSP is built from it: scripts/csp-meta.ts, tested there); the app:// origin,
// the preload's postMessage target and the end-to-end hook's packaged-build switch.
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, APP_PRIVILEGES, CSP, devCsp, isOwnUrl, pageOriginArgument, pageOriginFrom, secureWebPreferences, testHookEnabled } from './security';

const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));

describe('security settings', () => {
  it('isolates, sandboxes and keeps Node out of every window', () => {
    const p = secureWebPreferences('/x/preload.cjs');
    expect(p).toMatchObject({
      contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false,
      experimentalFeatures: false, webviewTag: false,
    });
    expect(p.preload).toBe('/x/preload.cjs');
    expect(p.additionalArguments).toEqual([pageOriginArgument(APP_ORIGIN)]);
  });

  it('registers app:// as a standard, secure scheme that neither bypasses the CSP nor opens to CORS', () => {
    expect(APP_ORIGIN).toBe('app://hybridscope');
    expect(APP_PRIVILEGES).toMatchObject({ standard: true, secure: true });
    expect(APP_PRIVILEGES).not.toHaveProperty('bypassCSP');
    expect(APP_PRIVILEGES).not.toHaveProperty('corsEnabled');
    expect(APP_PRIVILEGES).not.toHaveProperty('allowServiceWorkers');
  });

  it('has a strict CSP: own scripts only, no eval, no plugins, no framing', () => {
    const d = directives(CSP);
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('connect-src')).toEqual(["'self'"]);
    expect(CSP).not.toMatch(/unsafe-eval|\*|https?:/);
  });

  it('relaxes only what the dev server needs in development', () => {
    const d = directives(devCsp('http://localhost:5173'));
    expect(d.get('script-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(d.get('connect-src')).toEqual(["'self'", 'ws://localhost:5173']);
    expect(devCsp('http://localhost:5173')).not.toMatch(/unsafe-eval/);
  });

  it('accepts IPC only from our own page', () => {
    expect(isOwnUrl('app://hybridscope/index.html')).toBe(true);
    expect(isOwnUrl('app://hybridscope/index.html#/view')).toBe(true);
    expect(isOwnUrl('app://hybridscope/')).toBe(true);
    // the page used to be a file:// URL; no file:// frame is ours now
    expect(isOwnUrl('file:///opt/HybridScope/resources/app.asar/out/renderer/index.html')).toBe(false);
    expect(isOwnUrl('file:///etc/passwd')).toBe(false);
    expect(isOwnUrl('app://evil/index.html')).toBe(false);
    expect(isOwnUrl('app://hybridscope.evil/index.html')).toBe(false);
    expect(isOwnUrl('app://hybridscope:8080/index.html')).toBe(false);
    expect(isOwnUrl('app://user@hybridscope/index.html')).toBe(false);
    expect(isOwnUrl('apps://hybridscope/index.html')).toBe(false);
    expect(isOwnUrl('https://hybridscope/index.html')).toBe(false);
    expect(isOwnUrl('https://evil.example/index.html')).toBe(false);
    expect(isOwnUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isOwnUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isOwnUrl('http://localhost:5173/')).toBe(false);
    expect(isOwnUrl('not a url')).toBe(false);
  });

  it("posts the engine port to the page's exact origin, never '*'", () => {
    expect(pageOriginFrom(['/opt/HybridScope/hybridscope', '--type=renderer', pageOriginArgument(APP_ORIGIN)])).toBe(APP_ORIGIN);
    expect(pageOriginFrom(['x', pageOriginArgument('http://localhost:5173')])).toBe('http://localhost:5173');
    expect(pageOriginFrom(['x', '--type=renderer'])).toBe(APP_ORIGIN);
    expect(pageOriginFrom(['x', pageOriginArgument('')])).toBe(APP_ORIGIN);
    expect(secureWebPreferences('/p', 'http://localhost:5173').additionalArguments).toEqual([pageOriginArgument('http://localhost:5173')]);
  });

  it('exposes the end-to-end hook only in unpackaged builds that ask for it', () => {
    expect(testHookEnabled({ HYBRIDSCOPE_E2E: '1' }, false)).toBe(true);
    expect(testHookEnabled({ HYBRIDSCOPE_E2E: '1' }, true)).toBe(false);
    expect(testHookEnabled({}, false)).toBe(false);
    expect(testHookEnabled({ HYBRIDSCOPE_E2E: 'true' }, false)).toBe(false);
  });
});
