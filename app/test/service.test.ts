// The service driven through the protocol over a real Node MessageChannel (issue 5, acceptance 1).
import { afterEach, describe, expect, it } from 'vitest';
import { memorySource } from '../../engine/io/files';
import { formatLayout } from '../../engine/layout';
import { Engine, EngineError } from '../client';
import { PROTOCOL_VERSION, type RunSpec } from '../protocol';
import { recordBytes, type LayerRecord } from '../../engine/records';
import { DEFAULT_CAPTURE } from '../../engine/run';
import { nodeHost, type NodeHost } from '../../hosts/node';
import { scriptedEngine } from './scripted-engine';
import { realEngine } from '../engine-api';
import { readFileSync } from 'node:fs';
import { TINY_HYBRID, tinyCheckpointFiles } from './tiny-checkpoint';

const tokenizer = readFileSync(new URL('../../assets/tokenizer/tokenizer.json', import.meta.url), 'utf8');
const files: Record<string, Uint8Array | string> = { ...tinyCheckpointFiles({ ...TINY_HYBRID, vocab_size: 268 }), 'tokenizer.json': tokenizer };
function bundledRoot() {
  const all: Record<string, Uint8Array | string> = {
    'manifest.json': JSON.stringify({ models: [{ id: 'tiny', name: 'Tiny hybrid', architecture: 'hybrid', layout: 'M-M*-', parameters: 1 }] }),
  };
  for (const [k, v] of Object.entries(files)) all[`tiny/${k}`] = v;
  // A bundled model whose weights file is cut short: inspect fails on its header.
  const st = files['model.safetensors'] as Uint8Array;
  all['broken/config.json'] = files['config.json'];
  all['broken/model.safetensors'] = st.subarray(0, 40);
  return memorySource('models', all);
}

const spec = (over: Partial<RunSpec> = {}): RunSpec => ({
  prompt: { kind: 'text', text: 'hello world' }, capture: DEFAULT_CAPTURE, maxNewTokens: 3, topK: 0, ...over,
});
/** 40 blocks: the checkpoint's 5, eight times over (its copies named by index: `M-M*-M0-1M2*3-4…`). */
const LONG_ORDER = Array.from({ length: 40 }, (_, i) => i % 5);
const LONG = formatLayout(['mamba2', 'mlp', 'mamba2', 'attention', 'mlp'], LONG_ORDER);

let host: NodeHost | undefined;
afterEach(() => host?.close());

/** The scripted engine (timing pinned), or the real one for what only it does (budget, scoring). */
async function open(msPerBlock: number | 'real', arraysPerBlock?: number) {
  const backend = scriptedEngine({ msPerBlock: msPerBlock === 'real' ? 0 : msPerBlock, arraysPerBlock });
  host = nodeHost(msPerBlock === 'real' ? realEngine : backend, bundledRoot());
  const engine = new Engine(host.client);
  const model = await engine.openModel({ kind: 'bundled', id: 'tiny' });
  return { backend, engine, model, host };
}

