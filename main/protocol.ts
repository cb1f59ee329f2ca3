// The page is served from app://hybridscope/ rather than file:// (Electron security checklist item 18:
// a file:// page may read any file its process can, and has an opaque origin). `resolveAppUrl` maps a
// URL to a file inside the renderer folder — refusing anything that leaves it, however encoded — and
// `serveAppRequest` answers with its bytes, MIME type and the CSP. No electron import: main/index.ts
// registers the scheme and hands these to protocol.handle, and the tests run them in Node.
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './security';

/** What the renderer build emits, and nothing else: other files are not served. */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export type Resolved = { ok: true; file: string; mime: string } | { ok: false; status: 400 | 403 | 404; reason: string };

/** The file under `root` that `url` names: `/` is index.html; a path that would leave `root` (`..`,
 *  percent-encoded slashes or dots, backslashes, NUL, a drive letter) is refused, as is another
 *  scheme or host and a file type the renderer does not emit. */
export function resolveAppUrl(url: string, root: string): Resolved {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST || u.username || u.password) return { ok: false, status: 404, reason: 'not this app' };
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return { ok: false, status: 400, reason: 'malformed percent-encoding' };
  }
  // The build names no file with these; after decoding, a backslash (a Windows separator), NUL (an
  // early end) or a colon (a drive letter, or an NTFS stream like `index.html::$DATA`) is an attack.
  if (/[\\\0:]/.test(path)) return { ok: false, status: 400, reason: 'backslash, NUL or colon in the path' };
  // `app://hybridscope` has an empty path: it is the root, and a folder means its index.html
  if (path === '') path = '/';
  if (path.endsWith('/')) path += 'index.html';
  const base = resolve(root);
  const file = resolve(base, `.${path}`);
  const rel = relative(base, file);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return { ok: false, status: 403, reason: 'outside the renderer folder' };
  const mime = MIME_TYPES[extname(file).toLowerCase()];
  if (!mime) return { ok: false, status: 404, reason: 'not a file type the app serves' };
  return { ok: true, file, mime };
}

/** The response protocol.handle gives for `request`: the file with its MIME type and `csp`, or an
 *  error status. Only GET and HEAD; a missing file is 404. */
export async function serveAppRequest(request: Request, root: string, csp: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers: { Allow: 'GET, HEAD' } });
  const r = resolveAppUrl(request.url, root);
  if (!r.ok) return new Response(r.reason, { status: r.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  const body = await readFile(r.file).catch(() => null);
  if (!body) return new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  const headers = { 'Content-Type': r.mime, 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' };
  return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers });
}
