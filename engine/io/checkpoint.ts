// Hugging Face checkpoint folders: config.json + model.safetensors (or shards listed in
// model.safetensors.index.json) + optional tokenizer.json. `inspectCheckpoint` reads headers only;
// `loadModel` validates every expected tensor's shape from the headers before reading any data.
import { CheckpointError } from '../errors';
import type { Block, Linear, Model } from '../model';
import { checkpointOrder, formatLayout, type BlockInfo } from '../layout';
import type { ArchitectureAdapter, TensorSpec, Weights } from '../models/adapter';
import { adapterFor, SUPPORTED_MODEL_TYPES } from '../models/registry';
import { numel } from '../tensor';
import { cacheBytes } from '../layers/state';
import { loadTokenizer } from '../tokenizer';
import type { ModelConfig } from './config';
import { ConfigReader } from './config';
import type { FileSource } from './files';
import { pathOf } from './files';
import { parsePythonJson } from './json';
import { checkLoadFits, estimateLoadBytes } from './memory';
import type { SafetensorsHeader, TensorEntry } from './safetensors';
import { decodeTensor, headerLength, parseHeader } from './safetensors';
import { utf8Decode } from './text';

export interface ModelInfo {
  model_type: string;
  layout: string;
  layers: BlockInfo[];
  parameters: number;
  vocab_size: number;
  /** What loads but deserves a look, one line each (tensors config.json does not use). */
  warnings: string[];
  /** Per block, the cache it keeps per sequence (float32 bytes: a constant state, K + V per token),
   *  from config.json alone; loadModel's blocks give the same (layers/state.ts blockCacheBytes). Empty
   *  for a family whose adapter has no cacheShapes. */
  blockCache: { state: number; kvPerToken: number }[];
}

interface Located { shard: string; header: SafetensorsHeader; entry: TensorEntry }

interface Opened {
  adapter: ArchitectureAdapter;
  config: ModelConfig;
  prefix: string;
  tensors: Map<string, Located>;
  specs: TensorSpec[];
  lmHead: 'lm_head' | 'tied';
  /** Tensors of the files that config.json gives no place to; never read. */
  unused: Set<string>;
  warnings: string[];
}

export async function inspectCheckpoint(src: FileSource): Promise<ModelInfo> {
  const o = await open(src);
  const kinds = o.adapter.kinds(o.config);
  const shared = o.adapter.sharedOf?.(o.config);
  let parameters = 0;
  for (const [name, t] of o.tensors) if (!o.unused.has(name)) parameters += numel(t.entry.shape);
  return {
    model_type: o.config.model_type,
    layout: formatLayout(kinds, checkpointOrder(kinds)),
    layers: kinds.map((kind, index) => (shared?.[index] === undefined ? { index, kind } : { index, kind, shared: shared[index] })),
    parameters,
    vocab_size: o.config.vocab_size,
    warnings: o.warnings,
    blockCache: o.adapter.cacheShapes?.(o.config).map(cacheBytes) ?? [],
  };
}

