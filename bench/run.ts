// `npm run bench`: one command, one run. Prints a table and writes bench/results/<timestamp>.json
// with medians over repeats and the machine's description. `npm run bench -- cli` runs part (f), the
// CLI's start, alone (seconds instead of minutes); `-- limit` the FMA limit alone; `-- a`, `-- b`
// (parts b–d), `-- e`, `-- f`, `-- g` (or `-- peer`: onnxruntime-web beside the engine in Chromium),
// `-- h` (or `-- big`: real sizes, ~2.9 GB of checkpoints written to the temp folder once), `-- i`
// (growth: the hybrid at 1k, 4k and 16k tokens) any of the parts (the FMA limit runs with every part
// but e–i, which need no share of it). Parts whose inputs do
// not exist yet (bundled models, ONNX exports, the web UI) are skipped with the reason printed; nothing is faked.
// What each row means: bench/README.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { useBackend } from '../engine/kernels/backend';
import { createWasmBackend } from '../engine/kernels/wasm/backend';
import { spawnNodeHelper, untilReady } from './helper-port';
import { benchBig } from './big';
import { benchCli } from './cli';
import { benchFma } from './fma';
import { benchGrowth } from './growth';
import { describeMachine } from './machine';
import { benchMatmul } from './matmul';
import { benchModels } from './models';
import { printTable, type Row } from './table';
import { benchPeer } from './peer/bench';
import { benchWeb } from './web';

// Node 20 ships relaxed SIMD behind a flag (Electron 45 and current browsers have it on); turn it
// on before the kernels compile so the bench measures the build the desktop app runs.
setFlagsFromString('--experimental-wasm-relaxed-simd');

const PARTS = ['limit', 'a', 'b', 'e', 'f', 'g', 'h', 'i'] as const;
type Part = (typeof PARTS)[number];

/** Parts known by a name as well as their letter. */
const ALIASES: Record<string, Part> = { cli: 'f', peer: 'g', big: 'h' };

/** The parts named on the command line (`cli` is part f, `peer` part g, `big` part h), or all of them. */
function chosenParts(args: string[]): Set<Part> {
  const named = args.map((a) => ALIASES[a] ?? a);
  const bad = named.filter((a) => !(PARTS as readonly string[]).includes(a));
  if (bad.length) throw new Error(`unknown part ${bad.join(', ')}: choose from ${PARTS.join(', ')} (or cli, peer, big)`);
  const set = new Set<Part>(named.length ? (named as Part[]) : PARTS);
  if (set.has('a') || set.has('b')) set.add('limit'); // their shares of the limit
  return set;
}

async function main(): Promise<void> {
  const parts = chosenParts(process.argv.slice(2));
  const one = createWasmBackend();
  if (!one) throw new Error('this Node has no WebAssembly SIMD');
  const machine = describeMachine(one.name);
  // parts e and f alone time other processes: the kernels' helper thread is for parts (a)–(d)
  const kernelsNeeded = parts.has('a') || parts.has('b') || parts.has('i');
  const two = machine.cores >= 2 && kernelsNeeded ? createWasmBackend({ spawnHelper: spawnNodeHelper }) : null;
  if (two && !(await untilReady(() => two.threads() === 2))) throw new Error('the kernels\' helper thread did not start');
  // the engine runs as the app does: on every core this machine has, up to two
  const be = two ?? one;
  useBackend(be);
  console.log(`HybridScope bench — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, kernels ${be.name} on ${be.threads()} thread(s), load ${machine.load.toFixed(1)}\n`);
  const started = Date.now();
  const rows: Row[] = [];

  const threads = two ? [1, 2] : [1];
  const fma = parts.has('limit') ? await benchFma(Math.min(machine.cores, 2)) : null;
  if (fma) rows.push(...fma.rows);
  const limit = fma?.limit[one.flavor] ?? {};
  const cpuLimit = fma?.cpuLimit[one.flavor] ?? {};
  let peak = 0;
  if (parts.has('a')) {
    const mm = await benchMatmul(two ? { 1: one, 2: two } : { 1: one }, threads, limit, cpuLimit);
    rows.push(...mm.rows);
    peak = mm.peak;
  }
  if (parts.has('b')) rows.push(...(await benchModels(peak, be.threads(), limit[be.threads()], cpuLimit[be.threads()])));
  if (parts.has('e')) rows.push(...(await benchWeb()));
  if (parts.has('f')) rows.push(...(await benchCli()));
  if (parts.has('g')) rows.push(...(await benchPeer(machine.cores)));
  if (parts.has('h')) rows.push(...(await benchBig()));
  if (parts.has('i')) rows.push(...(await benchGrowth()));
  machine.loadEnd = loadavg()[0];
  console.log(`load ${machine.load.toFixed(1)} at the start, ${machine.loadEnd.toFixed(1)} at the end\n`);

  const table = printTable(rows);
  console.log(table);
  const stamp = new Date(started).toISOString().replace(/[:.]/g, '-');
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`${stamp}.json`, dir);
  writeFileSync(file, JSON.stringify({ started: new Date(started).toISOString(), seconds: (Date.now() - started) / 1000, machine, rows }, null, 2));
  console.log(`\nwrote ${file.pathname}`);
  two?.dispose();
}

main().catch((e) => {
  console.error(`bench: ${e instanceof Error ? e.stack : e}`);
  process.exit(1);
});
