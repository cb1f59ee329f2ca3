import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { nodeFolderSource } from './cli/node-files';
import { forward, initModelState } from './forward';
import { step } from './generate';
import { loadModel } from './io/checkpoint';
import { decodeTensor, parseHeader } from './io/safetensors';
it('dbg', async () => {
  const dir = 'engine/test/fixtures/zamba2_unseen';
  const ids: number[] = JSON.parse(readFileSync(`${dir}/input_ids.json`, 'utf8'));
  const bytes = new Uint8Array(readFileSync(`${dir}/reference.safetensors`));
  const h = parseHeader(bytes, 'r');
  const ref = decodeTensor(h, h.tensors.get('logits')!, bytes);
  const model = await loadModel(nodeFolderSource(dir));
  const V = model.embeddings.V;
  const full = forward(model, ids).logits.data;
  const st = initModelState(model);
  const rel = (a: Float32Array, b: Float32Array) => { let n = 0, d = 0; for (let i = 0; i < b.length; i++) { n += (a[i] - b[i]) ** 2; d += b[i] ** 2; } return Math.sqrt(n / d); };
  const lines: string[] = [];
  ids.forEach((id, t) => {
    const l = step(model, st, id);
    const r = ref.subarray(t * V, (t + 1) * V);
    let norm = 0; for (const v of r) norm += v * v;
    lines.push(`${t} step ${rel(l, r).toExponential(2)} full ${rel(full.subarray(t * V, (t + 1) * V), r).toExponential(2)} |ref| ${Math.sqrt(norm).toFixed(3)}`);
  });
  console.log(lines.join('\n'));
});
