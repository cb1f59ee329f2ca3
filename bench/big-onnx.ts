// onnxruntime-node on part (h)'s checkpoint, where its export exists (<checkpoint>/../onnx/<kind>.onnx
// with its weights in <kind>.onnx.data: `python3 training/export_onnx.py --from <kind>=<checkpoint>
// --models <kind> --out <checkpoint>/../onnx --check-lengths 77,486`, float32, no cache inputs), in a
// process of its own so its peak resident memory is its own. The same prompt ids the engine ran
// (read from a JSON file), the same threads: session creation, the prefill's logits, and a token by
// recomputing the whole sequence (what the export allows), with the first greedy token to compare.
//   node --import tsx bench/big-onnx.ts <model.onnx> <ids.json> [threads]
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { NO_SPIN } from './matmul';

async function main(): Promise<void> {
  const [file, idsFile, threadsArg = '2'] = process.argv.slice(2);
  const ids: number[] = JSON.parse(readFileSync(idsFile, 'utf8'));
  const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1e6; };
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: Number(threadsArg), interOpNumThreads: 1, extra: NO_SPIN });
  const loadMs = performance.now() - t0;
  const feed = (n: number) => ({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.slice(0, n), BigInt), [1, n]) });
  const argmaxLast = (logits: ort.Tensor) => {
    const [, T, V] = logits.dims as number[];
    const d = logits.data as Float32Array;
    let best = 0;
    for (let v = 1; v < V; v++) if (d[(T - 1) * V + v] > d[(T - 1) * V + best]) best = v;
    return best;
  };
  const c1 = cpu();
  const t1 = performance.now();
  const first = argmaxLast((await session.run(feed(ids.length))).logits);
  const prefillMs = performance.now() - t1;
  const prefillCpuSeconds = cpu() - c1;
  // one more token: the sequence with the first greedy token appended, recomputed whole
  ids.push(first);
  const t2 = performance.now();
  const second = argmaxLast((await session.run(feed(ids.length))).logits);
  const recomputeMs = performance.now() - t2;
  console.log(JSON.stringify({
    loadMs, prefillMs, prefillCpuSeconds, recomputeMs, firstTokens: [first, second],
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  }));
}

main().catch((e) => {
  console.error(`big-onnx: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
