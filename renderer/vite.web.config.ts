import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Web build: the same renderer with the engine service in a Web Worker; bundled models are served
// from assets/ (the folder is the public directory, so /models/<id>/config.json resolves).
export default defineConfig({
  root: resolve(import.meta.dirname, '.'),
  base: './',
  publicDir: resolve(import.meta.dirname, '../assets'),
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    outDir: resolve(import.meta.dirname, '../dist-web'),
    emptyOutDir: true,
    target: 'es2022',
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
