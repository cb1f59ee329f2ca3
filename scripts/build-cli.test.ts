import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// bin/hybridscope.mjs is committed so the CLI runs without a build step; compiling engine/cli/ again
// must give the same bytes, or the committed file is stale.
it('bin/hybridscope.mjs equals a fresh build of engine/cli/', () => {
  const script = fileURLToPath(new URL('./build-cli.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

// The CLI's own package (bin/, a workspace) is what `npx hybridscope` and a global install run: it
// names the bundle as its bin, declares every package the bundle imports at the project's versions,
// and carries the project's version (which `--version` prints).
it('bin/package.json declares what the compiled CLI imports, at the project\'s versions', () => {
  const read = (path: string) => JSON.parse(readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8'));
  const root = read('../package.json');
  const cli = read('../bin/package.json');
  expect(root.workspaces).toEqual(['bin']);
  expect(root.bin).toBeUndefined(); // a root bin of the same name makes npx read the whole tree first
  expect(cli.bin).toEqual({ hybridscope: 'hybridscope.mjs' });
  expect(cli.version).toBe(root.version);
  const source = readFileSync(fileURLToPath(new URL('../bin/hybridscope.mjs', import.meta.url)), 'utf8');
  const imported = [...source.matchAll(/^import .* from ["']([^"']+)["'];?$/gm)].map((m) => m[1]).filter((s) => !s.startsWith('node:'));
  expect(imported.length).toBeGreaterThan(0);
  for (const name of new Set(imported)) expect(cli.dependencies[name], name).toBe(root.dependencies[name]);
});
