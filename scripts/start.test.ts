// `npm start` (scripts/start.mjs) on a fake node_modules/electron: the download faked to fail gives
// one line naming the failure and `npm run web`, exit 1; faked to succeed, electron-vite's start is
// reached with the binary's path. Electron itself is never started.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { electronViteCommand, installedBinary, runElectronInstaller, start } from './start.mjs';

const root = mkdtempSync(join(tmpdir(), 'hs-start-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** node_modules/electron as npm leaves it: no path.txt, no dist/; `installer` is its install.js. */
function electronDir(installer = ''): string {
  const dir = mkdtempSync(join(root, 'electron-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'electron', version: '45.5.0' }));
  writeFileSync(join(dir, 'install.js'), installer);
  return dir;
}

/** What the installer leaves when it succeeds (install.js's extractFile). */
function placeBinary(dir: string): void {
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'dist', 'electron'), '');
  writeFileSync(join(dir, 'path.txt'), 'electron');
}

function recorder(isTTY = false) {
  const out = { text: '', launched: [] as [string, string[]][], installs: 0 };
  return {
    out,
    stderr: { isTTY, write: (t: string) => (out.text += t) },
    launch: async (binary: string, args: string[]) => {
      out.launched.push([binary, args]);
      return 0;
    },
  };
}

describe('npm start', () => {
  it('a failed download: one line naming the failure and `npm run web`, exit 1, nothing started', async () => {
    const dir = electronDir();
    const r = recorder();
    const code = await start({ electronDir: dir, install: async () => 'TypeError: fetch failed', launch: r.launch, stderr: r.stderr, env: {}, nodeVersion: '22.12.0' });
    expect(code).toBe(1);
    expect(r.out.launched).toEqual([]);
    expect(r.out.text).toBe('npm start: could not download the Electron 45.5.0 binary (TypeError: fetch failed) — `npm run web` runs the same explorer in a browser\n');
  });

  it('says when this Node is older than the installer needs, still in one line; a terminal\'s status line is erased', async () => {
    const r = recorder(true);
    const code = await start({ electronDir: electronDir(), install: async () => null, launch: r.launch, stderr: r.stderr, env: {}, nodeVersion: '20.20.0' });
    expect(code).toBe(1);
    const visible = r.out.text.split('\r\x1b[K').at(-1)!;
    expect(visible).toBe('npm start: could not download the Electron 45.5.0 binary (the installer left no binary; the installer needs Node ≥ 22.12, this is 20.20.0) — `npm run web` runs the same explorer in a browser\n');
  });

  it('a successful download reaches electron-vite\'s start with the binary\'s path and the arguments', async () => {
    const dir = electronDir();
    const r = recorder();
    const code = await start({ electronDir: dir, install: async (d) => (placeBinary(d), null), launch: r.launch, stderr: r.stderr, env: {}, args: ['--noSandbox'] });
    expect(code).toBe(0);
    expect(r.out.launched).toEqual([[join(dir, 'dist', 'electron'), ['--noSandbox']]]);
    expect(r.out.text).toBe('');
  });

  it('downloads nothing when the binary is there, or ELECTRON_EXEC_PATH names one', async () => {
    const dir = electronDir();
    placeBinary(dir);
    const never = async () => {
      throw new Error('no download expected');
    };
    const r = recorder();
    await start({ electronDir: dir, install: never, launch: r.launch, stderr: r.stderr, env: {} });
    await start({ electronDir: electronDir(), install: never, launch: r.launch, stderr: r.stderr, env: { ELECTRON_EXEC_PATH: '/opt/electron/electron' } });
    expect(r.out.launched.map(([binary]) => binary)).toEqual([join(dir, 'dist', 'electron'), '/opt/electron/electron']);
  });

  it('runs Electron\'s installer and reports the first line of its stack trace', async () => {
    const failing = electronDir("console.error(new TypeError('fetch failed').stack); process.exit(1);");
    expect(await runElectronInstaller(failing)).toBe('TypeError: fetch failed');
    const working = electronDir(`
      const { mkdirSync, writeFileSync } = require('node:fs');
      mkdirSync(__dirname + '/dist');
      writeFileSync(__dirname + '/dist/electron', '');
      writeFileSync(__dirname + '/path.txt', 'electron');`);
    expect(await runElectronInstaller(working)).toBeNull();
    expect(installedBinary(working)).toBe(join(working, 'dist', 'electron'));
  });

  it('starts electron-vite\'s own bin in dev mode with the binary in ELECTRON_EXEC_PATH (electron-vite reads it before path.txt)', () => {
    const c = electronViteCommand('/x/electron', ['--noSandbox']);
    expect(c.command).toBe(process.execPath);
    expect(existsSync(c.args[0])).toBe(true);
    expect(c.args[0]).toMatch(/electron-vite[\\/]bin[\\/]electron-vite\.js$/);
    expect(c.args.slice(1)).toEqual(['dev', '--noSandbox']);
    expect(c.env.ELECTRON_EXEC_PATH).toBe('/x/electron');
  });
});
