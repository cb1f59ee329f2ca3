// Where the time goes, for kernel work between full bench runs: `npx tsx bench/profile.ts [model…]`.
// (1) a 4,000-token phonebook prefill with the default probes, with per-kernel totals from wrapping
// the kernel table (the rest is the engine's own JS), wall and CPU time of the process (both threads:
// on a loaded machine the CPU time is the steadier number); (2) greedy decoding after it on the
// one-thread and the two-thread backend in turns (same process, same state), so background load hits
// both alike. --no-decode skips (2). MODELS_DIR overrides assets/models/ (e.g. a copy while the bundled
// weights are replaced); PROFILE_TOKENS the prompt's length. Part (h)'s checkpoints: weights are placed
// in the two-thread backend's memory, so its decoding alone is timed, 2 × 8 steps:
//   MODELS_DIR=/tmp/hybridscope-bench PROFILE_TOKENS=500 npx tsx bench/profile.ts mamba2-1.3b-v1
// For a CPU profile: node --cpu-prof --import tsx bench/profile.ts hybrid
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { nodeFolderSource } from '../engine/cli/node-files';
import { forward } from '../engine/forward';
import { greedyTokens } from '../engine/generate';
import { loadModel } from '../engine/io/checkpoint';
import { useBackend, type KernelBackend } from '../engine/kernels/backend';
import { createWasmBackend } from '../engine/kernels/wasm/backend';
import { makePhonebook } from '../engine/phonebook';
import { defaultCapture } from '../engine/run';
import { loadTokenizer } from '../engine/tokenizer';
import { spawnNodeHelper, untilReady } from './helper-port';
import { median } from './timing';

setFlagsFromString('--experimental-wasm-relaxed-simd');

const KERNELS = [
  'matmul', 'rmsnorm', 'gatedRmsnorm', 'siluGate', 'softplus', 'conv1dCausal', 'mamba2Scan', 'mamba1Scan', 'mamba1ImplicitTerms', 'causalAttention',
  'residualAdd', 'rope',
] as const;

/** CPU time of the whole process (every thread), ms. */
function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/** The backend with every kernel timed into `totals` (wall ms) and `cpu` (CPU ms, both threads). */
function timed(be: KernelBackend, totals: Record<string, number>, cpu: Record<string, number>): KernelBackend {
  const out: KernelBackend = { ...be };
  for (const name of KERNELS) {
    const fn = be[name] as (...args: unknown[]) => void;
    (out as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const t0 = performance.now(), c0 = cpuMs();
      fn(...args);
      totals[name] = (totals[name] ?? 0) + performance.now() - t0;
      cpu[name] = (cpu[name] ?? 0) + cpuMs() - c0;
    };
  }
  return out;
}

async function main(): Promise<void> {
  const one = createWasmBackend()!;
  const two = createWasmBackend({ spawnHelper: spawnNodeHelper })!;
  if (!(await untilReady(() => two.threads() === 2))) throw new Error('the helper thread did not start');
  const dir = process.env.MODELS_DIR ?? new URL('../assets/models/', import.meta.url).pathname;
  const args = process.argv.slice(2).filter((a) => a !== '--no-decode');
  const ids = args.length ? args : ['hybrid', 'transformer', 'mamba2', 'mamba'];
  const promptTokens = Number(process.env.PROFILE_TOKENS ?? 4000);
  for (const id of ids) {
    useBackend(two); // large weights are placed in this backend's memory as they load
    const placedBefore = two.arena.end;
    const model = await loadModel(nodeFolderSource(`${dir}/${id}`));
    const placed = two.arena.end - placedBefore > 2 ** 28;
    const tokenizer = model.tokenizer
      ?? loadTokenizer(JSON.parse(readFileSync(new URL('../assets/tokenizer/tokenizer.json', import.meta.url), 'utf8')));
    const book = makePhonebook({ format: 'bare', variant: 'standard', tokens: promptTokens }, 1, tokenizer).tokens!;
    const capture = defaultCapture([book.ids.length - 1], book.entries.map((e) => e.span));
    const totals: Record<string, number> = {};
    const cpu: Record<string, number> = {};
    const ms: number[] = [];
    const cpus: number[] = [];
    for (let r = 0; r < (placed ? 2 : 4); r++) {
      for (const t of [totals, cpu]) for (const k of Object.keys(t)) delete t[k];
      useBackend(timed(two, totals, cpu));
      const t0 = performance.now(), c0 = cpuMs();
      forward(model, book.ids, capture, { lastLogitsOnly: placed });
      ms.push(performance.now() - t0);
      cpus.push(cpuMs() - c0);
    }
    const last = ms[ms.length - 1];
    const kernelMs = Object.values(totals).reduce((a, b) => a + b, 0);
    const kernelCpu = Object.values(cpu).reduce((a, b) => a + b, 0);
    const parts = Object.entries(totals).map(([k, v]) => `${k} ${v.toFixed(0)}/${cpu[k].toFixed(0)}`).join(', ');
    console.log(`${id} prefill T=${book.ids.length}: ${ms.map((m) => m.toFixed(0)).join(' ')} ms wall, ${cpus.map((m) => m.toFixed(0)).join(' ')} ms CPU (2 threads); last run, wall/CPU ms: ${parts}, engine JS ${(last - kernelMs).toFixed(0)}/${(cpus[cpus.length - 1] - kernelCpu).toFixed(0)}; load ${loadavg()[0].toFixed(1)}`);

    if (process.argv.includes('--no-decode')) continue;
    useBackend(two);
    const { state, logits } = forward(model, book.ids, undefined, { lastLogitsOnly: true });
    const tokens = greedyTokens(model, state, logits.data, Infinity, 1);
    tokens.next(); // the prefill's token; every later one is a step
    // the one-thread backend would read placed weights as outside its memory (a copy per call)
    const backends = placed ? [['two', two]] as const : [['one', one], ['two', two]] as const;
    const [rounds, steps] = placed ? [2, 8] : [8, 32];
    const rate: Record<string, number[]> = { one: [], two: [] };
    const stepCpu: Record<string, number[]> = { one: [], two: [] };
    for (let r = 0; r < rounds; r++) {
      for (const [name, be] of backends) {
        useBackend(be);
        const t0 = performance.now(), c0 = cpuMs();
        for (let i = 0; i < steps; i++) tokens.next();
        rate[name].push((steps * 1000) / (performance.now() - t0));
        stepCpu[name].push((cpuMs() - c0) / steps);
      }
    }
    const on = (name: 'one' | 'two') => `${median(rate[name]).toFixed(placed ? 2 : 0)} tok/s (CPU ${median(stepCpu[name]).toFixed(placed ? 0 : 2)} ms a step)`;
    const one1 = placed ? '' : `${on('one')} on 1 thread, `;
    console.log(`${id} decode after ${book.ids.length}: ${one1}${on('two')} on 2 (medians of ${rounds} × ${steps} steps${placed ? '' : ' in turns'}); load ${loadavg()[0].toFixed(1)}`);
  }
  two.dispose();
}

main().catch((e) => {
  console.error(`profile: ${e instanceof Error ? e.stack : e}`);
  process.exit(1);
});
