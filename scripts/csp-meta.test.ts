// The page's CSP meta tag comes from main/security.ts (scripts/csp-meta.ts): checked through vite's
// own build and dev server on a small page, and on the configs of both real builds.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, createServer, resolveConfig, type Plugin } from 'vite';
import { CSP, devCsp } from '../main/security';
import { cspMeta, metaPolicy } from './csp-meta';

const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
const metaOf = (html: string) => /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
const page = '<!doctype html><html><head><meta charset="UTF-8" /><title>t</title></head><body><script type="module" src="./main.js"></script></body></html>';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hs-csp-'));
  await writeFile(join(root, 'index.html'), page);
  await writeFile(join(root, 'main.js'), 'document.title = "x";\n');
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('CSP meta tag', () => {
  it("is the header's policy less the directives a meta tag cannot carry", () => {
    const header = directives(CSP);
    const meta = directives(metaPolicy(CSP));
    expect(header.has('frame-ancestors')).toBe(true);
    expect([...meta.keys()]).toEqual([...header.keys()].filter((k) => k !== 'frame-ancestors'));
    for (const [k, v] of meta) expect(v, k).toEqual(header.get(k));
  });

  it('is written into <head> by a build, right after the charset, ahead of the bundle it governs', async () => {
    const out = await build({ root, logLevel: 'silent', configFile: false, plugins: [cspMeta()], build: { write: false } });
    const bundle = Array.isArray(out) ? out[0] : out;
    const html = String((bundle as { output: { fileName: string; source?: unknown }[] }).output.find((o) => o.fileName === 'index.html')!.source);
    expect(metaOf(html)).toBe(metaPolicy(CSP));
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
    expect(html).toMatch(/<head><meta charset="UTF-8" \/>\s*<meta http-equiv="Content-Security-Policy"/);
  });

  it("is main's dev policy for the dev server's own URL (inline preamble, websocket)", async () => {
    const server = await createServer({ root, logLevel: 'silent', configFile: false, plugins: [cspMeta()], server: { host: '127.0.0.1', port: 0 } });
    try {
      await server.listen();
      const url = server.resolvedUrls!.local[0];
      const html = await server.transformIndexHtml('/index.html', page);
      expect(metaOf(html)).toBe(metaPolicy(devCsp(url)));
      expect(directives(metaOf(html)!).get('connect-src')).toContain(url.replace(/^http/, 'ws'));
    } finally {
      await server.close();
    }
  });

  it('has one source: index.html carries no policy of its own, and one there stops the build', async () => {
    expect(await readFile(new URL('../renderer/index.html', import.meta.url), 'utf8')).not.toMatch(/Content-Security-Policy/i);
    const hook = cspMeta().transformIndexHtml as (html: string, ctx: { filename: string }) => unknown;
    expect(() => hook(`<head><meta http-equiv="Content-Security-Policy" content="default-src *"></head>`, { filename: 'index.html' })).toThrow(/index\.html: remove its Content-Security-Policy meta tag/);
  });

  it('is part of both real builds: the web build and the desktop renderer', async () => {
    const named = (plugins: readonly unknown[]) => plugins.flat(Infinity).some((p) => (p as Plugin | null)?.name === 'hybridscope-csp-meta');
    const web = await resolveConfig({ configFile: new URL('../renderer/vite.web.config.ts', import.meta.url).pathname, logLevel: 'silent' }, 'build');
    expect(named(web.plugins)).toBe(true);
    const desktop = (await import('../electron.vite.config')).default as { renderer: { plugins: unknown[] } };
    expect(named(desktop.renderer.plugins)).toBe(true);
  });
});
