// Electron main process: one window (isolated, sandboxed, strict CSP, served from app://, no
// navigation, no new windows), the engine host spawned and supervised, IPC with sender checks, the
// menu. Thin by design: the engine runs in the utility process, the UI in the renderer.
import { app, BrowserWindow, Menu, nativeTheme, protocol, session } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CHANNELS, type MenuCommand } from '../app/desktop-api';
import { reloadOnCrash } from './crash-reload';
import { EngineSupervisor } from './engine-supervisor';
import { registerIpc } from './ipc';
import { buildMenu } from './menu';
import { serveAppRequest } from './protocol';
import { claimOsOpens } from './os-open';
import { RecentList } from './recent';
import { ALLOWED_PERMISSIONS, APP_ORIGIN, APP_PAGE, APP_PRIVILEGES, APP_SCHEME, CSP, devCsp, isOwnUrl, secureWebPreferences, testHookEnabled } from './security';

const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
// The built page, served as app://hybridscope/ (main/protocol.ts), which must be privileged before ready.
const rendererDir = join(__dirname, '../renderer');
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_PRIVILEGES }]);
// Packaged: electron-builder's extraResources copies assets/models to resources/models.
const modelsDir = app.isPackaged ? join(process.resourcesPath, 'models') : join(app.getAppPath(), 'assets', 'models');
const isOwnFrame = (url: string) => isOwnUrl(url, devUrl);
// A sandboxed preload must be CommonJS (index.cjs); an ES-module build (index.mjs) would not load,
// which the security audit test reports.
const preload = ['index.cjs', 'index.js', 'index.mjs'].map((f) => join(__dirname, '../preload', f)).find((f) => existsSync(f)) ?? '';

let win: BrowserWindow | null = null;
// One instance: a second launch (a file association, a path on the command line) hands its paths to
// this one and quits.
const osOpens = claimOsOpens(() => win, () => win?.webContents.send(CHANNELS.osOpensWaiting), () => {
  if (app.isReady() && !win) createWindow(); // the new window's page takes the waiting paths
});
if (!osOpens) app.exit(0);
// engine-host.js: hosts/utility-process.ts, built beside this file (electron.vite.config.ts)
const engine = new EngineSupervisor(join(__dirname, 'engine-host.js'), modelsDir, () => win?.webContents ?? null);
const recent = new RecentList(join(app.getPath('userData'), 'recent.json'));
// End-to-end tests kill the engine host through this handle (issue 5, acceptance 3); never when packaged.
if (testHookEnabled(process.env, app.isPackaged)) (globalThis as { hybridscopeEngine?: EngineSupervisor }).hybridscopeEngine = engine;

const sendMenu = (command: MenuCommand) => win?.webContents.send(CHANNELS.menuCommand, command);
const refreshMenu = () => Menu.setApplicationMenu(buildMenu(sendMenu, recent.list(), !app.isPackaged));

function createWindow(): void {
  win = new BrowserWindow({
    width: 1440, height: 900, minWidth: 900, minHeight: 600, show: false, title: 'HybridScope',
    // the page's own background in the system's scheme (nativeTheme stays 'system'), so no flash
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#15181b' : '#f5f5f2',
    webPreferences: secureWebPreferences(preload, devUrl ? new URL(devUrl).origin : APP_ORIGIN),
  });
  const wc = win.webContents;
  wc.on('will-navigate', (e) => e.preventDefault());
  wc.on('will-redirect', (e) => e.preventDefault());
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
  wc.on('did-finish-load', () => engine.connect());
  reloadOnCrash(win);
  win.once('ready-to-show', () => win?.show());
  win.on('closed', () => { win = null; });
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadURL(APP_PAGE);
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

app.whenReady().then(async () => {
  if (!osOpens) return; // another instance has our paths; this one is exiting
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, rendererDir, CSP));
  const csp = devUrl ? devCsp(devUrl) : CSP;
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(ALLOWED_PERMISSIONS.includes(permission)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => ALLOWED_PERMISSIONS.includes(permission));
  await recent.load();
  registerIpc({ window: () => win, isOwnFrame, engine, recent, onRecentChanged: refreshMenu, osOpens });
  refreshMenu();
  engine.start();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('before-quit', () => engine.stop());
