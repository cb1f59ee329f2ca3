// The bundled models' evaluations as the views get them: eval.json points, train.json's loss and
// training length (counted with the tokenizer, checked against training/data.py), cache sizes.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeFolderSource } from '../../engine/cli/node-files';
import { inspectCheckpoint } from '../../engine/io/checkpoint';
import { memorySource } from '../../engine/io/files';
import { loadTokenizer } from '../../engine/tokenizer';
import { Engine } from '../client';
import { readCatalog, readManifest } from '../catalog';
import { longestTrainingSequence, phaseBooks, readEvaluation, referencePoints } from '../evaluations';
import { nodeHost, type NodeHost } from '../../hosts/node';
import { realEngine } from '../engine-api';
import { TINY_HYBRID, tinyCheckpointFiles } from './tiny-checkpoint';

const models = new URL('../../assets/models/', import.meta.url).pathname;
const bundled = nodeFolderSource(models);
const tokenizerText = readFileSync(new URL('../../assets/tokenizer/tokenizer.json', import.meta.url), 'utf8');
const tokenizer = loadTokenizer(JSON.parse(tokenizerText));
const json = (id: string, file: string) => JSON.parse(readFileSync(`${models}${id}/${file}`, 'utf8'));

let host: NodeHost | undefined;
afterEach(() => host?.close());

describe('the longest training sequence', () => {
  it('is what training/data.py builds at most: 1,024 tokens, a 32-entry reversed question book with 11 look-ups', () => {
    // training/data.py with the same tokenizer, every book size ≤ 32 and look-ups ≤ 16 that fit 1,024
    // tokens (each format and variant): max is 1024 at question, reversed, 32 entries, 11 look-ups
    const books = phaseBooks(json('hybrid', 'train.json'), 'hybrid/train.json');
    expect(books).toEqual([
      { maxEntries: 32, maxLookups: 16, formats: ['bare', 'question'] },
      { maxEntries: 32, maxLookups: 16, formats: ['bare', 'question'] },
    ]);
    expect(longestTrainingSequence(tokenizer, books)).toEqual({ entries: 32, tokens: 1024, format: 'question', variant: 'reversed', lookups: 11 });
  });

  it('follows the book sizes and formats: bare books of 8 entries with 16 look-ups allowed use 7', () => {
    const r = longestTrainingSequence(tokenizer, [{ maxEntries: 8, maxLookups: 16, formats: ['bare'] }]);
    expect(r).toMatchObject({ entries: 8, format: 'bare', variant: 'reversed', lookups: 7 });
    // the same book as a prompt: 8 entries of 16 tokens, the request line, 7 look-ups and the answer
    expect(r!.tokens).toBeGreaterThan(8 * 16);
  });
});

describe('eval.json', () => {
  it('gives each point with its counts: correct answers and copies of another entry', () => {
    const ev = json('mamba2', 'eval.json');
    const points = referencePoints(ev, 'mamba2/eval.json');
    expect(points).toHaveLength(ev.engine.length);
    const at32 = points.find((p) => p.format === 'bare' && p.variant === 'standard' && p.seed === 1_000_000 && p.entries === 32)!;
    const raw = ev.engine.find((p: Record<string, unknown>) => p.format === 'bare' && p.variant === 'standard' && p.seed === 1_000_000 && p.entries === 32);
    expect(at32).toEqual({
      format: 'bare', variant: 'standard', seed: 1_000_000, entries: 32, samples: raw.samples, correct: raw.samples - raw.wrong,
      digitAccuracy: raw.digit_accuracy, wrongDigitAccuracy: raw.wrong_digit_accuracy, meanTokens: raw.mean_tokens, wrongOtherEntry: raw.wrong_other_entry,
    });
    expect(at32.correct / at32.samples).toBeCloseTo(raw.accuracy, 12);
  });

  it('refuses a point without its keys in one line naming the file', () => {
    expect(() => referencePoints({ engine: [{ format: 'bare' }] }, 'x/eval.json')).toThrow(/^x\/eval.json: engine\[0\] needs format/);
    expect(() => referencePoints([], 'x/eval.json')).toThrow('x/eval.json: expected {"engine": [points]}');
  });
});

