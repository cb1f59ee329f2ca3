import { describe, expect, it } from 'vitest';
import { forward, initModelState } from './forward';
import { generateGreedy, step } from './generate';
import { loadModel } from './io/checkpoint';
import { tinyCheckpoint } from './test/tiny';

function relErr(a: Float32Array, b: Float32Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num / den);
}

const ids = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6];

describe.each(['nemotron_h', 'mamba2', 'mamba', 'falcon_mamba', 'granitemoehybrid', 'bamba', 'falcon_h1', 'zamba2', 'jamba', 'llama'])('%s', (type) => {
  it('gives the same logits token by token through the caches as over the whole sequence', async () => {
    const model = await loadModel(tinyCheckpoint(type, { seed: 7 }));
    const full = forward(model, ids);
    const V = model.embeddings.V;
    const state = initModelState(model);
    for (let t = 0; t < ids.length; t++) {
      const logits = step(model, state, ids[t]);
      expect(relErr(logits, full.logits.data.subarray(t * V, (t + 1) * V))).toBeLessThan(1e-5);
    }
  });

  it('continues a prefill in chunks exactly (T not a multiple of anything)', async () => {
    const model = await loadModel(tinyCheckpoint(type, { seed: 3 }));
    const full = forward(model, ids);
    const V = model.embeddings.V;
    const a = forward(model, ids.slice(0, 8));
    const b = forward(model, ids.slice(8), undefined, { state: a.state });
    expect(relErr(b.logits.data, full.logits.data.subarray(8 * V))).toBeLessThan(1e-5);
  });

  it('generates greedily with caches the same tokens as recomputing the prompt each time', async () => {
    const model = await loadModel(tinyCheckpoint(type, { seed: 11 }));
    const gen = generateGreedy(model, ids.slice(0, 6), 8);
    const V = model.embeddings.V;
    const slow = ids.slice(0, 6);
    for (let n = 0; n < 8; n++) {
      const logits = forward(model, slow).logits.data.subarray((slow.length - 1) * V);
      slow.push(logits.indexOf(Math.max(...logits)));
    }
    expect(gen.ids).toEqual(slow);
    expect(gen.tokens[0].top[0].id).toBe(gen.tokens[0].id);
    expect(gen.tokens[0].logprob).toBeLessThanOrEqual(0);
  });
});
