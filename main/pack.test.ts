// `electron-builder --dir` on electron.builder.yml, and what it produced: app.asar holds exactly out/
// and package.json, the models and the license sit in resources/, and the fuses are flipped in the
// binary. The npm package here ships no Electron binary, so the first run uses a stand-in: a file
// with Electron's fuse wire (sentinel, version, length, one byte per fuse, as
// https://github.com/electron/fuses reads it) holding Electron's defaults, each the opposite of what
// the config asks. The second run packs the real binary, and says that it skipped where there is none.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtOut } from './built-out';

const root = join(import.meta.dirname, '..');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// RunAsNode, CookieEncryption, NodeOptions, NodeCliInspect, AsarIntegrity, OnlyLoadAppFromAsar,
// BrowserV8Snapshot, GrantFileProtocolExtraPrivileges: Electron's defaults, and what the config sets
const DEFAULT_WIRE = '10110001';
const EXPECTED_WIRE = '01001100';

const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/')).sort();

/** The fuse wire of a binary as a string of '0'/'1' ('r' for a removed fuse). */
function fuseWire(binary: string): string {
  const bytes = readFileSync(binary);
  const at = bytes.indexOf(SENTINEL);
  if (at < 0) throw new Error(`${binary}: no fuse sentinel`);
  const wire = at + SENTINEL.length;
  expect(bytes[wire], 'fuse wire version').toBe(1);
  return bytes.toString('latin1', wire + 2, wire + 2 + bytes[wire + 1]);
}

type AsarEntry = { files?: Record<string, AsarEntry>; size?: number; offset?: string };
/** Paths and contents of an asar archive: an 8-byte pickle holding the header's size, then the header
 *  pickle (payload size, string length, JSON), then the files. */
function readAsar(file: string): { paths: string[]; read(path: string): Buffer } {
  const bytes = readFileSync(file);
  const headerSize = bytes.readUInt32LE(4);
  const header = JSON.parse(bytes.toString('utf8', 16, 16 + bytes.readUInt32LE(12))) as AsarEntry;
  const entries = new Map<string, AsarEntry>();
  const walk = (e: AsarEntry, at: string) => {
    if (e.files) for (const [name, child] of Object.entries(e.files)) walk(child, at ? `${at}/${name}` : name);
    else entries.set(at, e);
  };
  walk(header, '');
  return {
    paths: [...entries.keys()].sort(),
    read(path) {
      const e = entries.get(path)!;
      const start = 8 + headerSize + Number(e.offset);
      return bytes.subarray(start, start + e.size!);
    },
  };
}

/** electron-builder --dir for Linux into `output`, with `electronDist` as the Electron to pack. */
function pack(electronDist: string, output: string): void {
  execFileSync('npx', ['electron-builder', '--config', 'electron.builder.yml', '--dir', '--linux', '--publish', 'never', `-c.electronDist=${electronDist}`, `-c.directories.output=${output}`], {
    cwd: root, stdio: 'pipe', env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
  });
}

function checkResources(resources: string): void {
  const out = join(root, 'out');
  const asar = readAsar(join(resources, 'app.asar'));
  const expected = ['package.json', ...filesUnder(out).filter((f) => !f.endsWith('.map')).map((f) => `out/${f}`)].sort();
  expect(asar.paths).toEqual(expected);
  const pkg = JSON.parse(asar.read('package.json').toString('utf8'));
  expect(pkg).toMatchObject({ name: 'hybridscope', main: 'out/main/index.js', type: 'module' });
  expect(pkg.scripts).toBeUndefined();
  expect(asar.read('out/main/index.js').equals(readFileSync(join(out, 'main', 'index.js')))).toBe(true);
  const models = join(root, 'assets', 'models');
  expect(filesUnder(join(resources, 'models'))).toEqual(filesUnder(models));
  for (const f of filesUnder(models)) expect(statSync(join(resources, 'models', f)).size, f).toBe(statSync(join(models, f)).size);
  expect(readFileSync(join(resources, 'LICENSE.hybridscope.txt'), 'utf8')).toBe(readFileSync(join(root, 'LICENSE'), 'utf8'));
  // The bundled models are what makes the package big (~7 MB a model, each trained ablation variant among
  // them, within the ~150 MB that assets/ may hold); everything else (the app's bundles, the license) stays small.
  const sizeOf = (dir: string) => filesUnder(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  const modelBytes = sizeOf(join(resources, 'models'));
  expect(modelBytes).toBeLessThan(150 * 2 ** 20);
  expect(sizeOf(resources) - modelBytes).toBeLessThan(16 * 2 ** 20);
}

/** The Electron binary the electron package installed (path.txt), without require('electron'),
 *  which would try to download one. */
function electronDist(): string | undefined {
  const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile) || !existsSync(join(dir, 'dist', readFileSync(pathFile, 'utf8').trim()))) return undefined;
  return join(dir, 'dist');
}

let tmp: string;
beforeAll(() => {
  builtOut();
  tmp = mkdtempSync(join(tmpdir(), 'hs-pack-'));
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('electron-builder --dir', () => {
  it('packs out/, the models and the license, and flips the fuses (stand-in Electron binary)', { timeout: 240_000 }, () => {
    const standIn = join(tmp, 'electron-stand-in');
    mkdirSync(join(standIn, 'resources'), { recursive: true });
    const filler = Buffer.alloc(4096, 0x90);
    writeFileSync(join(standIn, 'electron'), Buffer.concat([filler, Buffer.from(SENTINEL), Buffer.from([1, DEFAULT_WIRE.length]), Buffer.from(DEFAULT_WIRE), filler]), { mode: 0o755 });
    pack(standIn, join(tmp, 'stand-in'));
    const app = join(tmp, 'stand-in', 'linux-unpacked');
    expect(fuseWire(join(app, 'hybridscope'))).toBe(EXPECTED_WIRE);
    checkResources(join(app, 'resources'));
  });

  const dist = electronDist();
  if (!dist) console.log('skipped: no Electron binary — electron-builder --dir with the real Electron was not run');
  else if (process.platform !== 'linux') console.log('skipped: the real Electron is packed here on Linux hosts only');
  it.skipIf(!dist || process.platform !== 'linux')('packs the real Electron binary with the same fuses', { timeout: 600_000 }, () => {
    pack(dist!, join(tmp, 'real'));
    const app = join(tmp, 'real', 'linux-unpacked');
    // the seven fuses configured (index 6, the browser's V8 snapshot, stays as Electron ships it)
    const configured = (wire: string) => [0, 1, 2, 3, 4, 5, 7].map((i) => wire[i]).join('');
    expect(configured(fuseWire(join(app, 'hybridscope')))).toBe(configured(EXPECTED_WIRE));
    checkResources(join(app, 'resources'));
  });
});
