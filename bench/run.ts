// `npm run bench`: one command, one run. Prints a table and writes bench/results/<timestamp>.json
// with medians over repeats and the machine's description. `npm run bench -- cli` runs part (f), the
// CLI's start, alone (seconds instead of minutes); `npm run bench -- big` part (g), real sizes, alone. Parts whose inputs do not exist yet
// (bundled models, ONNX exports, the web UI) are skipped with the reason printed; nothing is faked.
// What each row means: bench/README.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { useBackend } from '../engine/kernels/backend';
import { createWasmBackend } from '../engine/kernels/wasm/backend';
import { spawnNodeHelper, untilReady } from './helper-port';
import { benchBig } from './big';
import { benchCli } from './cli';
import { describeMachine } from './machine';
import { benchMatmul } from './matmul';
import { benchModels } from './models';
import { printTable, type Row } from './table';
import { benchWeb } from './web';

// Node 20 ships relaxed SIMD behind a flag (Electron 45 and current browsers have it on); turn it
// on before the kernels compile so the bench measures the build the desktop app runs.
setFlagsFromString('--experimental-wasm-relaxed-simd');

async function main(): Promise<void> {
  const one = createWasmBackend();
  if (!one) throw new Error('this Node has no WebAssembly SIMD');
  const machine = describeMachine(one.name);
  // part (f) alone times other processes: the kernels' helper thread is for parts (a)–(e)
  const cliOnly = process.argv.slice(2).includes('cli');
  const bigOnly = process.argv.slice(2).includes('big');
  const two = machine.cores >= 2 && !cliOnly && !bigOnly ? createWasmBackend({ spawnHelper: spawnNodeHelper }) : null;
  if (two && !(await untilReady(() => two.threads() === 2))) throw new Error('the kernels\' helper thread did not start');
  // the engine runs as the app does: on every core this machine has, up to two
  const be = two ?? one;
  useBackend(be);
  console.log(`HybridScope bench — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, kernels ${be.name} on ${be.threads()} thread(s), load ${machine.load.toFixed(1)}\n`);
  const started = Date.now();
  const rows: Row[] = [];

  if (!cliOnly && !bigOnly) {
    const threads = two ? [1, 2] : [1];
    const mm = await benchMatmul(two ? { 1: one, 2: two } : { 1: one }, threads);
    rows.push(...mm.rows);
    rows.push(...(await benchModels(mm.peak, be.threads())));
    rows.push(...(await benchWeb()));
  }
  if (!bigOnly) rows.push(...(await benchCli()));
  if (!cliOnly) rows.push(...(await benchBig()));

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
