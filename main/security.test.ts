// The window's security settings and CSP (issue 5, acceptance 4): asserted on the one module main
// uses. The page's meta CSP is built from it (scripts/csp-meta.ts, tested there).
import { describe, expect, it } from 'vitest';
import { CSP, devCsp, isAllowedExternal, isOwnUrl, secureWebPreferences } from './security';

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
    const file = '/opt/HybridScope/resources/app.asar/out/renderer/index.html';
    expect(isOwnUrl(`file://${file}`, file)).toBe(true);
    expect(isOwnUrl(`file://${file}#/view`, file)).toBe(true);
    expect(isOwnUrl('file:///etc/passwd', file)).toBe(false);
    expect(isOwnUrl('https://evil.example/index.html', file)).toBe(false);
    expect(isOwnUrl('http://localhost:5173/', file, 'http://localhost:5173')).toBe(true);
    expect(isOwnUrl('http://localhost:5174/', file, 'http://localhost:5173')).toBe(false);
    expect(isOwnUrl('http://localhost:5173/', file)).toBe(false);
    expect(isOwnUrl('not a url', file)).toBe(false);
  });

  it('opens only allow-listed https links', () => {
    expect(isAllowedExternal('https://arxiv.org/abs/2406.07887')).toBe(true);
    expect(isAllowedExternal('http://arxiv.org/abs/2406.07887')).toBe(false);
    expect(isAllowedExternal('https://arxiv.org.evil.example/')).toBe(false);
    expect(isAllowedExternal('https://user:pw@github.com/')).toBe(false);
    expect(isAllowedExternal('file:///etc/passwd')).toBe(false);
    expect(isAllowedExternal('javascript:alert(1)')).toBe(false);
  });
});
