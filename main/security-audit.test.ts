// Runs the static audit (main/audit.ts) on the BUILT desktop app in out/ (built here if `npm test`
// did not build it already), and checks the audit itself on a deliberately insecure bundle.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditBuild, type BuiltFile } from './audit';
import { builtOut } from './built-out';

const root = join(import.meta.dirname, '..');

function builtFiles(): BuiltFile[] {
  const out = builtOut();
  const files: BuiltFile[] = [];
  for (const dir of ['main', 'preload']) {
    for (const name of readdirSync(join(out, dir))) {
      if (/\.(c|m)?js$/.test(name)) files.push({ path: relative(root, join(out, dir, name)), text: readFileSync(join(out, dir, name), 'utf8') });
    }
  }
  const html = join(out, 'renderer', 'index.html');
  if (existsSync(html)) files.push({ path: relative(root, html), text: readFileSync(html, 'utf8') });
  return files;
}

describe('security audit of the built app', () => {
  it('finds nothing in out/main, out/preload and out/renderer/index.html', { timeout: 120_000 }, () => {
    const findings = auditBuild(builtFiles());
    expect(findings.map((f) => `${f.rule}: ${f.file}: ${f.message}`)).toEqual([]);
  });

  it('flags every insecure pattern in a bad bundle', () => {
    const bad: BuiltFile[] = [
      {
        path: 'out/main/index.js',
        text: `new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: !1,
          webSecurity: false, allowRunningInsecureContent: !0, experimentalFeatures: true, webviewTag: true, enableBlinkFeatures: 'x' } });
          require('@electron/remote'); win.loadURL("http://example.com"); wc.setWindowOpenHandler(() => ({ action: 'allow' }));
          ipcMain.on('x', () => {}); app.on('certificate-error', (e, w, u, err, cert, cb) => cb(true)); shell.openExternal(url);
          win.loadFile(rendererFile); if (process.env.HYBRIDSCOPE_E2E === "1") globalThis.hybridscopeEngine = engine;
          wc.on("render-process-gone", (_e, details) => { if (details.reason !== "clean-exit") wc.reload(); });`,
      },
      { path: 'out/preload/index.mjs', text: 'import { contextBridge } from "electron"; window.postMessage(ENGINE_PORT_MESSAGE, "*", e.ports);' },
      { path: 'out/renderer/index.html', text: `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'unsafe-eval' https:">` },
    ];
    const rules = new Set(auditBuild(bad).map((f) => f.rule));
    for (const r of ['node-integration', 'context-isolation', 'sandbox', 'web-security', 'insecure-content', 'experimental-features',
      'blink-features', 'webview', 'remote-module', 'insecure-load', 'new-window', 'unchecked-ipc', 'certificate-errors', 'open-external',
      'missing-csp', 'navigation', 'permissions', 'ipc-sender', 'secure-preferences', 'preload-format', 'weak-csp',
      'file-protocol', 'post-message-origin', 'test-hook', 'app-protocol', 'crash-reload']) {
      expect(rules, r).toContain(r);
    }
    expect(auditBuild(bad.slice(0, 2)).some((f) => f.rule === 'missing-csp' && f.file.endsWith('index.html'))).toBe(true);
  });

  it('lets openExternal open the study\'s page and nothing else', () => {
    const flagged = (text: string) => auditBuild([{ path: 'out/main/index.js', text }]).some((f) => f.rule === 'open-external');
    expect(flagged('var STUDY_URL = "https://arxiv.org/abs/2406.07887"; shell.openExternal(STUDY_URL);')).toBe(false);
    expect(flagged('var STUDY_URL = "https://example.com/x"; shell.openExternal(STUDY_URL);')).toBe(true);
    expect(flagged('var STUDY_URL = "https://arxiv.org/abs/2406.07887"; shell.openExternal(url);')).toBe(true);
    expect(flagged('const { openExternal } = shell; openExternal(url);')).toBe(true);
  });
});