describe('readEvaluation', () => {
  it('reads a bundled model: points, both phases of its loss, training length and cache from the config', async () => {
    const entry = (await readCatalog(bundled)).find((e) => e.id === 'hybrid')!;
    const ev = await readEvaluation(bundled, entry, inspectCheckpoint);
    expect(ev.problems).toEqual([]);
    expect(ev.points.length).toBe(json('hybrid', 'eval.json').engine.length);
    const train = json('hybrid', 'train.json');
    expect(ev.loss.filter((p) => p.phase === 0)).toHaveLength(train.base.curve.length);
    expect(ev.loss.filter((p) => p.phase === 1)).toHaveLength(train.curve.length);
    expect(ev.training?.tokens).toBe(1024);
    expect(ev.blockCache).toEqual((await inspectCheckpoint(nodeFolderSource(`${models}hybrid`))).blockCache);
    expect(ev.blockCache.filter((c) => c.kvPerToken > 0)).toHaveLength(1);
  });

  it('says what it could not read and gives the rest', async () => {
    const root = memorySource('models', {
      'x/eval.json': '{"engine": [',
      'x/train.json': JSON.stringify({ args: { max_entries: 4, max_shots: 2, formats: 'bare' }, curve: [{ step: 10, loss: 2.5 }] }),
      'x/tokenizer.json': tokenizerText,
    });
    const ev = await readEvaluation(root, { id: 'x', name: 'x', architecture: '?', layout: 'M', parameters: 1, weights: false }, inspectCheckpoint);
    expect(ev.problems).toEqual(['models/x/eval.json: not valid JSON']);
    expect(ev.loss).toEqual([{ phase: 0, step: 10, loss: 2.5 }]);
    expect(ev.training).toMatchObject({ entries: 4, format: 'bare', lookups: 2 });
    expect(ev.blockCache).toEqual([]);
  });
});

describe('the service', () => {
  it('answers model/evaluations for every catalog model, a model without eval.json included', async () => {
    const files = tinyCheckpointFiles({ ...TINY_HYBRID, vocab_size: 268 });
    const all: Record<string, Uint8Array | string> = {
      'manifest.json': JSON.stringify({ models: [{ id: 'tiny', layout: 'M-M*-', parameters: 1, ablation: { axis: 'attention-count', value: 1, base: 'tiny' } }] }),
    };
    for (const [k, v] of Object.entries(files)) all[`tiny/${k}`] = v;
    host = nodeHost(realEngine, memorySource('models', all));
    const engine = new Engine(host.client);
    expect((await engine.listModels())[0].ablation).toEqual({ axis: 'attention-count', value: 1, base: 'tiny' });
    const [ev] = await engine.evaluations();
    expect(ev).toMatchObject({ id: 'tiny', points: [], loss: [], training: null, problems: [] });
    expect(ev.blockCache).toHaveLength(5);
  });

  it('passes the manifest\'s planned variants to the app with the catalog', async () => {
    const planned = [{ id: 'tiny-late', layout: 'M-MM*-', ablation: { axis: 'attention-position', value: 'late', base: 'tiny' } }];
    host = nodeHost(realEngine, memorySource('models', { 'manifest.json': JSON.stringify({ models: [{ id: 'tiny', layout: 'M-M*-' }], planned }) }));
    const engine = new Engine(host.client);
    const got = await engine.catalog();
    expect(got.models.map((m) => m.id)).toEqual(['tiny']);
    expect(got.planned).toEqual(planned);
  });

  it('refuses a planned variant that is malformed or is also a listed model, in one line', async () => {
    const read = (planned: unknown) => readManifest(memorySource('models', { 'manifest.json': JSON.stringify({ models: [{ id: 'a' }], planned }) }));
    await expect(read({})).rejects.toThrow('models/manifest.json: "planned" must be an array');
    await expect(read([{ id: '../x', layout: 'M', ablation: { axis: 'seed', value: 1, base: 'a' } }])).rejects.toThrow('planned[0]: "id" must be a folder name');
    await expect(read([{ id: 'b', layout: 7, ablation: { axis: 'seed', value: 1, base: 'a' } }])).rejects.toThrow('planned[0]: "layout" must be a layout string');
    await expect(read([{ id: 'b', layout: 'M', ablation: { axis: 'width', value: 1, base: 'a' } }])).rejects.toThrow('planned[0].ablation.axis: expected one of');
    await expect(read([{ id: 'a', layout: 'M', ablation: { axis: 'seed', value: 1, base: 'a' } }])).rejects.toThrow('"a" is both listed and planned, or planned twice');
    expect((await readManifest(memorySource('models', { 'manifest.json': JSON.stringify([{ id: 'a' }]) }))).planned).toEqual([]);
  });

  it('refuses a manifest ablation on an axis it does not know, naming the field', async () => {
    const root = memorySource('models', { 'manifest.json': JSON.stringify({ models: [{ id: 'a', ablation: { axis: 'depth', value: 1, base: 'a' } }] }) });
    await expect(readCatalog(root)).rejects.toThrow('models/manifest.json: models[0].ablation.axis: expected one of attention-count, attention-position, state-size, seed, got "depth"');
  });
});
