// Part (f): how fast the CLI starts — `npx hybridscope info assets/models/hybrid`, the wall time of
// the whole command as a person types it (npm's exec included), median of 5 after one unrecorded
// run; and the same command as `node bin/hybridscope.mjs`, which is the CLI's own share.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt, type Row } from './table';
import { time } from './timing';

const repo = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 5;
const TARGET_S = 0.5;

function runOnce(command: string, args: string[]): void {
  const r = spawnSync(command, args, { cwd: repo, encoding: 'utf8' });
  // a failed or noisy start is not a start time: stop the bench with what it said
  if (r.status !== 0 || r.stderr !== '') throw new Error(`${command} ${args.join(' ')}: exit ${r.status}, stderr ${JSON.stringify(r.stderr)}`);
}

export async function benchCli(): Promise<Row[]> {
  const info = ['info', 'assets/models/hybrid'];
  const npx = await time(() => runOnce('npx', ['hybridscope', ...info]), RUNS);
  const node = await time(() => runOnce(process.execPath, ['bin/hybridscope.mjs', ...info]), RUNS);
  const s = npx.median / 1000;
  return [
    {
      part: 'f', name: `npx hybridscope info assets/models/hybrid (wall, median of ${RUNS})`,
      engine: `${fmt(s, 2)} s`, reference: '—', ratio: '—', target: `< ${TARGET_S} s`,
      status: s < TARGET_S ? 'ok' : 'below target', values: { medianMs: npx.median, minMs: npx.min, runs: RUNS },
    },
    {
      part: 'f', name: `node bin/hybridscope.mjs info assets/models/hybrid (wall, median of ${RUNS})`,
      engine: `${fmt(node.median / 1000, 2)} s`, reference: '—', ratio: '—', target: '—',
      status: 'info', note: 'the CLI without npm: the rest of the npx figure is npm exec finding the package', values: { medianMs: node.median, minMs: node.min, runs: RUNS },
    },
  ];
}
