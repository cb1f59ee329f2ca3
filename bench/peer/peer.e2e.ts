// The peer bench's page, untimed: it is cross-origin isolated, starts the engine and onnxruntime-web
// on two threads each, and both give the same logits for the same prompt — every position of a small
// phonebook, for every bundled model with an ONNX export. Both compute the same model in float32, in
// different summation orders: held to a relative error (‖engine − ort‖ / ‖ort‖) of 1e-5 (the
// project's parity tolerance against transformers is 1e-4; measured here ~1e-6) and 1e-3 on any
// single logit, with the same argmax at every position.
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFolderSource } from '../../engine/cli/node-files';
import { loadModel } from '../../engine/io/checkpoint';
import { prompt } from '../models';
import { openPeer, type PeerPage } from './open';

const MODELS = new URL('../../assets/models/', import.meta.url);
const ONNX = new URL('../onnx/', import.meta.url);
const ids = existsSync(ONNX) ? readdirSync(ONNX).filter((f) => f.endsWith('.onnx')).map((f) => f.slice(0, -5))
  .filter((id) => existsSync(new URL(`${id}/config.json`, MODELS))).sort() : [];

const argmaxRows = (x: number[], V: number) => Array.from({ length: x.length / V }, (_, t) => {
  let best = 0;
  for (let v = 1; v < V; v++) if (x[t * V + v] > x[t * V + best]) best = v;
  return best;
});

describe.skipIf(ids.length === 0 || !existsSync('/usr/bin/chromium'))('peer bench page: engine and onnxruntime-web in Chromium', () => {
  let peer: PeerPage;
  beforeAll(async () => {
    peer = await openPeer();
  });
  afterAll(async () => {
    await peer?.close();
  });

  it('is cross-origin isolated', async () => {
    expect(await peer.page.evaluate(() => (globalThis as unknown as { crossOriginIsolated: boolean }).crossOriginIsolated)).toBe(true);
  });

  it.each(ids)('%s: the same logits from both, on two threads each', async (id) => {
    const model = await loadModel(nodeFolderSource(new URL(id, MODELS).pathname));
    const p = prompt(model, 100).ids;
    const engine = await peer.open(`engine-${id}`, 'engine', id, 2);
    const ort = await peer.open(`ort-${id}`, 'ort', id, 2);
    expect([engine.threads, ort.threads]).toEqual([2, 2]);
    const a = await peer.call(`engine-${id}`, 'logits', { ids: p });
    const b = await peer.call(`ort-${id}`, 'logits', { ids: p });
    const V = model.config.vocab_size;
    expect(a.length).toBe(p.length * V);
    expect(b.length).toBe(a.length);
    let num = 0, den = 0, worst = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i] - b[i]);
      num += d * d;
      den += b[i] * b[i];
      worst = Math.max(worst, d);
    }
    console.log(`${id}: T=${p.length}, relative error ${Math.sqrt(num / den).toExponential(2)}, largest |Δ| ${worst.toExponential(2)}`);
    expect(Math.sqrt(num / den)).toBeLessThanOrEqual(1e-5);
    expect(worst).toBeLessThanOrEqual(1e-3);
    expect(argmaxRows(a, V)).toEqual(argmaxRows(b, V));
    await peer.closeWorker(`engine-${id}`);
    await peer.closeWorker(`ort-${id}`);
    expect(peer.errors.filter((e) => !e.startsWith('Failed to load resource'))).toEqual([]);
  });
});
