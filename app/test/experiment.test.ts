// Experiments: saved atomically, reopened, replayed to the same answer and records (issue 5,
// acceptance 5); truncated, foreign and newer files refused with a clear message.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memorySource } from '../../engine/io/files';
import { writeFileAtomic } from '../../engine/cli/atomic-write';
import { Engine } from '../client';
import { realEngine } from '../engine-api';
import { makeExperiment, parseExperiment, replayExperiment, saveExperiment, serializeExperiment, type ExperimentWriter } from '../experiment';
import { type RunSpec } from '../protocol';
import { DEFAULT_CAPTURE } from '../../engine/run';
import { nodeHost, type NodeHost } from '../../hosts/node';
import { TINY_HYBRID, tinyCheckpointFiles } from './tiny-checkpoint';

const tokenizer = readFileSync(new URL('../../assets/tokenizer/tokenizer.json', import.meta.url), 'utf8');
const files = { ...tinyCheckpointFiles({ ...TINY_HYBRID, vocab_size: 268 }), 'tokenizer.json': tokenizer };
const root = memorySource('models', Object.fromEntries(Object.entries(files).map(([k, v]) => [`tiny/${k}`, v])));
const spec: RunSpec = {
  prompt: { kind: 'phonebook', seed: 11, spec: { entries: 8, depth: 0.25, variant: 'standard', format: 'question', fewShot: 1 } },
  layout: '*M-M-', capture: DEFAULT_CAPTURE, maxNewTokens: 6, topK: 2,
};

let host: NodeHost | undefined;
afterEach(() => host?.close());
const connect = () => {
  host = nodeHost(realEngine, root);
  return new Engine(host.client);
};

