// Lint rules, including the import boundaries of DESIGN.md §1:
//   engine/   imports nothing of ours and no electron / node built-ins / react (its CLI and tests may use node)
//   app/      imports engine/ only; no electron, react or node built-ins
//   renderer/ imports app/ and engine/; no electron or node built-ins
//   main/     the Electron shell; never imports the renderer
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'url', 'crypto', 'module'];
const ban = (group, message) => ({ group, message });

export default tseslint.config(
  {
    ignores: ['node_modules/', 'tmp/', 'test-results/', 'out/', 'dist/', 'dist-web/', 'engine/kernels/wasm/assembly/', 'engine/kernels/wasm/build/', 'training/', 'bench/results/', '**/*.generated.ts'],
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
          ban(['electron', 'react', 'react-*', 'zustand', 'd3-*', ...nodeBuiltins], 'engine/ is host-agnostic: no electron, React, D3 or node built-ins (DESIGN.md §1).'),
          ban(['**/app/**', '**/main/**', '**/renderer/**', '../app', '../main', '../renderer'], 'engine/ imports nothing of ours.'),
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
          ban(['electron', 'react', 'react-*', 'zustand', 'd3-*', ...nodeBuiltins], 'app/ is host-agnostic: file access is injected (DESIGN.md §1).'),
          ban(['**/main/**', '**/renderer/**'], 'app/ imports engine/ only.'),
        ],
      }],
    },
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
        ],
      }],
    },
  },
  {
    files: ['main/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [ban(['**/renderer/**'], 'main/ never imports the renderer.')] }],
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**', '**/e2e/**', 'engine/cli/**', 'bench/**', 'scripts/**', 'bin/**', '*.config.*', '**/*.config.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
);
