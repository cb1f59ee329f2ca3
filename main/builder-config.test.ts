// The packaging configuration as electron-builder itself reads it (its own loader and schema, from
// the electron-builder we depend on): named by `npm run dist` (--config electron.builder.yml), valid, each target's required
// metadata present, the fuses set, only out/ and the bundled models packed — and out/ really needs
// no node_modules, since none ship. main/pack.test.ts runs electron-builder on it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import type { Configuration } from 'electron-builder';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtOut } from './built-out';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// app-builder-lib as electron-builder resolves it: the loader and validator `electron-builder` runs
const builderRequire = createRequire(createRequire(import.meta.url).resolve('electron-builder'));
const { getConfig, validateConfiguration } = builderRequire('app-builder-lib/out/util/config/config.js');

let config: Configuration;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

beforeAll(async () => {
  config = await getConfig(root, 'electron.builder.yml', null);
});

describe('electron-builder configuration', () => {
  it('is read from electron.builder.yml, as npm run dist names it, and passes electron-builder’s schema', async () => {
    expect(config.appId).toBe('org.hybridscope.app');
    await expect(validateConfiguration(config, { isEnabled: false })).resolves.toBeUndefined();
    // the validator does reject a misspelt option, so the line above means something
    await expect(validateConfiguration({ ...config, linux: { ...config.linux, tagret: 'deb' } }, { isEnabled: false })).rejects.toThrow(/configuration/);
  });

  it('builds AppImage and deb on Linux, dmg on macOS and nsis on Windows', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toBe('dmg');
    expect(config.win?.target).toBe('nsis');
    expect(config.productName).toBe('HybridScope');
  });

  it('associates traces and experiments with the app, by the extensions main opens', async () => {
    const { openKind } = await import('./open-paths');
    const assoc = [config.fileAssociations].flat();
    expect(assoc.map((a) => a?.ext)).toEqual(['hstrace', 'hybridscope.json']);
    for (const a of assoc) {
      expect(a?.role).toBe('Viewer');
      expect(a?.mimeType).toMatch(/^application\/x-hybridscope-/);
      // what the OS hands over under each association, main opens as its kind
      expect(openKind(`/x/run.${a?.ext}`, false)).toBe(a?.ext === 'hstrace' ? 'trace' : 'experiment');
    }
  });

  it('has the metadata those targets require, and the MIT license file', () => {
    // checkMetadata: name and version; the deb and AppImage targets (FpmTarget): a homepage and the
    // author's e-mail for the maintainer field
    expect(pkg.name).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(pkg.description.length).toBeGreaterThan(20);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.author.name).toBeTruthy();
    expect(pkg.author.email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/);
    expect(config.linux?.maintainer ?? `${pkg.author.name} <${pkg.author.email}>`).toMatch(/<.+@.+>/);
    expect(pkg.license).toBe('MIT');
    const license = readFileSync(join(root, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License/);
    expect(license).toContain('Permission is hereby granted, free of charge');
    expect(config.extraResources).toContainEqual({ from: 'LICENSE', to: 'LICENSE.hybridscope.txt' });
    // electron-builder refuses Electron in `dependencies`
    expect(Object.keys(pkg.dependencies)).not.toContain('electron');
  });

  it('takes its icons from where scripts/icons.mjs writes them, which `npm run dist` runs first', () => {
    expect(config.directories?.buildResources).toBe('build');
    expect(config.linux?.icon).toBe('build/icons');
    expect(config.mac?.icon).toBe('build/icon.png');
    expect(config.win?.icon).toBe('build/icon.png');
    // `npm run dist -- --dir` appends --dir to the last command, which must be electron-builder
    expect(pkg.scripts.dist).toBe('electron-vite build && node scripts/icons.mjs && electron-builder --config electron.builder.yml');
  });

  it('flips the fuses: no Node mode, no NODE_OPTIONS, no inspector, only the checked app.asar, no file:// privileges', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.asar).toBe(true);
  });

  it('packs out/ and package.json, no node_modules and no source maps; the models and the license as resources', () => {
    // electron-builder's loader turns the list into one file set whose filter holds the patterns
    const files = [config.files].flat().flatMap((f) => (typeof f === 'string' ? [f] : [f?.filter ?? []].flat()));
    expect(files).toEqual(['out/**', 'package.json', '!node_modules/**', '!**/*.map']);
    expect(config.extraResources).toEqual([
      { from: 'assets/models', to: 'models', filter: ['**/*'] },
      { from: 'LICENSE', to: 'LICENSE.hybridscope.txt' },
    ]);
    expect(config.npmRebuild).toBe(false);
  });

  it('ships models of the expected kinds and size only (nothing large by accident)', () => {
    const models = join(root, 'assets', 'models');
    const files = filesUnder(models);
    const kinds = new Set(files.map((f) => relative(models, f).split('/').pop()!.replace(/^[^.]*/, '')));
    expect([...kinds].sort()).toEqual(['.json', '.md', '.safetensors', '.svg']); // .svg: each card's loss plot
    const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
    expect(bytes).toBeLessThan(150 * 2 ** 20); // the bundled four, the ablation variants and their cards: the models' budget
    for (const f of files) expect(statSync(f).size, relative(root, f)).toBeLessThan(16 * 2 ** 20);
  });
});

describe('the built bundles (out/)', () => {
  let out: string;
  beforeAll(() => { out = builtOut(); }, 120_000);

  it('import only electron, Node built-ins and each other: no node_modules ship', () => {
    const code = ['main', 'preload'].flatMap((d) => filesUnder(join(out, d))).filter((f) => /\.(c|m)?js$/.test(f));
    expect(code.map((f) => relative(out, f))).toEqual(expect.arrayContaining(['main/index.js', 'main/engine-host.js', 'preload/index.cjs']));
    for (const f of code) {
      const text = readFileSync(f, 'utf8');
      const specifiers = [
        /^\s*(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']/gm, // import … from '…' (a bundle's imports start lines)
        /^\s*import\s*["']([^"']+)["']/gm,
        /\bimport\(\s*["']([^"']+)["']\s*\)/g,
        /\brequire\(\s*["']([^"']+)["']\s*\)/g,
      ].flatMap((re) => [...text.matchAll(re)].map((m) => m[1]));
      const bare = specifiers.filter((s) => !s.startsWith('.') && !s.startsWith('node:') && s !== 'electron');
      expect(bare, relative(out, f)).toEqual([]);
    }
    expect(existsSync(join(out, 'renderer', 'index.html'))).toBe(true);
  });

  it('start the engine host with utilityProcess.fork: nothing needs the runAsNode fuse', () => {
    const main = readFileSync(join(out, 'main', 'index.js'), 'utf8');
    expect(main).toMatch(/utilityProcess\.fork\(/);
    // child_process.fork and ELECTRON_RUN_AS_NODE are what runAsNode: false breaks
    for (const f of ['main', 'preload'].flatMap((d) => filesUnder(join(out, d)))) {
      expect(readFileSync(f, 'utf8'), relative(out, f)).not.toMatch(/child_process|ELECTRON_RUN_AS_NODE/);
    }
  });
});
