// The app:// handler (main/protocol.ts) over a real folder: the page and its assets are served with
// their MIME types and the CSP; traversal — plain, percent-encoded, double-encoded, with backslashes,
// NUL, drive letters or NTFS streams — never reaches a file outside the folder; unknown files and
// types are 404.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIME_TYPES, resolveAppUrl, serveAppRequest } from './protocol';
import { CSP } from './security';

let base: string;
let root: string;
const SECRET = 'secret outside the renderer folder';

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'hs-protocol-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>HybridScope</title>');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'export {};');
  writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'kernels.wasm'), new Uint8Array([0, 97, 115, 109]));
  writeFileSync(join(root, 'assets', 'notes.exe'), 'MZ');
  // a sibling whose name starts like the folder's: a prefix check on strings would let it through
  writeFileSync(join(base, 'secret.txt'), SECRET);
  mkdirSync(join(base, 'renderer-evil'));
  writeFileSync(join(base, 'renderer-evil', 'x.js'), SECRET);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => serveAppRequest(new Request(url, { method }), root, CSP);

describe('app:// path resolution', () => {
  it('maps the origin and folders to index.html and assets to their files', () => {
    expect(resolveAppUrl('app://hybridscope/', root)).toEqual({ ok: true, file: join(root, 'index.html'), mime: 'text/html; charset=utf-8' });
    expect(resolveAppUrl('app://hybridscope', root)).toMatchObject({ ok: true, file: join(root, 'index.html') });
    expect(resolveAppUrl('app://hybridscope/index.html?x=1#/view', root)).toMatchObject({ ok: true, file: join(root, 'index.html') });
    expect(resolveAppUrl('app://hybridscope/assets/index-abc.js', root)).toMatchObject({ ok: true, file: join(root, 'assets', 'index-abc.js'), mime: 'text/javascript; charset=utf-8' });
    expect(resolveAppUrl('app://hybridscope/assets/a%20b.css', root)).toMatchObject({ ok: true, file: join(root, 'assets', 'a b.css') });
  });

  it('never resolves outside the folder, however the path is written', () => {
    const attempts = [
      'app://hybridscope/..%2Fsecret.txt',
      'app://hybridscope/assets/..%2F..%2Fsecret.txt',
      'app://hybridscope/%2E%2E%2Fsecret.txt',
      'app://hybridscope/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd',
      'app://hybridscope/..%5Csecret.txt',
      'app://hybridscope/assets\\..\\..\\secret.txt',
      'app://hybridscope/..%2Frenderer-evil%2Fx.js',
      'app://hybridscope/index.html%00.js',
      'app://hybridscope/%2Fetc%2Fpasswd',
      'app://hybridscope/C:/Windows/win.ini',
      'app://hybridscope/C%3A%5CWindows%5Cwin.ini',
      'app://hybridscope/index.html::$DATA',
    ];
    for (const url of attempts) {
      const r = resolveAppUrl(url, root);
      if (r.ok) expect.fail(`${url} resolved to ${r.file}`);
      expect([400, 403, 404], url).toContain(r.status);
    }
    // dot segments the URL parser removes stay inside the folder (and then name no file)
    for (const url of ['app://hybridscope/../../secret.txt', 'app://hybridscope/%2e%2e/%2e%2e/secret.txt', 'app://hybridscope/assets/../../secret.txt']) {
      const r = resolveAppUrl(url, root);
      expect(r.ok && r.file, url).toBe(join(root, 'secret.txt'));
    }
    // double encoding decodes once, to a literal file name with `%2F` in it
    expect(resolveAppUrl('app://hybridscope/..%252Fsecret.txt', root)).toMatchObject({ ok: true, file: join(root, '..%2Fsecret.txt') });
  });

  it('refuses other schemes and hosts, malformed encoding and file types the app does not serve', () => {
    expect(resolveAppUrl('file:///etc/passwd', root)).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppUrl('app://other/index.html', root)).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppUrl('app://x@hybridscope/index.html', root)).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppUrl('app://hybridscope/%E0%A4%A', root)).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppUrl('app://hybridscope/assets/notes.exe', root)).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppUrl('app://hybridscope/assets', root)).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppUrl('::', root)).toMatchObject({ ok: false, status: 400 });
  });

  it('gives each file type the renderer emits its MIME type', () => {
    const mime = (name: string) => { const r = resolveAppUrl(`app://hybridscope/${name}`, root); return r.ok ? r.mime : null; };
    expect(mime('a.html')).toMatch(/^text\/html/);
    expect(mime('a.js')).toMatch(/^text\/javascript/);
    expect(mime('a.mjs')).toMatch(/^text\/javascript/);
    expect(mime('a.CSS')).toMatch(/^text\/css/);
    expect(mime('a.json')).toMatch(/^application\/json/);
    expect(mime('a.wasm')).toBe('application/wasm');
    expect(mime('a.svg')).toBe('image/svg+xml');
    expect(mime('a.png')).toBe('image/png');
    expect(mime('a.woff2')).toBe('font/woff2');
    expect(Object.keys(MIME_TYPES).every((ext) => ext.startsWith('.') && ext === ext.toLowerCase())).toBe(true);
  });
});

describe('app:// responses', () => {
  it('serves the page with its type, the CSP and nosniff', async () => {
    const r = await get('app://hybridscope/');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('content-security-policy')).toBe(CSP);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await r.text()).toContain('<title>HybridScope</title>');
    const wasm = await get('app://hybridscope/assets/kernels.wasm');
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect([...new Uint8Array(await wasm.arrayBuffer())]).toEqual([0, 97, 115, 109]);
  });

  it('answers 404 for unknown files and never returns bytes from outside the folder', async () => {
    expect((await get('app://hybridscope/assets/missing.js')).status).toBe(404);
    expect((await get('app://hybridscope/secret.txt')).status).toBe(404);
    for (const url of ['app://hybridscope/..%2Fsecret.txt', 'app://hybridscope/..%2Frenderer-evil%2Fx.js', 'app://hybridscope/..%5Csecret.txt']) {
      const r = await get(url);
      expect(r.status, url).toBeGreaterThanOrEqual(400);
      expect(await r.text(), url).not.toContain(SECRET);
    }
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get('app://hybridscope/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await get('app://hybridscope/index.html', 'POST');
    expect(post.status).toBe(405);
  });
});
