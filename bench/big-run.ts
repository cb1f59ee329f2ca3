// One real-size run, in a process of its own so its peak resident memory is its own: open a model
// folder through the app's service (app/service.ts, over the Node host's MessageChannel, as the
// tests drive it), run a phonebook prompt of about 500 tokens with the default probes, generate, and
// print one JSON line: load, prefill, ms per token, peak RSS. Run by bench/big.ts:
//   node --import tsx bench/big-run.ts <model-dir> [threads 1|2] [prompt tokens] [new tokens]
import { setFlagsFromString } from 'node:v8';
import { Engine } from '../app/client';
import { realEngine } from '../app/engine-api';
import { memorySource } from '../engine/io/files';
import { nodeFolderSource } from '../engine/cli/node-files';
import { availableMemory } from '../engine/cli/available-memory';
import { setMemoryBudget } from '../engine/io/memory';
import { useBackend } from '../engine/kernels/backend';
import { createWasmBackend } from '../engine/kernels/wasm/backend';
import { DEFAULT_CAPTURE } from '../engine/run';
import { nodeHost } from '../hosts/node';
import { spawnNodeHelper, untilReady } from './helper-port';

setFlagsFromString('--experimental-wasm-relaxed-simd');

async function main(): Promise<void> {
  const [dir, threadsArg = '2', tokensArg = '500', newArg = '16'] = process.argv.slice(2);
  const threads = Number(threadsArg);
  const be = createWasmBackend(threads === 2 ? { spawnHelper: spawnNodeHelper } : {});
  if (!be) throw new Error('no WebAssembly SIMD');
  if (threads === 2 && !(await untilReady(() => be.threads() === 2))) throw new Error('the helper thread did not start');
  useBackend(be);
  setMemoryBudget(() => availableMemory());
  const host = nodeHost(realEngine, memorySource('bundled', {}), { big: nodeFolderSource(dir) });
  const engine = new Engine(host.client);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const model = await engine.openModel({ kind: 'folder', token: 'big' });
  const loadMs = performance.now() - t0;
  const rssAfterLoad = process.memoryUsage().rss;
  const t1 = performance.now();
  // CPU seconds of the whole process (both threads) from the prompt to the first token and after
  // it: on a machine shared with other work, what the run cost, whatever its wall time was
  const seconds = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6;
  let started = process.cpuUsage(), firstToken: NodeJS.CpuUsage | undefined, promptIds: number[] = [];
  const summary = await engine.run({
    prompt: { kind: 'phonebook', spec: { tokenBudget: Number(tokensArg), depth: 0.5, variant: 'standard', format: 'bare', fewShot: 0 }, seed: 1 },
    capture: DEFAULT_CAPTURE, maxNewTokens: Number(newArg), topK: 0,
  }, { onStarted: (prompt) => { started = process.cpuUsage(); promptIds = [...prompt.ids]; }, onToken: () => (firstToken ??= process.cpuUsage()) }).done;
  const runMs = performance.now() - t1;
  const end = process.cpuUsage();
  const cpu = process.cpuUsage(cpu0);
  host.close();
  be.dispose();
  console.log(JSON.stringify({
    parameters: model.parameters, layout: model.layout, threads: be.threads(), loadMs, runMs,
    promptTokens: summary.promptTokens, generated: summary.generatedIds.length,
    prefillMs: summary.timings.prefillMs, msPerToken: summary.timings.msPerToken,
    peakRssBytes: process.resourceUsage().maxRSS * 1024, rssAfterLoad, cpuSeconds: seconds(cpu),
    prefillCpuSeconds: seconds(firstToken!) - seconds(started), decodeCpuSecondsPerToken: (seconds(end) - seconds(firstToken!)) / Math.max(1, summary.generatedIds.length - 1),
    promptIds, generatedIds: summary.generatedIds, // for onnxruntime's run of the same prompt (big-onnx.ts)
  }));
}

main().catch((e) => {
  console.error(`big-run: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
