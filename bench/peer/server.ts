// The peer bench's own static server (Node): the page and its workers bundled by esbuild in memory,
// onnxruntime-web's dist/ at /ort/, bench/onnx/ at /onnx/, assets/models/ at /models/ — every answer
// with COOP same-origin and COEP require-corp, so the page is cross-origin isolated and both the
// engine's helper thread and onnxruntime-web's threads can start. Range requests are answered (the
// engine reads safetensors headers with them). Listens on 127.0.0.1 only, on a free port.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const ENTRIES = ['page', 'engine-worker', 'helper-worker', 'ort-worker'];
const PAGE = '<!doctype html><meta charset="utf-8"><title>peer bench</title><script type="module" src="/page.js"></script>';
const FOLDERS: Record<string, string> = {
  ort: `${repo}node_modules/onnxruntime-web/dist/`,
  onnx: `${repo}bench/onnx/`,
  models: `${repo}assets/models/`,
};
const TYPES: Record<string, string> = { html: 'text/html', js: 'text/javascript', mjs: 'text/javascript', wasm: 'application/wasm', json: 'application/json' };
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export interface PeerServer { url: string; close(): Promise<void> }

/** Bundles the page and workers, then serves them; `close()` stops the server. */
export async function startPeerServer(): Promise<PeerServer> {
  const out = await build({
    entryPoints: Object.fromEntries(ENTRIES.map((e) => [e, fileURLToPath(new URL(`./${e}.ts`, import.meta.url))])),
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, outdir: '/peer', logLevel: 'warning',
  });
  const bundles = new Map(out.outputFiles.map((f) => [f.path.slice('/peer'.length), f.contents]));
  const server = createServer((req, res) => answer(req, res, bundles));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}

function answer(req: IncomingMessage, res: ServerResponse, bundles: Map<string, Uint8Array>): void {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const type = (name: string) => TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
  const head = req.method === 'HEAD';
  if (path === '/') return send(res, 200, { 'Content-Type': 'text/html' }, head ? undefined : PAGE);
  const bundle = bundles.get(path);
  if (bundle) return send(res, 200, { 'Content-Type': 'text/javascript', 'Content-Length': String(bundle.length) }, head ? undefined : bundle);
  const [, folder, ...rest] = path.split('/');
  const file = FOLDERS[folder] !== undefined && rest.length && rest.every((p) => /^[\w.-]+$/.test(p) && p !== '..') ? FOLDERS[folder] + rest.join('/') : '';
  if (!file || !existsSync(file) || !statSync(file).isFile()) return send(res, 404, { 'Content-Type': 'text/plain' }, `no ${path}`);
  const size = statSync(file).size;
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  const end = range ? Math.min(size - 1, range[2] ? Number(range[2]) : size - 1) : size - 1;
  if (range && start > end) return send(res, 416, { 'Content-Range': `bytes */${size}` });
  res.writeHead(range ? 206 : 200, {
    ...ISOLATION, 'Content-Type': type(file), 'Content-Length': String(end - start + 1), 'Accept-Ranges': 'bytes',
    ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
  });
  if (head) res.end();
  else createReadStream(file, { start, end }).pipe(res);
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: string | Uint8Array): void {
  res.writeHead(status, { ...ISOLATION, ...headers });
  res.end(body);
}
