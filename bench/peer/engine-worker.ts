// The engine in a browser module Worker, as the web build runs it (hosts/worker.ts: the same
// engine/ code and wasm kernels), plus what the web build does not do yet: a second kernel thread,
// started as in Node (bench/helper-node.mjs) but as a nested Worker (helper-worker.ts). It needs a
// cross-origin isolated page (server.ts sends COOP/COEP); without it the backend stays on one thread.
import { defaultCapture, forward, greedyTokens, loadModel, useBackend, type Model } from '../../engine/index';
import { createWasmBackend, type WasmBackend } from '../../engine/kernels/wasm/backend';
import { fetchSource } from '../../hosts/fetch-source';
import { serve } from './rpc';

let model: Model | undefined;
let backend: WasmBackend | undefined;

const loaded = () => {
  if (!model) throw new Error('init first');
  return model;
};

serve({
  async init({ model: id, threads }) {
    const spawnHelper = () => new Worker(new URL('./helper-worker.js', import.meta.url), { type: 'module', name: 'kernel-helper' });
    backend = createWasmBackend(threads > 1 ? { spawnHelper } : {}) ?? undefined;
    if (!backend) throw new Error('this browser has no WebAssembly SIMD');
    useBackend(backend);
    // the helper compiles and warms up its own instance before it takes jobs (~0.1 s)
    for (let t0 = performance.now(); backend.threads() < threads && performance.now() - t0 < 20_000;) await new Promise((r) => setTimeout(r, 10));
    model = await loadModel(fetchSource(new URL(`/models/${id}/`, self.location.href), id));
    return { side: 'engine', threads: backend.threads(), isolated: self.crossOriginIsolated, build: `engine ${backend.name} (${backend.flavor})` };
  },
  async prefill({ ids, probes }) {
    const m = loaded();
    const t0 = performance.now();
    forward(m, ids, probes && defaultCapture(probes.focus, probes.entries));
    return performance.now() - t0;
  },
  async logits({ ids }) {
    return Array.from(forward(loaded(), ids).logits.data);
  },
  async generate({ ids, steps, rounds }) {
    const m = loaded();
    const { state, logits } = forward(m, ids, undefined, { lastLogitsOnly: true });
    const gen = greedyTokens(m, state, logits.data, Infinity, 1);
    const tokens = [gen.next().value!.id]; // the prefill's token; every later one is a step
    const msPerToken: number[] = [];
    for (let r = 0; r <= rounds; r++) {
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) tokens.push(gen.next().value!.id);
      if (r > 0) msPerToken.push((performance.now() - t0) / steps); // round 0 tiers the decoding code up
    }
    return { msPerToken, tokens };
  },
});
