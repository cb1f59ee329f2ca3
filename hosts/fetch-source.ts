// FileSource over the web build's static files: bundled models are served from `models/` (assets/ is
// the public directory). Range requests read safetensors headers without the weights. Dev servers
// answer unknown paths with index.html, so an HTML answer counts as "no such file". The HTTP cache is
// bypassed: Chromium may answer a whole-file GET from a cached partial (Range) entry, cut short.
import type { FileSource } from '../engine';

export function fetchSource(base: URL, name: string): FileSource {
  const url = (file: string) => {
    if (file.split('/').includes('..')) throw new Error(`${name}/${file}: path leaves the folder`);
    return new URL(file, base);
  };
  const fail = (file: string, r: Response) => new Error(`${name}/${file}: HTTP ${r.status} ${r.statusText}`);
  const get = (file: string, init: RequestInit = {}) => fetch(url(file), { ...init, cache: 'no-store' });
  const isFile = (r: Response) => r.ok && !(r.headers.get('content-type') ?? '').startsWith('text/html');
  return {
    name,
    async has(file) {
      return isFile(await get(file, { method: 'HEAD' }));
    },
    async read(file) {
      const r = await get(file);
      if (!isFile(r)) throw fail(file, r);
      return new Uint8Array(await r.arrayBuffer());
    },
    async readRange(file, start, end) {
      const r = await get(file, { headers: { Range: `bytes=${start}-${end - 1}` } });
      if (!isFile(r)) throw fail(file, r);
      const bytes = new Uint8Array(await r.arrayBuffer());
      // A server that ignores Range sends the whole file (200): cut the range out of it.
      return r.status === 206 ? bytes : bytes.subarray(start, end);
    },
    async size(file) {
      const r = await get(file, { method: 'HEAD' });
      const n = Number(r.headers.get('content-length'));
      if (!isFile(r) || !Number.isFinite(n)) throw fail(file, r);
      return n;
    },
  };
}