describe('experiment files', () => {
  it('save → reopen → replay reproduces the same answer and records', async () => {
    const engine = connect();
    const model = await engine.openModel({ kind: 'bundled', id: 'tiny' });
    const summary = await engine.run(spec).done;
    const dir = mkdtempSync(join(tmpdir(), 'hs-exp-'));
    const writer: ExperimentWriter = { writeAtomic: (name, text) => writeFileAtomic(join(dir, name), text) };
    await saveExperiment(writer, 'a.hybridscope.json', makeExperiment(model, spec, summary, '2026-01-01T00:00:00Z'));
    expect(readdirSync(dir)).toEqual(['a.hybridscope.json']); // no temp file left behind
    host!.close();

    const reopened = parseExperiment(readFileSync(join(dir, 'a.hybridscope.json'), 'utf8'));
    expect(reopened.run).toEqual(spec);
    const engine2 = connect();
    const replay = await replayExperiment(engine2, reopened);
    expect(replay.check.differences).toEqual([]);
    expect(replay.summary.generatedIds).toEqual(summary.generatedIds);
    expect(replay.summary.recordsDigest).toBe(summary.recordsDigest);
    expect(replay.model.contentHash).toBe(model.contentHash);
  });

  it('a replay on other weights or another layout says what differs', async () => {
    const engine = connect();
    const model = await engine.openModel({ kind: 'bundled', id: 'tiny' });
    const summary = await engine.run(spec).done;
    const e = makeExperiment(model, spec, summary, 'now');
    const edited = parseExperiment(serializeExperiment({ ...e, run: { ...spec, layout: 'M-M*-' }, model: { ...e.model, contentHash: 'ab'.repeat(32) } }));
    const replay = await replayExperiment(engine, edited);
    expect(replay.check.same).toBe(false);
    expect(replay.check.differences.join('; ')).toMatch(/weights differ.*layout M-M\*- instead of \*M-M-/);
  });

  it('opens a file saved before indexed layouts, writing its layouts in the current notation', async () => {
    const engine = connect();
    const model = await engine.openModel({ kind: 'bundled', id: 'tiny' }); // M-M*-
    const repeat = { ...spec, layout: 'MM0*' };
    const summary = await engine.run(repeat).done;
    expect(summary).toMatchObject({ layout: 'MM0*', blocks: [0, 0, 3] });
    const saved = JSON.parse(serializeExperiment(makeExperiment(model, repeat, summary, 'then')));
    // the old form: an index list, and a summary that printed the repeat as a plain M
    const old = { ...saved, run: { ...saved.run, layout: [0, 0, 3] }, results: { ...saved.results, layout: 'MM*' } };
    const opened = parseExperiment(JSON.stringify(old));
    expect(opened.run.layout).toBe('MM0*');
    expect(opened.results.layout).toBe('MM0*');
    expect((await replayExperiment(engine, opened)).check.differences).toEqual([]);
    const outside = { ...old, run: { ...old.run, layout: [0, 9] } };
    expect(() => parseExperiment(JSON.stringify(outside), 'old.json')).toThrow(/^old\.json: run\.layout: block 9 does not exist/);
    expect(() => parseExperiment(JSON.stringify({ ...old, run: { ...old.run, layout: ['M'] } }))).toThrow(/run\.layout: expected a list of block indices/);
  });

  it('refuses truncated, foreign, newer and mistyped files with one clear line', () => {
    const good = serializeExperiment({
      format: 'hybridscope-experiment', schemaVersion: 1, savedAt: 'x',
      model: { ref: { kind: 'bundled', id: 'tiny' }, name: 'tiny', contentHash: '', modelType: 'nemotron_h', layout: 'M' },
      run: spec, results: { layout: 'M', blocks: [0], promptTokens: 3, generatedIds: [1], generatedText: '1', recordsDigest: 'x' },
    });
    expect(parseExperiment(good).results.blocks).toEqual([0]);
    const cases: [string, RegExp][] = [
      [good.slice(0, Math.floor(good.length / 2)), /ends early \(truncated\?\)/],
      ['', /empty/],
      ['{"name": "some-package", "version": "1.0.0"}', /not a HybridScope experiment/],
      ['PK\u0003\u0004 binary', /not JSON/],
      [good.replace('"schemaVersion": 1', '"schemaVersion": 7'), /schemaVersion 7 is newer/],
      [good.replace('"maxNewTokens": 6', '"maxNewTokens": "six"'), /run\.maxNewTokens: expected an integer/],
      [good.replace('"kind": "bundled"', '"kind": "cloud"'), /model\.ref/],
      [good.replace('"generatedIds": [\n      1\n    ]', '"generatedIds": "1"'), /results\.generatedIds/],
    ];
    for (const [text, message] of cases) {
      expect(() => parseExperiment(text, 'f.json')).toThrow(message);
      try {
        parseExperiment(text, 'f.json');
      } catch (e) {
        expect((e as Error).message.startsWith('f.json: ')).toBe(true);
        expect((e as Error).message).not.toContain('\n');
      }
    }
  });

  it('keeps which other entry a wrong answer was, and opens files saved before that as null', async () => {
    const engine = connect();
    const model = await engine.openModel({ kind: 'bundled', id: 'tiny' });
    const summary = await engine.run(spec).done;
    expect(summary.retrieved === null || Number.isInteger(summary.retrieved?.entry)).toBe(true);
    const saved = JSON.parse(serializeExperiment(makeExperiment(model, spec, summary, 'now')));
    expect(saved.results).toHaveProperty('retrieved');
    const scored = { layout: 'M', blocks: [0], promptTokens: 3, generatedIds: [1], generatedText: ' 712', recordsDigest: 'x', expected: '612', exact: false, digitAccuracy: 0.6 };
    const file = (results: object) => JSON.stringify({ ...saved, results });
    expect(parseExperiment(file(scored)).results.retrieved).toBeNull(); // an older file: no such field
    const retrieved = { entry: 3, sharesFirst: false, sharesLast: true };
    expect(parseExperiment(file({ ...scored, retrieved })).results.retrieved).toEqual(retrieved);
    expect(() => parseExperiment(file({ ...scored, retrieved: { entry: -1, sharesFirst: false, sharesLast: true } }))).toThrow(/results\.retrieved: expected/);
    expect(() => parseExperiment(file({ ...scored, retrieved: 3 }))).toThrow(/results\.retrieved: expected/);
  });

  it('atomic writes replace the old file whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-atomic-'));
    const path = join(dir, 'x.json');
    writeFileSync(path, 'old');
    await writeFileAtomic(path, 'new contents');
    expect(readFileSync(path, 'utf8')).toBe('new contents');
    expect(readdirSync(dir)).toEqual(['x.json']);
  });
});
