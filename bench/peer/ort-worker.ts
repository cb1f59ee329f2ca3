// onnxruntime-web in a browser module Worker: its WebAssembly SIMD build (ort-wasm-simd-threaded, the
// files of node_modules/onnxruntime-web/dist served at /ort/, nothing downloaded) on
// bench/onnx/<model>.onnx, with `threads` intra-op threads (its own pthread workers; it falls back to
// one thread without cross-origin isolation, and `init` says what it got). The exports take
// `input_ids` and give `logits` for every position, with no cache inputs, so generation is a
// recompute of the whole sequence per token — the only way this export can generate.
import type * as OrtWeb from 'onnxruntime-web';
import { serve } from './rpc';

type Ort = typeof OrtWeb;
let ort: Ort | undefined;
let session: OrtWeb.InferenceSession | undefined;

const opened = () => {
  if (!ort || !session) throw new Error('init first');
  return { ort, session };
};

async function run(ids: number[]): Promise<Float32Array> {
  const { ort, session } = opened();
  const input = new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]);
  const out = await session.run({ [session.inputNames[0]]: input });
  const logits = out[session.outputNames[0]];
  const data = logits.data as Float32Array;
  input.dispose();
  return data;
}

function lastArgmax(logits: Float32Array, T: number): number {
  const V = logits.length / T;
  let best = 0;
  for (let v = 1; v < V; v++) if (logits[(T - 1) * V + v] > logits[(T - 1) * V + best]) best = v;
  return best;
}

serve({
  async init({ model, threads }) {
    const root = new URL('/ort/', self.location.href).href;
    ort = (await import(/* @vite-ignore */ `${root}ort.wasm.min.mjs`)) as Ort;
    ort.env.wasm.wasmPaths = root;
    ort.env.wasm.numThreads = threads;
    ort.env.wasm.proxy = false;
    session = await ort.InferenceSession.create(new URL(`/onnx/${model}.onnx`, self.location.href).href, {
      executionProviders: ['wasm'], graphOptimizationLevel: 'all', executionMode: 'sequential',
      // as bench/ runs onnxruntime-node: no spinning threads on a shared 2-core machine
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
    return { side: 'ort', threads: ort.env.wasm.numThreads ?? 1, isolated: self.crossOriginIsolated, build: `onnxruntime-web ${ort.env.versions.web} (wasm, simd)` };
  },
  async prefill({ ids }) {
    const t0 = performance.now();
    await run(ids);
    return performance.now() - t0;
  },
  async logits({ ids }) {
    return Array.from(await run(ids));
  },
  async generate({ ids, steps, rounds }) {
    const seq = [...ids];
    const tokens = [lastArgmax(await run(seq), seq.length)];
    const msPerToken: number[] = [];
    for (let r = 0; r <= rounds; r++) {
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) {
        seq.push(tokens[tokens.length - 1]);
        tokens.push(lastArgmax(await run(seq), seq.length));
      }
      if (r > 0) msPerToken.push((performance.now() - t0) / steps);
    }
    return { msPerToken, tokens };
  },
});
