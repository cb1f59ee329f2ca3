// Hugging Face checkpoint folders: config.json + model.safetensors (or shards listed in
// model.safetensors.index.json) + optional tokenizer.json. `inspectCheckpoint` reads headers only;
// `loadModel` validates every expected tensor's shape from the headers and checks the memory it
// needs before reading any data, then reads each tensor by its byte range (files of any size).
// Matrices stay in the precision they are stored in (BF16/F16 as 16-bit bits, widened by the
// kernels), in storage the kernel backend may provide; vectors and conv weights become float32.
import { CheckpointError } from '../errors';
import type { Block, Linear, Model } from '../model';
import { checkpointOrder, formatLayout, type BlockInfo } from '../layout';
import type { ArchitectureAdapter, TensorSpec, Weights } from '../models/adapter';
import { adapterFor, SUPPORTED_MODEL_TYPES } from '../models/registry';
import { cacheBytes } from '../layers/state';
import { kernels } from '../kernels/backend';
import { widened } from '../kernels/widen';
import { numel, type WeightArray } from '../tensor';
import { loadTokenizer } from '../tokenizer';
import type { ModelConfig } from './config';
import { ConfigReader } from './config';
import type { FileSource } from './files';
import { pathOf } from './files';
import { parsePythonJson } from './json';
import { checkLoadFits, estimateLoadBytes, READ_BATCH_BYTES } from './memory';
import type { SafetensorsHeader, TensorEntry } from './safetensors';
import { decodeRaw, headerLength, parseHeader, storedMatrix, tensorRange } from './safetensors';
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
   *  from config.json alone; loadModel's blocks give the same (layers/state.ts blockCacheBytes). */
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
    blockCache: o.adapter.cacheShapes(o.config).map(cacheBytes),
  };
}

export async function loadModel(src: FileSource): Promise<Model> {
  const o = await open(src);
  const need = o.specs.filter((s) => o.tensors.has(s.name)).map((s) => s.name);
  if (o.lmHead === 'lm_head') need.push('lm_head.weight');
  const matrices = new Set([...o.specs.filter((s) => s.matrix).map((s) => s.name), o.prefix + o.adapter.embeddingKey, 'lm_head.weight']);
  const located = need.map((name) => o.tensors.get(name)!);
  checkLoadFits(pathOf(src, located[0].shard), estimateLoadBytes(located, matrices));
  // in file order, by byte ranges (readBatches): the tensors and nothing else of the files
  located.sort((a, b) => (a.shard < b.shard ? -1 : a.shard > b.shard ? 1 : a.entry.begin - b.entry.begin));
  const values = new Map<string, Float32Array>();
  const stored = new Map<string, WeightArray>();
  const place = kernels().placeWeights;
  const storage = (kind: 'f32' | 'u16', n: number) => place?.(kind, n) ?? (kind === 'f32' ? new Float32Array(n) : new Uint16Array(n));
  for (const batch of readBatches(located)) {
    const first = tensorRange(batch[0].header, batch[0].entry).start;
    const last = tensorRange(batch[batch.length - 1].header, batch[batch.length - 1].entry).end;
    // (an empty range is not asked for: an HTTP Range of zero bytes cannot be written)
    const bytes = last > first ? await readRange(src, batch[0].shard, first, last) : new Uint8Array(0);
    const file = pathOf(src, batch[0].shard);
    for (const t of batch) {
      const { start, end } = tensorRange(t.header, t.entry);
      const raw = bytes.subarray(Math.min(start - first, bytes.length), Math.min(end - first, bytes.length));
      if (matrices.has(t.entry.name)) stored.set(t.entry.name, storedMatrix(t.entry, raw, file, storage));
      else values.set(t.entry.name, decodeRaw(t.entry, raw, file));
    }
  }
  const missing = (name: string) => new CheckpointError(pathOf(src, 'model.safetensors'), `missing tensor "${name}"`);
  const weights: Weights = {
    get(name) {
      const v = this.opt(name);
      if (!v) throw missing(name);
      return v;
    },
    opt(name) {
      let v = values.get(name);
      const m = stored.get(name);
      if (!v && m) values.set(name, (v = widened(m)));
      return v;
    },
    matrix(name) {
      const v = stored.get(name) ?? values.get(name);
      if (!v) throw missing(name);
      return v;
    },
  };
  const built = o.adapter.build(o.config, weights, o.prefix);
  const V = o.config.vocab_size, D = o.config.hidden_size;
  const lmHead: Linear = { weight: o.lmHead === 'lm_head' ? weights.matrix('lm_head.weight') : built.embeddings, inFeatures: D, outFeatures: V };
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

/** Tensors (sorted by shard and offset) in runs that lie back to back in one shard, each run at most
 *  READ_BATCH_BYTES unless one tensor is larger: one range read per run, so a small model is a few
 *  reads (HTTP requests in the web build), a large one a tensor or so at a time. */
function readBatches(located: Located[]): Located[][] {
  const batches: Located[][] = [];
  let bytes = 0;
  for (const t of located) {
    const last = batches[batches.length - 1]?.at(-1);
    const size = t.entry.end - t.entry.begin;
    if (last && last.shard === t.shard && last.entry.end === t.entry.begin && bytes + size <= READ_BATCH_BYTES) {
      batches[batches.length - 1].push(t);
      bytes += size;
    } else {
      batches.push([t]);
      bytes = size;
    }
  }
  return batches;
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

/** The header alone: 8 bytes for its length, then exactly that many (bounded by MAX_HEADER_BYTES
 *  and the file's size before anything is allocated for it). */
async function readHeader(src: FileSource, shard: string): Promise<SafetensorsHeader> {
  const path = pathOf(src, shard);
  const size = await fileOp(src, shard, () => src.size(shard));
  const n = headerLength(await readRange(src, shard, 0, 8), path, size);
  const bytes = new Uint8Array(8 + n);
  bytes.set(await readRange(src, shard, 0, 8 + n));
  return parseHeader(bytes, path, size);
}

/** A failure of the host's file access becomes a CheckpointError naming the file. */
async function fileOp<T>(src: FileSource, file: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    throw new CheckpointError(pathOf(src, file), (e as Error).message);
  }
}

const readFile = (src: FileSource, file: string) => fileOp(src, file, () => src.read(file));
const readRange = (src: FileSource, file: string, start: number, end: number) => fileOp(src, file, () => src.readRange(file, start, end));

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