export async function loadModel(src: FileSource): Promise<Model> {
  const o = await open(src);
  const cache = new Map<string, Uint8Array>();
  const bytesOf = async (shard: string): Promise<Uint8Array> => {
    let b = cache.get(shard);
    if (!b) {
      b = await readFile(src, shard);
      cache.set(shard, b);
    }
    return b;
  };
  const values = new Map<string, Float32Array>();
  const need = [...o.specs.filter((s) => o.tensors.has(s.name)).map((s) => s.name)];
  if (o.lmHead === 'lm_head') need.push('lm_head.weight');
  checkLoadFits(pathOf(src, o.tensors.values().next().value!.shard), estimateLoadBytes(o.tensors.values(), new Set(need)));
  for (const name of need) {
    const t = o.tensors.get(name)!;
    values.set(name, decodeTensor(t.header, t.entry, await bytesOf(t.shard)));
  }
  cache.clear();
  const weights: Weights = {
    get(name) {
      const v = values.get(name);
      if (!v) throw new CheckpointError(pathOf(src, 'model.safetensors'), `missing tensor "${name}"`);
      return v;
    },
    opt: (name) => values.get(name),
  };
  const built = o.adapter.build(o.config, weights, o.prefix);
  const V = o.config.vocab_size, D = o.config.hidden_size;
  const lmHead: Linear = { weight: o.lmHead === 'lm_head' ? values.get('lm_head.weight')! : built.embeddings, inFeatures: D, outFeatures: V };
  const blocks: Block[] = built.blocks;
  const kinds = blocks.map((b) => b.kind);
  const model: Model = {
    modelType: o.config.model_type, config: o.config, blocks, original: blocks, layout: formatLayout(kinds, checkpointOrder(kinds)),
    embeddings: { weight: built.embeddings, V, D }, normF: built.normF, lmHead, tied: o.lmHead === 'tied',
    ...(built.embeddingScale !== undefined && built.embeddingScale !== 1 ? { embeddingScale: built.embeddingScale } : {}),
    ...(built.logitScale !== undefined && built.logitScale !== 1 ? { logitScale: built.logitScale } : {}),
    hiddenStates: o.adapter.hiddenStates, warnings: o.warnings,
  };
  if (await src.has('tokenizer.json')) {
    const tj = await readJson(src, 'tokenizer.json');
    const tc = (await src.has('tokenizer_config.json'))
      ? await readJson(src, 'tokenizer_config.json')
      : {};
    model.tokenizer = loadTokenizer(tj, tc, pathOf(src, 'tokenizer.json'));
  }
  return model;
}

/** Config + headers + shape validation; shared by inspect and load. */
async function open(src: FileSource): Promise<Opened> {
  const configPath = pathOf(src, 'config.json');
  if (!(await src.has('config.json'))) throw new CheckpointError(configPath, 'missing (not a Hugging Face checkpoint folder?)');
  const json = await readJson(src, 'config.json');
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new CheckpointError(configPath, 'not a JSON object');
  const modelType = (json as Record<string, unknown>).model_type;
  if (typeof modelType !== 'string') throw new CheckpointError(configPath, 'has no model_type');
  const adapter = adapterFor(modelType);
  if (!adapter) {
    throw new CheckpointError(configPath, `model_type "${modelType}" is not supported (supported: ${SUPPORTED_MODEL_TYPES.join(', ')})`);
  }
  const config = adapter.parse(new ConfigReader(configPath, json as Record<string, unknown>));
  const tensors = await readHeaders(src);
  const prefix = adapter.prefixes.find((p) => tensors.has(p + adapter.embeddingKey));
  const weightsPath = pathOf(src, tensors.values().next().value?.shard ?? 'model.safetensors');
  if (prefix === undefined) {
    throw new CheckpointError(weightsPath, `no embedding tensor (looked for ${adapter.prefixes.map((p) => `"${p}${adapter.embeddingKey}"`).join(', ')})`);
  }
  const specs = adapter.tensors(config, prefix);
  for (const spec of specs) checkSpec(src, tensors, spec);
  const hasHead = tensors.has('lm_head.weight');
  // nemotron_h never ties in transformers (_tied_weights_keys = {}): a saved lm_head always wins.
  const useHead = hasHead && (!config.tie_word_embeddings || config.model_type === 'nemotron_h');
  if (useHead) checkSpec(src, tensors, { name: 'lm_head.weight', shape: [config.vocab_size, config.hidden_size] });
  else if (!config.tie_word_embeddings && !hasHead) {
    throw new CheckpointError(weightsPath, 'missing tensor "lm_head.weight" (tie_word_embeddings is false)');
  }
  const used = new Set(specs.map((s) => s.name));
  // lm_head.weight is the head, or a copy of the embeddings the config ties it to (transformers loads
  // that copy without a word, and so does the engine).
  used.add('lm_head.weight');
  const unused = [...tensors.keys()].filter((name) => !used.has(name));
  return { adapter, config, prefix, tensors, specs, lmHead: useHead ? 'lm_head' : 'tied', unused: new Set(unused), warnings: unusedWarnings(src, tensors, unused) };
}

/** Tensors the files hold but config.json gives no place to (a config naming fewer layers than the
 *  weights, a part the engine does not model) are neither read nor counted as parameters. Like
 *  transformers' "Some weights of the model checkpoint were not used", say so: how many, and the
 *  first few by name. */
