// The OS opening things with the app: one instance only (app.requestSingleInstanceLock). A second
// launch — a file association on Windows/Linux runs the app with the file's path — hands its paths
// to the first and quits; macOS sends open-file events instead. The paths wait in a queue until the
// page takes them (ipc.ts, takeOsOpens), which opens them as it opens a dropped file.
import { app, type BrowserWindow } from 'electron';
import { launchPaths, OpenQueue, secondInstancePaths } from './open-paths';

/** The queue of paths to open, or null when another instance holds the lock (it got our paths).
 *  `show` brings up a window to open them in (macOS keeps the app running with none). */
export function claimOsOpens(window: () => BrowserWindow | null, notify: () => void, show: () => void): OpenQueue | null {
  const own = launchPaths(process.argv, process.defaultApp === true, process.cwd());
  if (!app.requestSingleInstanceLock({ paths: own })) return null;
  const queue = new OpenQueue(notify);
  queue.push(own);
  app.on('second-instance', (_e, _argv, _cwd, data) => {
    queue.push(secondInstancePaths(data));
    show();
    const w = window();
    if (w?.isMinimized()) w.restore();
    w?.focus();
  });
  // macOS: at launch this comes before 'ready'; the page takes the path once it has loaded
  app.on('open-file', (e, path) => {
    e.preventDefault();
    queue.push([path]);
    show();
  });
  return queue;
}
