import { defineConfig } from 'vitest/config';

// Two projects: `unit` (Node: engine, app, hosts, store and chart logic, CLI, parity, reliability)
// and `e2e` (the web build in Debian Chromium through playwright-core, and Electron when a binary exists).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{engine,app,hosts,renderer,main,bench,scripts,capture}/**/*.test.{ts,tsx}'],
          exclude: ['**/node_modules/**', '**/e2e/**'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['{renderer,main}/e2e/**/*.e2e.ts', 'bench/**/*.e2e.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
