// Typechecks each folder against its own boundary (engine and app see no DOM or Node types; the
// hosts in the browser see no Node types, the Node hosts no DOM), then the whole repository (tests,
// CLI, configs) with Node types.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const projects = ['engine', 'app', 'hosts', 'renderer', 'main'].map((d) => `${d}/tsconfig.json`).filter(existsSync);
projects.push('hosts/tsconfig.node.json');
projects.push('tsconfig.json');
let failed = false;
for (const p of projects) {
  const r = spawnSync('npx', ['tsc', '-p', p], { stdio: 'inherit' });
  console.log(`typecheck ${p}: ${r.status === 0 ? 'ok' : 'FAILED'}`);
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
