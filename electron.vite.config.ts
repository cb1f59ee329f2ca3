import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { cspMeta } from './scripts/csp-meta';

// Desktop build: main process (+ the engine host utility process, built as engine-host.js), preload,
// and the renderer, whose CSP meta tag is main/security.ts's policy (scripts/csp-meta.ts). Main and
// preload bundle their dependencies (externalizeDeps: false; electron and Node's built-ins stay
// external), so the packaged app needs no node_modules (electron.builder.yml).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: false,
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'main/index.ts'),
          'engine-host': resolve(__dirname, 'hosts/utility-process.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      // A sandboxed window loads only a CommonJS preload.
      rollupOptions: {
        input: { index: resolve(__dirname, 'main/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react(), cspMeta()],
    worker: { format: 'es' },
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
    },
  },
});
