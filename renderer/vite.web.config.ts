import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { cspMeta } from '../scripts/csp-meta.ts';

// Web build: the same renderer with the engine service in a Web Worker; bundled models are served
// from assets/ (the folder is the public directory, so /models/<id>/config.json resolves). The page's
// CSP meta tag is main/security.ts's policy (scripts/csp-meta.ts). Its servers send COOP/COEP, so the
// page is cross-origin isolated and the engine's Worker can share memory with a second kernel thread
// (hosts/worker.ts); a host that serves dist-web/ elsewhere should send them too.
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: resolve(import.meta.dirname, '.'),
  base: './',
  publicDir: resolve(import.meta.dirname, '../assets'),
  plugins: [react(), cspMeta()],
  worker: { format: 'es' },
  build: {
    outDir: resolve(import.meta.dirname, '../dist-web'),
    emptyOutDir: true,
    target: 'es2022',
  },
  server: { host: '127.0.0.1', headers: ISOLATION },
  preview: { host: '127.0.0.1', headers: ISOLATION },
});
