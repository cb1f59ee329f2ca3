// Checkpoint folders under attack: config.json with fields missing, mistyped or absurd (a width of a
// billion must be refused before any allocation), config text mangled byte by byte, weight files
// truncated or corrupted behind a valid config, and shard indexes pointing anywhere. A config that
// survives inspection is loaded and run for a few tokens, so values that only matter at run time
// (chunk sizes, epsilons, rope factors) are exercised too.
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { CheckpointError, InputError } from '../../errors';
import { forward } from '../../forward';
import { inspectCheckpoint, loadModel } from '../../io/checkpoint';
import { memorySource, type FileSource } from '../../io/files';
import { parsePythonJson } from '../../io/json';
import { writeSafetensors } from '../../io/safetensors-write';
import { TINY_CONFIGS, tinyTensors } from '../tiny';
import { attempt, newStats, show, type Expectation, type KindStats } from './harness';
import { applyBytes, applyFields, byteMutations, draw, fieldMutations, pythonJson } from './mutate';

const NAME = 'hostile';
export const checkpointExpect: Expectation = {
  classes: [CheckpointError, InputError],
  names: (m) => m.startsWith(`${NAME}/`) || m.startsWith('token id'),
};

const encode = (s: string) => new TextEncoder().encode(s);

interface Base { config: Record<string, unknown>; weights: Uint8Array }

const FIXTURES = new URL('../fixtures/', import.meta.url);

/** The tiny configs of every architecture, plus the reference fixtures as transformers saved them
 *  (their configs carry the fields real checkpoints have: layers_block_type, rope_parameters, …). */
function bases(): Base[] {
  const tiny = Object.values(TINY_CONFIGS).map((c) => {
    const config = JSON.parse(JSON.stringify(c).replace(/"Infinity"/g, '1e308')) as Record<string, unknown>;
    return { config, weights: writeSafetensors(tinyTensors(config)) };
  });
  const saved = existsSync(FIXTURES)
    ? readdirSync(FIXTURES).filter((d) => existsSync(new URL(`${d}/config.json`, FIXTURES))).map((d) => ({
      config: parsePythonJson(readFileSync(new URL(`${d}/config.json`, FIXTURES), 'utf8'), d) as Record<string, unknown>,
      weights: new Uint8Array(readFileSync(new URL(`${d}/model.safetensors`, FIXTURES))),
    }))
    : [];
  return [...tiny, ...saved];
}

/** Inspect, then load and run four tokens: everything a user's Open + Run does with the folder. */
async function openAndRun(src: FileSource): Promise<void> {
  await inspectCheckpoint(src);
  const model = await loadModel(src);
  forward(model, Int32Array.from([0, 1, 2, 1]));
}

export async function checkpointCampaign(seed: number, scale = 1): Promise<KindStats[]> {
  const fields = newStats('config.json: fields');
  const text = newStats('config.json: text');
  const weights = newStats('checkpoint: weight bytes');
  const index = newStats('checkpoint: shard index');
  const all = bases();

  let i = 0;
  for (const ops of draw(fieldMutations(), Math.round(1400 * scale), seed)) {
    const base = all[i++ % all.length];
    const config = applyFields(base.config, ops);
    const src = memorySource(NAME, { 'config.json': pythonJson(config), 'model.safetensors': base.weights });
    await attempt(fields, () => show(config), () => openAndRun(src), checkpointExpect);
  }

  for (const ops of draw(byteMutations(64), Math.round(500 * scale), seed + 1)) {
    const base = all[i++ % all.length];
    const bytes = applyBytes(encode(pythonJson(base.config)), ops);
    const src = memorySource(NAME, { 'config.json': bytes, 'model.safetensors': base.weights });
    await attempt(text, () => show(new TextDecoder().decode(bytes)), () => openAndRun(src), checkpointExpect);
  }

  for (const ops of draw(byteMutations(4096), Math.round(500 * scale), seed + 2)) {
    const base = all[i++ % all.length];
    const bytes = applyBytes(base.weights, ops);
    const src = memorySource(NAME, { 'config.json': pythonJson(base.config), 'model.safetensors': bytes });
    await attempt(weights, () => `${show(ops)} on ${base.config.model_type}`, () => openAndRun(src), checkpointExpect);
  }

  // A sharded checkpoint: two shards and an index whose weight_map is then mutated.
  const base = all[0];
  const tensors = tinyTensors(base.config);
  const names = Object.keys(tensors);
  const half = Math.ceil(names.length / 2);
  const pick = (ns: string[]) => Object.fromEntries(ns.map((n) => [n, tensors[n]]));
  const shards = { 'a.safetensors': writeSafetensors(pick(names.slice(0, half))), 'b.safetensors': writeSafetensors(pick(names.slice(half))) };
  const weightMap = Object.fromEntries(names.map((n, k) => [n, k < half ? 'a.safetensors' : 'b.safetensors']));
  const indexJson = { metadata: { total_size: 0 }, weight_map: weightMap };
  for (const ops of draw(fieldMutations(), Math.round(300 * scale), seed + 3)) {
    const mutated = applyFields(indexJson, ops);
    const src = memorySource(NAME, { 'config.json': JSON.stringify(base.config), 'model.safetensors.index.json': pythonJson(mutated), ...shards });
    await attempt(index, () => show(mutated), () => openAndRun(src), checkpointExpect);
  }
  return [fields, text, weights, index];
}

/** Sizes a config can claim, for the refused-before-allocation checks. */
export const absurdWidths = fc.constantFrom(1e9, 2 ** 31, 2 ** 40, Number.MAX_SAFE_INTEGER);
