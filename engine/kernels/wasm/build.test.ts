import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// The embedded module is committed so `npm ci` needs no build; rebuilding from assembly/ must give
// the same bytes, or the committed kernels are stale.
it('kernels.generated.ts equals a fresh build of assembly/', () => {
  const script = fileURLToPath(new URL('./build.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});