function unusedWarnings(src: FileSource, tensors: Map<string, Located>, unused: string[]): string[] {
  if (unused.length === 0) return [];
  const SHOWN = 3;
  const names = unused.slice(0, SHOWN).map((n) => `"${n}"`).join(', ') + (unused.length > SHOWN ? ` and ${unused.length - SHOWN} more` : '');
  const what = unused.length === 1 ? '1 tensor that config.json does not use is' : `${unused.length} tensors that config.json does not use are`;
  return [`${pathOf(src, tensors.get(unused[0])!.shard)}: ${what} ignored: ${names}`];
}

function checkSpec(src: FileSource, tensors: Map<string, Located>, spec: TensorSpec): void {
  const t = tensors.get(spec.name);
  if (!t) {
    if (spec.optional) return;
    const anyShard = tensors.values().next().value?.shard ?? 'model.safetensors';
    throw new CheckpointError(pathOf(src, anyShard), `missing tensor "${spec.name}"`);
  }
  // conv1d weights are (C, 1, K); accept the squeezed (C, K) as well.
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  const squeezed = spec.shape.length === 3 && spec.shape[1] === 1 ? [spec.shape[0], spec.shape[2]] : undefined;
  if (!same(t.entry.shape, spec.shape) && !(squeezed && same(t.entry.shape, squeezed))) {
    throw new CheckpointError(pathOf(src, t.shard), `tensor "${spec.name}" has shape [${t.entry.shape.join(', ')}], config.json implies [${spec.shape.join(', ')}]`);
  }
}

async function readHeaders(src: FileSource): Promise<Map<string, Located>> {
  const shards: string[] = [];
  if (await src.has('model.safetensors.index.json')) {
    const indexPath = pathOf(src, 'model.safetensors.index.json');
    const index = await readJson(src, 'model.safetensors.index.json') as { weight_map?: unknown } | null;
    const map = index?.weight_map;
    if (!map || typeof map !== 'object' || Array.isArray(map)) throw new CheckpointError(indexPath, 'has no weight_map object');
    for (const shard of Object.values(map as Record<string, unknown>)) {
      if (typeof shard !== 'string' || shard.includes('..') || shard.startsWith('/')) {
        throw new CheckpointError(indexPath, `weight_map names an invalid shard ${JSON.stringify(shard)}`);
      }
      if (!shards.includes(shard)) shards.push(shard);
    }
  } else if (await src.has('model.safetensors')) {
    shards.push('model.safetensors');
  } else {
    throw new CheckpointError(pathOf(src, 'model.safetensors'), 'missing (and no model.safetensors.index.json)');
  }
  const tensors = new Map<string, Located>();
  for (const shard of shards) {
    if (!(await src.has(shard))) throw new CheckpointError(pathOf(src, shard), 'missing shard');
    const header = await readHeader(src, shard);
    for (const [name, entry] of header.tensors) {
      if (tensors.has(name)) throw new CheckpointError(pathOf(src, shard), `tensor "${name}" also appears in ${tensors.get(name)!.shard}`);
      tensors.set(name, { shard, header, entry });
    }
  }
  return tensors;
}

async function readHeader(src: FileSource, shard: string): Promise<SafetensorsHeader> {
  const path = pathOf(src, shard);
  if (src.readRange && src.size) {
    const size = await src.size(shard);
    const n = headerLength(await src.readRange(shard, 0, 8), path, size);
    const bytes = new Uint8Array(8 + n);
    bytes.set(await src.readRange(shard, 0, 8 + n));
    return parseHeader(bytes, path, size);
  }
  const bytes = await src.read(shard);
  return parseHeader(bytes, path, bytes.length);
}

async function readFile(src: FileSource, file: string): Promise<Uint8Array> {
  try {
    return await src.read(file);
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    throw new CheckpointError(pathOf(src, file), (e as Error).message);
  }
}

/** A JSON file of the folder; unreadable bytes or invalid UTF-8 become a CheckpointError naming it. */
async function readJson(src: FileSource, file: string): Promise<unknown> {
  const bytes = await readFile(src, file);
  let text: string;
  try {
    text = utf8Decode(bytes);
  } catch {
    throw new CheckpointError(pathOf(src, file), 'is not UTF-8 text');
  }
  return parsePythonJson(text, pathOf(src, file));
}
