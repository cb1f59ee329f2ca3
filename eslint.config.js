// Lint rules, including the import boundaries of the folders (each folder's README says them):
//   engine/   imports nothing of ours and no electron / node built-ins / react (its CLI and tests may use node)
//   app/      imports engine/ only; no electron, react or node built-ins
//   hosts/    import app/ and engine/, plus their own platform: the Web Worker and the page's clients
//             the browser (no node built-ins, no engine/cli), node.ts Node, utility-process.ts Node
//             and electron; never renderer/ or main/
//   renderer/ imports app/ and engine/, and hosts/ only for the client factory (hosts/engine-client.ts);
//             no electron or node built-ins
//   main/     the Electron shell; never imports the renderer, nor hosts/ (it spawns the built
//             utility-process host by file name; importing it would run the engine in main)
// Outside engine/, the engine is imported through its public entry only: engine/index.ts, and for
// the hosts that run in Node (main/, hosts/node.ts, hosts/utility-process.ts) engine/cli/node.ts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'url', 'crypto', 'module'];
const ban = (group, message) => ({ group, message });
const engineEntry = ban(['**/engine/*', '!**/engine/index', '!**/engine/cli', '**/engine/cli/*', '!**/engine/cli/node'], 'import the engine through its public entry, engine/index.ts (Node hosts also engine/cli/node.ts).');
const hostsOnly = ban(['**/renderer/**', '**/main/**', 'react', 'react-*', 'zustand', 'd3-*'], 'hosts/ are thin adapters over app/ and engine/ (hosts/README.md).');

export default tseslint.config(
  {
    ignores: ['node_modules/', 'tmp/', 'test-results/', 'out/', 'dist/', 'dist-web/', 'engine/kernels/wasm/assembly/', 'bench/assembly/', 'engine/kernels/wasm/build/', 'training/', 'bench/results/', '**/*.generated.ts', 'bin/hybridscope.mjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'DebuggerStatement', message: 'no debugger' }],
    },
  },
  {
    files: ['engine/**/*.ts'],
    ignores: ['engine/cli/**', 'engine/test/**', 'engine/**/*.test.ts', 'engine/**/bench/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ban(['electron', 'react', 'react-*', 'zustand', 'd3-*', ...nodeBuiltins], 'engine/ is host-agnostic: no electron, React, D3 or node built-ins (engine/README.md).'),
          ban(['**/app/**', '**/hosts/**', '**/main/**', '**/renderer/**', '../app', '../hosts', '../main', '../renderer'], 'engine/ imports nothing of ours.'),
        ],
      }],
    },
  },
  {
    files: ['app/**/*.ts'],
    ignores: ['app/**/*.test.ts', 'app/test/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ban(['electron', 'react', 'react-*', 'zustand', 'd3-*', ...nodeBuiltins], 'app/ is host-agnostic: file access is injected (app/README.md).'),
          ban(['**/hosts/**', '**/main/**', '**/renderer/**'], 'app/ imports engine/ only.'),
          engineEntry, ban(['**/engine/cli/**'], 'app/ runs in every host: no engine/cli.'),
        ],
      }],
    },
  },
  {
    files: ['hosts/**/*.ts'],
    ignores: ['hosts/**/*.test.ts', 'hosts/node.ts', 'hosts/utility-process.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [hostsOnly, engineEntry, ban(['electron', ...nodeBuiltins, '**/engine/cli/**'], 'this host runs in the browser: no electron, node built-ins or engine/cli.')],
      }],
    },
  },
  {
    files: ['hosts/node.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: { 'no-restricted-imports': ['error', { patterns: [hostsOnly, engineEntry, ban(['electron'], 'the Node host runs without Electron.')] }] },
  },
  {
    files: ['hosts/utility-process.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: { 'no-restricted-imports': ['error', { patterns: [hostsOnly, engineEntry] }] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/e2e/**', 'renderer/**/*.test.{ts,tsx}', 'renderer/vite.web.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', {
        patterns: [
          ban(['electron', ...nodeBuiltins], 'renderer/ runs sandboxed: no electron or node built-ins.'),
          ban(['**/main/**', '**/engine/cli/**'], 'renderer/ talks to the engine through app/ (EngineClient).'),
          ban(['**/hosts/*', '!**/hosts/engine-client'], 'renderer/ gets its EngineClient from hosts/engine-client.ts only.'),
          engineEntry,
        ],
      }],
    },
  },
  {
    files: ['main/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ban(['**/renderer/**'], 'main/ never imports the renderer.'),
          ban(['**/hosts/**'], 'main/ spawns the utility-process host by its built file (electron.vite.config.ts), never imports it.'),
          engineEntry,
        ],
      }],
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**', '**/e2e/**', 'engine/cli/**', 'bench/**', 'scripts/**', 'bin/**', '*.config.*', '**/*.config.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
);