describe('engine service over a MessageChannel', () => {
  it('lists the bundled catalog and opens a real checkpoint (headers, then weights and hash)', async () => {
    host = nodeHost(scriptedEngine({ msPerBlock: 0 }), bundledRoot());
    const engine = new Engine(host.client);
    const models = await engine.listModels();
    expect(models.map((m) => m.id)).toEqual(['tiny']);
    expect(models[0].default).toBe(true);
    const headers: boolean[] = [];
    const m = await engine.openModel({ kind: 'bundled', id: 'tiny' }, (h) => headers.push(h.loaded));
    expect(headers).toEqual([false]);
    expect(m).toMatchObject({ modelType: 'nemotron_h', layout: 'M-M*-', loaded: true, ref: { kind: 'bundled', id: 'tiny' } });
    expect(m.layers.map((l) => l.kind)).toEqual(['mamba2', 'mlp', 'mamba2', 'attention', 'mlp']);
    expect(m.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('streams one record per layer, in order, before run/done', async () => {
    const { engine, host: h } = await open(1);
    const records: LayerRecord[] = [];
    const summary = await engine.run(spec({ layout: '-4*M2-MM0' }), { onLayer: (r) => records.push(r) }).done;
    expect(records.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(records.map((r) => r.block)).toEqual([4, 3, 2, 1, 0, 0]);
    expect(records[0].residualNorm).toBeInstanceOf(Float32Array);
    expect(records[0].residualNorm.length).toBe('hello world'.length);
    expect(summary).toMatchObject({ status: 'complete', layout: '-4*M2-MM0', promptTokens: 11 });
    expect(summary.generatedIds.length).toBe(3);
    const types = h.events.map((e) => e.type).filter((t) => t.startsWith('run/'));
    expect(types.indexOf('run/done')).toBeGreaterThan(types.lastIndexOf('run/layer'));
    expect(types.indexOf('run/token')).toBeGreaterThan(types.lastIndexOf('run/layer'));
  });

  it('a cancel stops a long run within one layer', async () => {
    const { engine, backend } = await open(25);
    let atCancel = -1;
    const handle = engine.run(spec({ layout: LONG }), {
      onLayer: (r) => {
        if (r.index === 2) {
          atCancel = backend.blocksRun;
          handle.cancel();
        }
      },
    });
    const summary = await handle.done;
    expect(summary.status).toBe('cancelled');
    expect(atCancel).toBeGreaterThan(0);
    expect(backend.blocksRun - atCancel).toBeLessThanOrEqual(1);
    expect(backend.blocksRun).toBeLessThan(LONG_ORDER.length);
  });

  it('a second run supersedes the first', async () => {
    const { engine, backend, host: h } = await open(25);
    const firstLayers: number[] = [];
    let second: ReturnType<Engine['run']> | undefined;
    const first = engine.run(spec({ layout: LONG }), {
      onLayer: (r) => {
        firstLayers.push(r.index);
        if (r.index === 1) second = engine.run(spec({ layout: 'M-' }));
      },
    });
    const s1 = await first.done;
    expect(s1.status).toBe('superseded');
    const s2 = await second!.done;
    expect(s2.status).toBe('complete');
    expect(firstLayers.length).toBeLessThanOrEqual(3);
    expect(backend.blocksRun).toBeLessThan(LONG_ORDER.length);
    // No record of the first run after the second started.
    const started2 = h.events.findIndex((e) => e.type === 'run/started' && e.runId === second!.runId);
    expect(h.events.slice(started2).some((e) => e.type === 'run/layer' && e.runId === first.runId)).toBe(false);
  });

  it('answers malformed messages with error events and keeps serving', async () => {
    const { engine, host: h } = await open(0);
    const bad: unknown[] = [
      null, 42, 'model/list', [], {}, { type: 'model/list' }, { type: 'model/list', v: 99, reqId: 1001 },
      { type: 'nope/nope', v: PROTOCOL_VERSION, reqId: 1002 },
      { type: 'run/start', v: PROTOCOL_VERSION, reqId: 1003, runId: 5, spec: { prompt: { kind: 'text', text: '' } } },
      { type: 'run/start', v: PROTOCOL_VERSION, reqId: 1004, runId: 5, spec: { ...spec(), maxNewTokens: 1e9 } },
      { type: 'run/start', v: PROTOCOL_VERSION, reqId: 1005, runId: 5, spec: spec({ layout: 'MX' }) },
      { type: 'tile/get', v: PROTOCOL_VERSION, reqId: 1006, runId: 1, layer: 0, map: 'attention', head: 0, rows: [5, 2], cols: [0, 1], size: 8 },
      { type: 'model/open', v: PROTOCOL_VERSION, reqId: 1007, source: { kind: 'bundled', id: '../../etc' } },
      { type: 'model/open', v: PROTOCOL_VERSION, reqId: 1008, source: { kind: 'files', name: 'x', files: [{ path: '../a', blob: {} }] } },
    ];
    for (const b of bad) h.raw(b);
    const models = await engine.listModels();
    expect(models.length).toBe(1);
    const errors = h.events.filter((e) => e.type === 'request/error');
    expect(errors.length).toBe(bad.length);
    for (const e of errors) expect(e.type === 'request/error' && e.message.length).toBeGreaterThan(5);
    const messages = errors.map((e) => (e.type === 'request/error' ? e.message : ''));
    expect(messages).toContain(`v: protocol version 99 is not supported (this service speaks ${PROTOCOL_VERSION})`);
    expect(messages).toContain(`v: protocol version nothing is not supported (this service speaks ${PROTOCOL_VERSION})`);
    expect(messages.find((m) => m.startsWith('spec.maxNewTokens'))).toMatch(/out of range/);
    // and it still runs
    expect((await engine.run(spec()).done).status).toBe('complete');
  });

  it('a failed model/open keeps the previous model usable', async () => {
    const { engine, model } = await open(0);
    await expect(engine.openModel({ kind: 'bundled', id: 'broken' })).rejects.toThrow(/broken\/model\.safetensors/);
    await expect(engine.openModel({ kind: 'bundled', id: 'missing' })).rejects.toThrow(/config\.json: missing/);
    await expect(engine.openModel({ kind: 'folder', token: 'never-granted' })).rejects.toThrow(/not granted/);
    const summary = await engine.run(spec()).done;
    expect(summary.status).toBe('complete');
    expect(summary.layout).toBe(model.layout);
  });

  it('reassembles records whose arrays exceed the message size', async () => {
    const n = 3 * 2 ** 20; // 12 MB of float32 in one array: sent as two parts
    const { engine, host: h } = await open(0, n);
    const records: LayerRecord[] = [];
    await engine.run(spec({ layout: 'M*', capture: { ...DEFAULT_CAPTURE, budgetBytes: 2 ** 30 } }), { onLayer: (r) => records.push(r) }).done;
    expect(h.events.filter((e) => e.type === 'run/layer-part').length).toBe(4);
    expect(records.map((r) => r.attention?.focusProbs?.data.length)).toEqual([n, n]);
    expect(records[1].attention!.focusProbs!.data[n - 1]).toBe(3);
  });

  it('enforces the capture budget with a notice instead of sending more', async () => {
    const { engine } = await open('real');
    const notices: string[] = [];
    const sent: LayerRecord[] = [];
    const budgetBytes = 60_000;
    const prompt = { kind: 'phonebook' as const, seed: 3, spec: { entries: 30, depth: 0.5, variant: 'standard' as const, format: 'bare' as const, fewShot: 1 } };
    const summary = await engine.run(spec({ prompt, capture: { ...DEFAULT_CAPTURE, budgetBytes } }), { onNotice: (m) => notices.push(m), onLayer: (r) => sent.push(r) }).done;
    expect(summary.captureBytes).toBeLessThanOrEqual(budgetBytes);
    expect(sent.reduce((n, r) => n + recordBytes(r), 0)).toBeLessThanOrEqual(budgetBytes);
    expect(notices.length).toBeGreaterThan(0);
    expect(notices[0]).toMatch(/capture budget/);
    expect(sent.some((r) => r.notices?.some((n) => /capture budget/.test(n)))).toBe(true);
  });

  it('scores phonebook runs and runs sweeps with progress and cancel', async () => {
    const { engine } = await open('real');
    const pb = { kind: 'phonebook' as const, seed: 7, spec: { entries: 5, depth: 0.5, variant: 'standard' as const, format: 'bare' as const, fewShot: 1 } };
    const summary = await engine.run(spec({ prompt: pb, maxNewTokens: 10 })).done;
    expect(summary.expected).toMatch(/^\d{10}$/);
    expect(typeof summary.digitAccuracy).toBe('number');
    expect(summary).toHaveProperty('retrieved');
    const progress: number[] = [];
    const sweep = engine.sweep({ layouts: [undefined, 'MM*'], entries: [3, 5], depths: [0, 1], variant: 'standard', format: 'bare', fewShot: 0, samples: 2, seed: 1 }, (p) => progress.push(p.done));
    const result = await sweep.done;
    expect(result.status).toBe('complete');
    expect(result.points.length).toBe(8);
    expect(progress).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(new Set(result.points.map((p) => p.layout))).toEqual(new Set(['M-M*-', 'MM*']));
    for (const p of result.points) expect(p.accuracy < 1 ? typeof p.wrongOtherEntry === 'number' && typeof p.wrongSameName === 'number' : p.wrongOtherEntry === null && p.wrongSameName === null).toBe(true);
    const budget = await engine.sweep({ layouts: [undefined], entries: [], tokenBudgets: [200], depths: [0.5], variant: 'standard', format: 'bare', fewShot: 0, samples: 2, seed: 1 }).done;
    expect(budget.points.map((p) => p.tokens)).toEqual([200]);
    expect(budget.points[0].meanTokens).toBeLessThanOrEqual(200);
    expect(budget.points[0].meanEntries).toBeGreaterThan(1);
    const cancelled = engine.sweep({ layouts: [undefined], entries: [5], depths: [0], variant: 'standard', format: 'bare', fewShot: 0, samples: 50, seed: 1 }, (p) => { if (p.done === 2) cancelled.cancel(); });
    expect((await cancelled.done).status).toBe('cancelled');
  });

  it('rejects runs before any model is open, and tiles of runs no longer held', async () => {
    host = nodeHost(scriptedEngine({ msPerBlock: 0 }), bundledRoot());
    const engine = new Engine(host.client);
    await expect(engine.run(spec()).done).rejects.toThrow(EngineError);
    await engine.openModel({ kind: 'bundled', id: 'tiny' });
    await engine.run(spec()).done;
    await expect(engine.tile({ runId: 99, layer: 0, map: 'attention', head: 0, rows: [0, 1], cols: [0, 1], size: 8 })).rejects.toThrow(/no longer held/);
  });

  it('dispose stops the running run and releases the model', async () => {
    const { engine, backend, host: h } = await open(20);
    let disposedAt = -1;
    void engine.run(spec({ layout: LONG }), {
      onLayer: (r) => {
        if (r.index === 1) {
          h.service.dispose();
          disposedAt = backend.blocksRun;
        }
      },
    }).done.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(disposedAt).toBeGreaterThan(0);
    expect(backend.blocksRun - disposedAt).toBeLessThanOrEqual(1);
  });
});
