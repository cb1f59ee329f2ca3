// A static audit of the BUILT desktop app (out/main, out/preload, out/renderer/index.html), in the
// spirit of Doyensec's electronegativity checks: insecure webPreferences, remote module,
// shell.openExternal beyond the one constant link (the study's page), a page loaded from file:// instead of app://, a port
// posted to any origin, a test hook a packaged app would expose, a renderer reloaded without backoff,
// missing CSP / navigation / new-window / permission guards, IPC without sender checks, and a preload
// that a sandboxed window could not load. Pure text rules over bundled code.

export interface BuiltFile {
  path: string;
  text: string;
}

export interface Finding {
  rule: string;
  file: string;
  message: string;
}

const T = '(?:true|!0)';
const F = '(?:false|!1)';

/** Patterns that must not appear anywhere in main or preload code. */
const FORBIDDEN: { rule: string; re: RegExp; message: string }[] = [
  { rule: 'node-integration', re: new RegExp(`nodeIntegration(?:InWorker|InSubFrames)?\\s*:\\s*${T}`), message: 'Node integration enabled in a renderer' },
  { rule: 'context-isolation', re: new RegExp(`contextIsolation\\s*:\\s*${F}`), message: 'context isolation disabled' },
  { rule: 'sandbox', re: new RegExp(`sandbox\\s*:\\s*${F}`), message: 'renderer sandbox disabled' },
  { rule: 'web-security', re: new RegExp(`webSecurity\\s*:\\s*${F}`), message: 'webSecurity disabled' },
  { rule: 'insecure-content', re: new RegExp(`allowRunningInsecureContent\\s*:\\s*${T}`), message: 'allowRunningInsecureContent enabled' },
  { rule: 'experimental-features', re: new RegExp(`experimentalFeatures\\s*:\\s*${T}`), message: 'experimental web features enabled' },
  { rule: 'blink-features', re: /enableBlinkFeatures/, message: 'extra Blink features enabled' },
  { rule: 'webview', re: new RegExp(`webviewTag\\s*:\\s*${T}`), message: '<webview> enabled' },
  { rule: 'remote-module', re: /enableRemoteModule|@electron\/remote|\bremote\.(?:require|getGlobal|getCurrentWindow)\b/, message: 'the remote module is used' },
  { rule: 'insecure-load', re: /loadURL\(\s*["'`]http:\/\/(?!localhost|127\.0\.0\.1)/, message: 'a page is loaded over plain http' },
  { rule: 'new-window', re: /action\s*:\s*["'`]allow["'`]/, message: 'a window-open handler allows new windows' },
  { rule: 'unchecked-ipc', re: /ipcMain\.on\(/, message: 'ipcMain.on handler (use the sender-checked ipcMain.handle wrapper)' },
  { rule: 'certificate-errors', re: /["'`]certificate-error["'`]/, message: 'certificate errors are handled (and possibly accepted)' },
  // the one link the app opens is the study's page, a constant (main/menu.ts): any other use of
  // openExternal, or STUDY_URL bound to anything else, is reported
  { rule: 'open-external', re: /openExternal(?!\(STUDY_URL\))|\bSTUDY_URL\s*=(?!\s*["'`]https:\/\/arxiv\.org\/abs\/2406\.07887["'`])/, message: 'openExternal is used for something other than the study\'s page (STUDY_URL, main/menu.ts)' },
  { rule: 'file-protocol', re: /\.loadFile\(|loadURL\(\s*["'`]file:/, message: 'the page is loaded from file:// (serve it over app://, main/protocol.ts)' },
  { rule: 'post-message-origin', re: /postMessage\([^,()]+,\s*["'`]\*["'`]/, message: "a message (the engine port) is posted to any origin ('*')" },
];

/** Guards the main process must contain. */
const REQUIRED_IN_MAIN: { rule: string; re: RegExp; message: string }[] = [
  { rule: 'missing-csp', re: /onHeadersReceived[\s\S]{0,400}Content-Security-Policy/, message: 'no CSP response header is set' },
  { rule: 'navigation', re: /["'`]will-navigate["'`]/, message: 'navigation is not blocked (no will-navigate handler)' },
  { rule: 'new-window', re: /setWindowOpenHandler/, message: 'new windows are not blocked (no setWindowOpenHandler)' },
  { rule: 'permissions', re: /setPermissionRequestHandler/, message: 'permission requests are not handled' },
  { rule: 'ipc-sender', re: /senderFrame/, message: 'IPC senders are not checked' },
  { rule: 'secure-preferences', re: /contextIsolation\s*:\s*(?:true|!0)[\s\S]{0,200}sandbox\s*:\s*(?:true|!0)/, message: 'webPreferences do not set contextIsolation and sandbox explicitly' },
  { rule: 'app-protocol', re: /registerSchemesAsPrivileged[\s\S]*protocol\.handle\(/, message: 'the app:// scheme is not registered and handled' },
  { rule: 'crash-reload', re: /["'`]render-process-gone["'`][\s\S]{0,400}onRendererCrash/, message: 'a crashed renderer is not reloaded through the backoff policy (main/crash-policy.ts)' },
];

function cspOf(html: string): string | undefined {
  const m = /http-equiv=["']Content-Security-Policy["']\s+content=(?:"([^"]+)"|'([^']+)')/i.exec(html);
  return m ? (m[1] ?? m[2]) : undefined;
}

export function auditBuild(files: BuiltFile[]): Finding[] {
  const findings: Finding[] = [];
  const code = files.filter((f) => /\.(c|m)?js$/.test(f.path));
  for (const f of code) {
    for (const r of FORBIDDEN) if (r.re.test(f.text)) findings.push({ rule: r.rule, file: f.path, message: r.message });
    // the end-to-end hook must be decided together with app.isPackaged, in the same expression
    if (/HYBRIDSCOPE_E2E/.test(f.text) && !/isPackaged[^;{}]{0,80}HYBRIDSCOPE_E2E|HYBRIDSCOPE_E2E[^;{}]{0,80}isPackaged/.test(f.text)) {
      findings.push({ rule: 'test-hook', file: f.path, message: 'the HYBRIDSCOPE_E2E hook is not turned off in packaged builds (app.isPackaged)' });
    }
  }
  const main = code.filter((f) => /(^|\/)main\//.test(f.path));
  const mainText = main.map((f) => f.text).join('\n');
  if (main.length === 0) findings.push({ rule: 'build', file: 'out/main', message: 'no main process bundle found' });
  else for (const r of REQUIRED_IN_MAIN) if (!r.re.test(mainText)) findings.push({ rule: r.rule, file: 'out/main', message: r.message });

  const preloads = code.filter((f) => /(^|\/)preload\//.test(f.path));
  if (preloads.length === 0) findings.push({ rule: 'build', file: 'out/preload', message: 'no preload bundle found' });
  for (const p of preloads) {
    if (p.path.endsWith('.mjs') || /^\s*import\s[\s\S]*?from\s+["']/m.test(p.text)) {
      findings.push({ rule: 'preload-format', file: p.path, message: 'the preload is an ES module; a sandboxed window only loads a CommonJS preload (set the preload output format to cjs)' });
    }
  }

  const html = files.find((f) => f.path.endsWith('renderer/index.html'));
  const csp = html ? cspOf(html.text) : undefined;
  if (!csp) findings.push({ rule: 'missing-csp', file: html?.path ?? 'out/renderer/index.html', message: 'the page has no CSP meta tag' });
  else {
    if (/unsafe-eval/.test(csp)) findings.push({ rule: 'weak-csp', file: html!.path, message: "the page's CSP allows 'unsafe-eval'" });
    const script = /script-src([^;]*)/.exec(csp)?.[1] ?? /default-src([^;]*)/.exec(csp)?.[1] ?? '';
    if (/unsafe-inline|\*|https?:/.test(script)) findings.push({ rule: 'weak-csp', file: html!.path, message: `the page's script-src is too broad (${script.trim()})` });
  }
  return findings;
}
