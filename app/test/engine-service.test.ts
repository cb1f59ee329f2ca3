// The service over the real engine (app/engine-api.ts realEngine): a tiny random-weight hybrid checkpoint with
// the bundled word-level tokenizer, driven through the protocol over a Node MessageChannel.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { memorySource } from '../../engine/io/files';
import { loadTokenizer } from '../../engine/tokenizer';
import { Engine } from '../client';
import { realEngine } from '../engine-api';
import { type RunSpec } from '../protocol';
import type { LayerRecord } from '../../engine/records';
import { DEFAULT_CAPTURE } from '../../engine/run';
import { nodeHost, type NodeHost } from '../../hosts/node';
import { TINY_HYBRID, tinyCheckpointFiles } from './tiny-checkpoint';
import type { ModelSummary } from '../protocol';

const tokenizer = readFileSync(new URL('../../assets/tokenizer/tokenizer.json', import.meta.url), 'utf8');
const files = { ...tinyCheckpointFiles({ ...TINY_HYBRID, vocab_size: 268 }), 'tokenizer.json': tokenizer };
const root = memorySource('models', Object.fromEntries(Object.entries(files).map(([k, v]) => [`tiny/${k}`, v])));

let host: NodeHost | undefined;
afterEach(() => host?.close());

async function openTiny() {
  host = nodeHost(realEngine, root);
  const engine = new Engine(host.client);
  const model = await engine.openModel({ kind: 'bundled', id: 'tiny' });
  return { engine, model };
}

const phonebook: RunSpec = {
  prompt: { kind: 'phonebook', seed: 3, spec: { entries: 6, depth: 0.5, variant: 'standard', format: 'bare', fewShot: 1 } },
  capture: DEFAULT_CAPTURE, maxNewTokens: 5, topK: 3,
};

describe('service over the real engine', () => {
  it('streams real probes per block, then tokens, then a scored summary', async () => {
    const { engine, model } = await openTiny();
    expect(model.hasTokenizer).toBe(true);
    const records: LayerRecord[] = [];
    let T = 0;
    const tokens: string[] = [];
    const summary = await engine.run(phonebook, {
      onStarted: (p) => { T = p.ids.length; },
      onLayer: (r) => records.push(r),
      onToken: (t) => tokens.push(t.text),
    }).done;
    expect(records.map((r) => r.kind)).toEqual(['mamba2', 'mlp', 'mamba2', 'attention', 'mlp']);
    const att = records[3].attention!;
    expect(att.focusProbs!.shape).toEqual([2, records[3].focus.length, T]);
    const rowSum = att.focusProbs!.data.subarray(0, T).reduce((a, b) => a + b, 0);
    expect(rowSum).toBeCloseTo(1, 4);
    expect(records[0].ssm!.dt!.shape).toEqual([4, T]);
    expect(records[0].ssm!.states!.shape.slice(1)).toEqual([4, 8, 4]);
    expect(summary.status).toBe('complete');
    expect(summary.expected).toMatch(/^\d{10}$/);
    expect(tokens.join('')).toBe(summary.generatedText);
    expect(summary.generatedText).toBe(loadTokenizer(JSON.parse(tokenizer)).decode(summary.generatedIds));
    expect(summary.generatedIds.length).toBeGreaterThan(0);
  });

  it('tells the page about tensors config.json does not use, in both model/info events', async () => {
    // the tiny hybrid's weights (M-M*-) under a config that names its first four layers only
    const shorter = { ...files, 'config.json': JSON.stringify({ ...TINY_HYBRID, vocab_size: 268, hybrid_override_pattern: 'M-M*' }) };
    const folder = memorySource('models', Object.fromEntries(Object.entries(shorter).map(([k, v]) => [`short/${k}`, v])));
    host = nodeHost(realEngine, folder);
    const seen: ModelSummary[] = [];
    const model = await new Engine(host.client).openModel({ kind: 'bundled', id: 'short' }, (m) => seen.push(m));
    expect(model.layout).toBe('M-M*');
    expect(model.warnings).toHaveLength(1);
    expect(model.warnings[0]).toMatch(/^short\/model\.safetensors: \d+ tensors that config\.json does not use are ignored: "model\.layers\.4\.norm\.weight", "model\.layers\.4\.mixer\.up_proj\.weight"/);
    expect(seen.map((m) => m.warnings)).toEqual([model.warnings]);
    host.close();
    const { model: clean } = await openTiny();
    expect(clean.warnings).toEqual([]);
  });

  it('reproduces the same records and answer for the same spec, and a different digest for another layout', async () => {
    const { engine } = await openTiny();
    const a = await engine.run(phonebook).done;
    const b = await engine.run(phonebook).done;
    const c = await engine.run({ ...phonebook, layout: '-*M-M' }).done;
    expect(b.recordsDigest).toBe(a.recordsDigest);
    expect(b.generatedIds).toEqual(a.generatedIds);
    expect(c.recordsDigest).not.toBe(a.recordsDigest);
    expect(c.layout).toBe('-*M-M');
  });

  it('recomputes tiles and states on demand that agree with the streamed records', async () => {
    const { engine } = await openTiny();
    const records: LayerRecord[] = [];
    let T = 0;
    const handle = engine.run({ ...phonebook, maxNewTokens: 2 }, { onLayer: (r) => records.push(r), onStarted: (p) => { T = p.ids.length; } });
    await handle.done;
    const att = records[3];
    const last = att.focus.indexOf(T - 1);
    expect(last).toBeGreaterThanOrEqual(0);
    const R = att.focus.length;
    const { tile, stride } = await engine.tile({ runId: handle.runId, layer: 3, map: 'attention', head: 1, rows: [T - 1, T], cols: [0, T], size: 1024 });
    expect(tile.shape).toEqual([1, T]);
    expect(stride).toEqual([1, 1]);
    const streamed = att.attention!.focusProbs!.data.subarray((1 * R + last) * T, (1 * R + last + 1) * T);
    for (let s = 0; s < T; s += 7) expect(tile.data[s]).toBeCloseTo(streamed[s], 5);
    const pooled = await engine.tile({ runId: handle.runId, layer: 0, map: 'implicit', head: 0, rows: [0, T], cols: [0, T], size: 16 });
    expect(Math.max(...pooled.tile.shape)).toBeLessThanOrEqual(16);
    expect(pooled.stride[0]).toBe(Math.ceil(T / 16));
    const ssm = records[0].ssm!;
    const at = ssm.statePositions.indexOf(T - 1);
    const state = await engine.state(handle.runId, 0, T - 1);
    expect(state.shape).toEqual([4, 8, 4]);
    const n = 4 * 8 * 4;
    const saved = ssm.states!.data.subarray(at * n, (at + 1) * n);
    for (let i = 0; i < n; i += 5) expect(state.data[i]).toBeCloseTo(saved[i], 4);
    await expect(engine.tile({ runId: handle.runId, layer: 1, map: 'attention', head: 0, rows: [0, 1], cols: [0, 1], size: 8 })).rejects.toThrow(/not an attention layer|no context/);
  });
});
