// Paths the OS hands the app to open — a launch's command line, a second launch's (Windows/Linux: a
// file association runs the app with the file's path), macOS's open-file events — and what each is.
// Pure: main/os-open.ts wires these to electron's events, main/ipc.ts opens what they name.
import { isAbsolute, resolve } from 'node:path';
import { EXPERIMENT_EXTENSION } from '../app/experiment';
import { isTraceName } from '../engine';

export type OpenKind = 'model-folder' | 'experiment' | 'trace';

/**
 * What a path opens as: a folder is a model folder (the engine checks it is one), a file named
 * `*.hybridscope.json` an experiment (main/ipc.ts reads only those, and checks their format before
 * the page sees a byte), a `*.hstrace` file a trace (trace-files.ts checks its magic before granting
 * the page its bytes).
 */
export function openKind(path: string, isDirectory: boolean): OpenKind | null {
  if (isDirectory) return 'model-folder';
  if (path.toLowerCase().endsWith(EXPERIMENT_EXTENSION)) return 'experiment';
  if (isTraceName(path)) return 'trace';
  return null;
}

/**
 * The paths on a command line: argv without the executable (and, run unpackaged as
 * `electron <app>`, without the app path too), without switches — Chromium adds its own — resolved
 * against the directory it was launched in.
 */
export function launchPaths(argv: readonly string[], unpackaged: boolean, cwd: string): string[] {
  return argv
    .slice(unpackaged ? 2 : 1)
    .filter((a) => a !== '' && !a.startsWith('-'))
    .map((a) => (isAbsolute(a) ? a : resolve(cwd, a)));
}

/** A second launch's paths, sent as the lock's additionalData (electron's argv in second-instance
 *  may be reordered and extended, so the second instance reads its own): checked, since any process
 *  of this user may send it. */
export function secondInstancePaths(data: unknown): string[] {
  const paths = (data as { paths?: unknown } | null)?.paths;
  if (!Array.isArray(paths)) return [];
  return paths.filter((p): p is string => typeof p === 'string' && p.length <= 4096 && isAbsolute(p)).slice(0, 16);
}

/** Paths waiting for the page: the OS may ask before the window has loaded (macOS open-file at
 *  launch), so they are kept until the page takes them; `notify` tells a page that is listening. */
export class OpenQueue {
  private paths: string[] = [];

  constructor(private readonly notify: () => void) {}

  push(paths: readonly string[]): void {
    if (paths.length === 0) return;
    this.paths.push(...paths);
    this.notify();
  }

  take(): string[] {
    const taken = this.paths;
    this.paths = [];
    return taken;
  }
}
