// The built desktop app (out/) for the tests that read it — the security audit and the packaging
// checks: built here when `npm test` has not built it yet. Test files run in parallel workers, so one
// builds while the others wait on a lock (an electron-vite build empties out/ as it starts).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const out = join(root, 'out');
// one lock per checkout, outside it
const lock = join(tmpdir(), `hybridscope-build-${createHash('sha256').update(root).digest('hex').slice(0, 16)}.lock`);
const STALE_MS = 180_000;

const complete = () => ['main/index.js', 'main/engine-host.js', 'preload/index.cjs', 'renderer/index.html'].every((f) => existsSync(join(out, f)));
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export function builtOut(): string {
  if (complete()) return out;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (complete()) return out;
      // a lock left by a killed run is taken over
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > STALE_MS) rmSync(lock, { recursive: true, force: true });
      sleep(250);
    }
  }
  try {
    if (!complete()) execFileSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'pipe' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return out;
}
