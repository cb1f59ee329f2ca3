import { spawnSync } from 'node:child_process';
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
